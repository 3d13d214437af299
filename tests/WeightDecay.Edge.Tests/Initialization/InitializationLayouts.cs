using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests.Initialization;

/// <summary>One wide layer (16,384 weights, bound 1/32) for the distribution tests, behind a plain tensor that stays zero.</summary>
[ModelLayout]
[Tensor("Lead", 3, 2)]
[Dense("Wide", 1024, 16)]
[Sgd]
public partial class WideLayer
{
}
