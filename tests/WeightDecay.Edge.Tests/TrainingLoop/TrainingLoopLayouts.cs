using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests.TrainingLoop;

// Frozen tensors at the start, in the middle (between runs of different decay) and next to each
// other's neighbours, with sizes awkward for 4-way unrolling and for 4/8/16-float vectors.
// The expected counts are written out by hand in the tests, never read back from generated code.

/// <summary>
/// Embed (4x3, frozen) | W (7x5) | B (13, no decay) | Norm (6, frozen, no decay) | K (3x3x2).
/// 84 parameters: 66 trainable, 18 frozen.
/// </summary>
[ModelLayout]
[Tensor("Embed", 4, 3, Trainable = false)]
[Tensor("W", 7, 5)]
[Tensor("B", 13, Decay = false)]
[Tensor("Norm", 6, Trainable = false, Decay = false)]
[Tensor("K", 3, 3, 2)]
[Sgd, Adam, AdamW]
public partial class FrozenLayout
{
}

/// <summary>The trainable tensors of <see cref="FrozenLayout"/> alone, in the same order: 66 parameters.</summary>
[ModelLayout]
[Tensor("W", 7, 5)]
[Tensor("B", 13, Decay = false)]
[Tensor("K", 3, 3, 2)]
[Sgd, Adam, AdamW]
public partial class TrainableOnlyLayout
{
}

/// <summary>Every tensor frozen: nothing to train, no state.</summary>
[ModelLayout]
[Tensor("A", 5, Trainable = false)]
[Sgd, Adam, AdamW]
public partial class AllFrozenLayout
{
}
