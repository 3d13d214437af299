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

/// <summary>Every plain-tensor initialisation, with a seed of its own.</summary>
[ModelLayout(Seed = 7)]
[Tensor("Embedding", 64, 64, Init = TensorInit.Normal, InitStd = 0.02f)]
[Tensor("Scale", 100, 50, Init = TensorInit.Uniform, InitBound = 0.1f)]
[Tensor("Keep", 4, Init = TensorInit.None)]
[Tensor("Zero", 4)]
[AdamW]
public partial class InitChoices
{
}
