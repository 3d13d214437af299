using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests;

// The layouts under test. Sizes are deliberately awkward for an update loop unrolled by four:
// 35 (7x5), 18 (3x3x2), 13 and 1. Every layout opts into all three optimizers.
// The expected facts about each one (offsets, lengths, decay flags) are written out by hand in
// LayoutCatalog, never read back from the generated code.

/// <summary>Every tensor decayed: one run of 67 parameters.</summary>
[ModelLayout]
[Tensor("W", 7, 5)]
[Tensor("K", 3, 3, 2)]
[Tensor("S", 1)]
[Tensor("V", 13)]
[Sgd, Adam, AdamW]
public partial class AllDecayLayout
{
}

/// <summary>Decayed and not-decayed tensors alternate: W (decay), B (no), K (decay), S (no).</summary>
[ModelLayout]
[Tensor("W", 7, 5)]
[Tensor("B", 13, Decay = false)]
[Tensor("K", 3, 3, 2)]
[Tensor("S", 1, Decay = false)]
[Sgd, Adam, AdamW]
public partial class MixedLayout
{
}

/// <summary>
/// Starts and ends with not-decayed tensors; the decayed tensors in between are adjacent
/// (K, Tiny, W), so an implementation may merge them into one pass.
/// </summary>
[ModelLayout]
[Tensor("Scale", 1, Decay = false)]
[Tensor("K", 3, 3, 2)]
[Tensor("Tiny", 1)]
[Tensor("W", 7, 5)]
[Tensor("Bias", 13, Decay = false)]
[Sgd, Adam, AdamW]
public partial class NoDecayEndsLayout
{
}

/// <summary>Five parameters, fewer than two unrolled iterations in any run.</summary>
[ModelLayout]
[Tensor("A", 1)]
[Tensor("N", 1, Decay = false)]
[Tensor("Z", 3)]
[Sgd, Adam, AdamW]
public partial class TinyLayout
{
}
