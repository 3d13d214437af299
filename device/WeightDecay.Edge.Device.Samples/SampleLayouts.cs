// Layouts compiled for both profiles: this very file is also compiled into the desktop device
// tests, so the two builds can be compared step by step.
using WeightDecay.Edge;

namespace WeightDecay.Edge.Device.Samples
{
    /// <summary>A keyword-spotting head: 16 features, 8 hidden units, 3 classes.</summary>
    [ModelLayout]
    [Tensor("W1", 16, 8)]
    [Tensor("B1", 8, Decay = false)]
    [Tensor("W2", 8, 3)]
    [Tensor("B2", 3, Decay = false)]
    [Sgd, Adam, AdamW]
    public partial class KeywordHead
    {
    }

    /// <summary>Awkward sizes: remainders after unrolling, a scalar tensor, a 3-D tensor.</summary>
    [ModelLayout]
    [Tensor("Kernel", 3, 3, 2)]
    [Tensor("Scale", 1, Decay = false)]
    [Tensor("Dense", 7, 5)]
    [Tensor("Bias", 13, Decay = false)]
    [Sgd, Adam, AdamW]
    public partial class OddLayout
    {
    }
}
