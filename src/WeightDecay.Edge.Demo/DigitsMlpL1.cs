namespace WeightDecay.Edge.Demo;

/// <summary>
/// What the trainer needs of a digits model, whatever its layout: <see cref="DigitsMlp"/>,
/// <see cref="DigitsMlpSp"/> and the proximal-L1 family below implement it (the generated members match these signatures).
/// </summary>
internal interface IDigitsClassifier : IModelLayout
{
    void Forward(float[] input, float[] output);

    float AccumulateCrossEntropyGradient(float[] input, int label, float weight);

    int CountZeros(int tensorIndex);

    double L1Penalty();

    void CopyParametersFrom(float[] source);
}

// Declared here, not in DigitsMlp.cs, which the soak test compiles without this interface.
public partial class DigitsMlp : IDigitsClassifier
{
}

// The digits MLP again, with proximal L1 on the hidden layer's weight. λ₁ is a compile-time constant of a
// layout (it is in the generated code and the checkpoint hash), so each λ₁ that cross-validation chooses
// from is its own layout, as a device would ship it. Same tensors, same order, same shapes as DigitsMlp,
// so DigitsMlp's parameters copy over as they are; SGD only, the optimizer of the comparison.

/// <summary>The digits MLP with proximal L1, λ₁ = 3e-4, on HiddenWeight.</summary>
[ModelLayout]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU, L1 = 3e-4f)]
[Dense("Output", 32, 10)]
[Sgd]
public partial class DigitsMlpL1e4x3 : IDigitsClassifier
{
}

/// <summary>The digits MLP with proximal L1, λ₁ = 1e-3, on HiddenWeight.</summary>
[ModelLayout]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU, L1 = 1e-3f)]
[Dense("Output", 32, 10)]
[Sgd]
public partial class DigitsMlpL1e3 : IDigitsClassifier
{
}

/// <summary>The digits MLP with proximal L1, λ₁ = 3e-3, on HiddenWeight.</summary>
[ModelLayout]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU, L1 = 3e-3f)]
[Dense("Output", 32, 10)]
[Sgd]
public partial class DigitsMlpL1e3x3 : IDigitsClassifier
{
}

/// <summary>The digits MLP with proximal L1, λ₁ = 1e-2, on HiddenWeight.</summary>
[ModelLayout]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU, L1 = 1e-2f)]
[Dense("Output", 32, 10)]
[Sgd]
public partial class DigitsMlpL1e2 : IDigitsClassifier
{
}

/// <summary>The digits MLP with proximal L1, λ₁ = 3e-2, on HiddenWeight.</summary>
[ModelLayout]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU, L1 = 3e-2f)]
[Dense("Output", 32, 10)]
[Sgd]
public partial class DigitsMlpL1e2x3 : IDigitsClassifier
{
}

/// <summary>One proximal-L1 layout: its λ₁, a fresh model, and SGD (lr, momentum as the sweep's, no weight decay) for it.</summary>
internal sealed record L1Layout(float Lambda1, Func<IDigitsClassifier> Create, Func<IDigitsClassifier, IOptimizer> Sgd)
{
    /// <summary>The λ₁ grid, one layout each, in increasing order.</summary>
    public static IReadOnlyList<L1Layout> All { get; } =
    [
        new(3e-4f, static () => new DigitsMlpL1e4x3(), static m => new DigitsMlpL1e4x3.SgdOptimizer((DigitsMlpL1e4x3)m) { LearningRate = TrainConfig.SgdLearningRate, Momentum = TrainConfig.SgdMomentum }),
        new(1e-3f, static () => new DigitsMlpL1e3(), static m => new DigitsMlpL1e3.SgdOptimizer((DigitsMlpL1e3)m) { LearningRate = TrainConfig.SgdLearningRate, Momentum = TrainConfig.SgdMomentum }),
        new(3e-3f, static () => new DigitsMlpL1e3x3(), static m => new DigitsMlpL1e3x3.SgdOptimizer((DigitsMlpL1e3x3)m) { LearningRate = TrainConfig.SgdLearningRate, Momentum = TrainConfig.SgdMomentum }),
        new(1e-2f, static () => new DigitsMlpL1e2(), static m => new DigitsMlpL1e2.SgdOptimizer((DigitsMlpL1e2)m) { LearningRate = TrainConfig.SgdLearningRate, Momentum = TrainConfig.SgdMomentum }),
        new(3e-2f, static () => new DigitsMlpL1e2x3(), static m => new DigitsMlpL1e2x3.SgdOptimizer((DigitsMlpL1e2x3)m) { LearningRate = TrainConfig.SgdLearningRate, Momentum = TrainConfig.SgdMomentum }),
    ];
}
