using System;
using System.Collections.Generic;

namespace WeightDecay.Edge.Tests.Dense;

/// <summary>
/// A layout with mini-batch methods (BatchLayouts.cs) seen through delegates: the per-sample calls, both
/// mini-batch overloads, and the architecture written out by hand for the reference and the data.
/// </summary>
internal sealed class BatchCase
{
    public delegate float SpanCrossEntropy(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize, float weight);

    public delegate float SpanSquaredError(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, float weight);

    public required string Name { get; init; }

    public required float[] Parameters { get; init; }

    public required float[] Gradients { get; init; }

    public required int InputSize { get; init; }

    public required int OutputSize { get; init; }

    public required int MaxBatchSize { get; init; }

    /// <summary>The layers, as DoubleReference reads them (offsets into Parameters).</summary>
    public required ReferenceLayer[] Layers { get; init; }

    /// <summary>Parameter ranges that must never receive a gradient: frozen layers and plain tensors.</summary>
    public (int Offset, int Length)[] Untouched { get; init; } = [];

    public required Func<float[], int, float, float> CrossEntropy { get; init; }

    public required Func<float[], float[], float, float> SquaredError { get; init; }

    public required SpanCrossEntropy BatchCrossEntropy { get; init; }

    public required SpanSquaredError BatchSquaredError { get; init; }

    public required Func<float[], int[], int, int, float, float> ArrayCrossEntropy { get; init; }

    public required Func<float[], float[], int, int, float, float> ArraySquaredError { get; init; }

    public required Action ZeroGrad { get; init; }

    public static IEnumerable<string> Names => s_factories.Keys;

    public static BatchCase Create(string name) => s_factories[name]();

    /// <summary>Fills the parameters with weights of order 1/sqrt(inputs) and biases in ±0.5, deterministically.</summary>
    public void Initialize(Random random)
    {
        for (int j = 0; j < Parameters.Length; j++)
        {
            Parameters[j] = (float)((random.NextDouble() - 0.5) * 1.0);
        }

        foreach (ReferenceLayer layer in Layers)
        {
            double bound = 2.0 / Math.Sqrt(layer.Inputs);
            for (int j = 0; j < layer.Inputs * layer.Outputs; j++)
            {
                Parameters[layer.WeightOffset + j] = (float)(((random.NextDouble() * 2) - 1) * bound);
            }
        }
    }

    public override string ToString() => Name;

    private static readonly Dictionary<string, Func<BatchCase>> s_factories = new()
    {
        ["BatchDigitsMlp"] = () =>
        {
            var m = new BatchDigitsMlp();
            return new BatchCase
            {
                Name = "BatchDigitsMlp", Parameters = m.Parameters, Gradients = m.Gradients, InputSize = 64, OutputSize = 10, MaxBatchSize = 32,
                Layers = [new(64, 32, Activation.ReLU, 0, 2048), new(32, 10, Activation.Identity, 2080, 2400)],
                CrossEntropy = m.AccumulateCrossEntropyGradient, SquaredError = m.AccumulateMeanSquaredErrorGradient,
                BatchCrossEntropy = m.AccumulateCrossEntropyGradient, BatchSquaredError = m.AccumulateMeanSquaredErrorGradient,
                ArrayCrossEntropy = m.AccumulateCrossEntropyGradient, ArraySquaredError = m.AccumulateMeanSquaredErrorGradient,
                ZeroGrad = m.ZeroGrad,
            };
        },
        ["BatchOddSizesMlp"] = () =>
        {
            var m = new BatchOddSizesMlp();
            return new BatchCase
            {
                Name = "BatchOddSizesMlp", Parameters = m.Parameters, Gradients = m.Gradients, InputSize = 37, OutputSize = 6, MaxBatchSize = 7,
                Layers = [new(37, 19, Activation.Tanh, 0, 703), new(19, 6, Activation.Sigmoid, 722, 836)],
                CrossEntropy = m.AccumulateCrossEntropyGradient, SquaredError = m.AccumulateMeanSquaredErrorGradient,
                BatchCrossEntropy = m.AccumulateCrossEntropyGradient, BatchSquaredError = m.AccumulateMeanSquaredErrorGradient,
                ArrayCrossEntropy = m.AccumulateCrossEntropyGradient, ArraySquaredError = m.AccumulateMeanSquaredErrorGradient,
                ZeroGrad = m.ZeroGrad,
            };
        },
        ["BatchAllActivationsMlp"] = () =>
        {
            var m = new BatchAllActivationsMlp();
            return new BatchCase
            {
                Name = "BatchAllActivationsMlp", Parameters = m.Parameters, Gradients = m.Gradients, InputSize = 6, OutputSize = 3, MaxBatchSize = 5,
                // A: 6x9 + 9 = 63, Between: 3 (63..65), B: 9x5 + 5 = 50 (66..115, frozen), C: 5x4 + 4 = 24 (116..139), D: 4x3 + 3.
                Layers = [new(6, 9, Activation.ReLU, 0, 54), new(9, 5, Activation.Tanh, 66, 111), new(5, 4, Activation.Sigmoid, 116, 136), new(4, 3, Activation.Identity, 140, 152)],
                Untouched = [(63, 3), (66, 50)],
                CrossEntropy = m.AccumulateCrossEntropyGradient, SquaredError = m.AccumulateMeanSquaredErrorGradient,
                BatchCrossEntropy = m.AccumulateCrossEntropyGradient, BatchSquaredError = m.AccumulateMeanSquaredErrorGradient,
                ArrayCrossEntropy = m.AccumulateCrossEntropyGradient, ArraySquaredError = m.AccumulateMeanSquaredErrorGradient,
                ZeroGrad = m.ZeroGrad,
            };
        },
    };
}
