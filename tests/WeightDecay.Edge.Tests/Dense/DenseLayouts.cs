using System;
using System.Collections.Generic;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests.Dense;

// Dense layouts under test. Between them every activation appears both in a hidden layer and in
// the last layer (where the loss sees it), and [Tensor]s are mixed in between [Dense]s.

/// <summary>The declaration from the feature request: 64 -> 32 ReLU -> 10.</summary>
[ModelLayout]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU)]
[Dense("Output", 32, 10)]
[Sgd, Adam, AdamW]
public partial class DigitsMlp
{
}

/// <summary>Every activation in one network: ReLU, tanh, sigmoid, then identity logits.</summary>
[ModelLayout]
[Dense("A", 6, 7, Activation = Activation.ReLU)]
[Dense("B", 7, 5, Activation = Activation.Tanh)]
[Dense("C", 5, 4, Activation = Activation.Sigmoid)]
[Dense("D", 4, 3)]
[Sgd]
public partial class AllActivationsMlp
{
}

/// <summary>A tanh output layer after a sigmoid one, with a tensor in between that the passes never touch.</summary>
[ModelLayout]
[Dense("Hidden", 3, 5, Activation = Activation.Sigmoid)]
[Tensor("Extra", 2, 2)]
[Dense("Output", 5, 2, Activation = Activation.Tanh)]
[AdamW]
public partial class TanhOutputMlp
{
}

/// <summary>A single layer with a ReLU output and a decayed bias.</summary>
[ModelLayout]
[Dense("Only", 4, 3, Activation = Activation.ReLU, BiasDecay = true)]
[Sgd]
public partial class ReluOutputLayer
{
}

/// <summary>A single sigmoid layer behind a leading tensor: weight offsets do not start at 0.</summary>
[ModelLayout]
[Tensor("Lead", 3)]
[Dense("Only", 2, 3, Activation = Activation.Sigmoid)]
[Adam]
public partial class SigmoidOutputLayer
{
}

/// <summary>
/// One dense layout seen through delegates, with its architecture written out by hand (never read
/// back from the generated code), so the tests can drive every layout the same way.
/// </summary>
internal sealed class DenseCase
{
    public required string Name { get; init; }

    public required float[] Parameters { get; init; }

    public required float[] Gradients { get; init; }

    /// <summary>The dense layers in order, with the offsets their tensors must have.</summary>
    public required ReferenceLayer[] Layers { get; init; }

    /// <summary>Ranges of Parameters that belong to plain [Tensor]s (never touched by the passes).</summary>
    public (int Offset, int Length)[] OtherTensors { get; init; } = [];

    public required Action<float[], float[]> Forward { get; init; }

    public required Func<float[], int> Predict { get; init; }

    public required Func<float[], int, float, float> CrossEntropy { get; init; }

    public required Func<float[], float[], float, float> MeanSquaredError { get; init; }

    public required Action ZeroGrad { get; init; }

    public required (string Name, int Offset)[] GeneratedOffsets { get; init; }

    public int InputSize => Layers[0].Inputs;

    public int OutputSize => Layers[^1].Outputs;

    public static IEnumerable<string> Names => s_factories.Keys;

    public static DenseCase Create(string name) => s_factories[name]();

    private static readonly Dictionary<string, Func<DenseCase>> s_factories = new()
    {
        ["DigitsMlp"] = () =>
        {
            var m = new DigitsMlp();
            return From(m.Parameters, m.Gradients, "DigitsMlp", m.Forward, m.Predict, m.AccumulateCrossEntropyGradient, m.AccumulateMeanSquaredErrorGradient, m.ZeroGrad,
                [new(64, 32, Activation.ReLU, 0, 2048), new(32, 10, Activation.Identity, 2080, 2400)],
                [("HiddenWeight", DigitsMlp.HiddenWeightOffset), ("HiddenBias", DigitsMlp.HiddenBiasOffset), ("OutputWeight", DigitsMlp.OutputWeightOffset), ("OutputBias", DigitsMlp.OutputBiasOffset)]);
        },
        ["AllActivationsMlp"] = () =>
        {
            var m = new AllActivationsMlp();
            return From(m.Parameters, m.Gradients, "AllActivationsMlp", m.Forward, m.Predict, m.AccumulateCrossEntropyGradient, m.AccumulateMeanSquaredErrorGradient, m.ZeroGrad,
                [new(6, 7, Activation.ReLU, 0, 42), new(7, 5, Activation.Tanh, 49, 84), new(5, 4, Activation.Sigmoid, 89, 109), new(4, 3, Activation.Identity, 113, 125)],
                [("AWeight", AllActivationsMlp.AWeightOffset), ("ABias", AllActivationsMlp.ABiasOffset), ("BWeight", AllActivationsMlp.BWeightOffset), ("BBias", AllActivationsMlp.BBiasOffset),
                 ("CWeight", AllActivationsMlp.CWeightOffset), ("CBias", AllActivationsMlp.CBiasOffset), ("DWeight", AllActivationsMlp.DWeightOffset), ("DBias", AllActivationsMlp.DBiasOffset)]);
        },
        ["TanhOutputMlp"] = () =>
        {
            var m = new TanhOutputMlp();
            return From(m.Parameters, m.Gradients, "TanhOutputMlp", m.Forward, m.Predict, m.AccumulateCrossEntropyGradient, m.AccumulateMeanSquaredErrorGradient, m.ZeroGrad,
                [new(3, 5, Activation.Sigmoid, 0, 15), new(5, 2, Activation.Tanh, 24, 34)],
                [("HiddenWeight", TanhOutputMlp.HiddenWeightOffset), ("HiddenBias", TanhOutputMlp.HiddenBiasOffset), ("Extra", TanhOutputMlp.ExtraOffset), ("OutputWeight", TanhOutputMlp.OutputWeightOffset), ("OutputBias", TanhOutputMlp.OutputBiasOffset)],
                [(20, 4)]);
        },
        ["ReluOutputLayer"] = () =>
        {
            var m = new ReluOutputLayer();
            return From(m.Parameters, m.Gradients, "ReluOutputLayer", m.Forward, m.Predict, m.AccumulateCrossEntropyGradient, m.AccumulateMeanSquaredErrorGradient, m.ZeroGrad,
                [new(4, 3, Activation.ReLU, 0, 12)],
                [("OnlyWeight", ReluOutputLayer.OnlyWeightOffset), ("OnlyBias", ReluOutputLayer.OnlyBiasOffset)]);
        },
        ["SigmoidOutputLayer"] = () =>
        {
            var m = new SigmoidOutputLayer();
            return From(m.Parameters, m.Gradients, "SigmoidOutputLayer", m.Forward, m.Predict, m.AccumulateCrossEntropyGradient, m.AccumulateMeanSquaredErrorGradient, m.ZeroGrad,
                [new(2, 3, Activation.Sigmoid, 3, 9)],
                [("Lead", SigmoidOutputLayer.LeadOffset), ("OnlyWeight", SigmoidOutputLayer.OnlyWeightOffset), ("OnlyBias", SigmoidOutputLayer.OnlyBiasOffset)],
                [(0, 3)]);
        },
    };

    private static DenseCase From(
        float[] parameters,
        float[] gradients,
        string name,
        Action<float[], float[]> forward,
        Func<float[], int> predict,
        Func<float[], int, float, float> crossEntropy,
        Func<float[], float[], float, float> meanSquaredError,
        Action zeroGrad,
        ReferenceLayer[] layers,
        (string, int)[] offsets,
        (int, int)[]? otherTensors = null) =>
        new()
        {
            Name = name,
            Parameters = parameters,
            Gradients = gradients,
            Layers = layers,
            Forward = forward,
            Predict = predict,
            CrossEntropy = crossEntropy,
            MeanSquaredError = meanSquaredError,
            ZeroGrad = zeroGrad,
            GeneratedOffsets = offsets,
            OtherTensors = otherTensors ?? [],
        };
}
