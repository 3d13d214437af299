using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests.Dense;

// Layouts with mini-batch methods. Between them: whole vectors only (64 -> 32 -> 10), sizes that leave
// scalar remainders on every SIMD width (37 -> 19 -> 6), every activation, a frozen layer, and a
// MaxBatchSize that is not a multiple of the kernels' four-sample tiles.

/// <summary>The digits MLP of the benchmarks, 64 -> 32 ReLU -> 10, with mini-batches of up to 32.</summary>
[ModelLayout(MaxBatchSize = 32)]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU)]
[Dense("Output", 32, 10)]
[AdamW, Sgd]
public partial class BatchDigitsMlp
{
}

/// <summary>Sizes that fill no vector exactly, with tanh and a sigmoid output.</summary>
[ModelLayout(MaxBatchSize = 7)]
[Dense("First", 37, 19, Activation = Activation.Tanh)]
[Dense("Second", 19, 6, Activation = Activation.Sigmoid)]
[Sgd]
public partial class BatchOddSizesMlp
{
}

/// <summary>Every activation, a frozen middle layer and a tensor between layers.</summary>
[ModelLayout(MaxBatchSize = 5)]
[Dense("A", 6, 9, Activation = Activation.ReLU)]
[Tensor("Between", 3)]
[Dense("B", 9, 5, Activation = Activation.Tanh, Trainable = false)]
[Dense("C", 5, 4, Activation = Activation.Sigmoid)]
[Dense("D", 4, 3)]
[Adam]
public partial class BatchAllActivationsMlp
{
}
