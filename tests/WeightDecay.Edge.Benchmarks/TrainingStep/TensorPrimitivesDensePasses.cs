using System;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace WeightDecay.Edge.Benchmarks.TrainingStep;

/// <summary>
/// Baseline: the same per-sample passes as <see cref="ScalarDensePasses"/>, written with System.Numerics.Tensors
/// the way a .NET user would vectorise them: <c>TensorPrimitives.Dot</c> per output in the forward pass,
/// <c>MultiplyAdd</c> per row for the weight gradients and the input deltas. Softmax and the ReLU derivative
/// stay scalar loops over 10 and 32 values, as in the generated code.
/// </summary>
public sealed class TensorPrimitivesDensePasses
{
    private const int HiddenWeightOffset = 0;
    private const int HiddenBiasOffset = 2048;
    private const int OutputWeightOffset = 2080;
    private const int OutputBiasOffset = 2400;
    private readonly float[] _hiddenActivations = new float[32];
    private readonly float[] _hiddenDeltas = new float[32];
    private readonly float[] _outputActivations = new float[10];
    private readonly float[] _outputDeltas = new float[10];
    private readonly float[] _parameters;
    private readonly float[] _gradients;

    /// <summary>Binds the passes to <paramref name="model"/>'s buffers.</summary>
    public TensorPrimitivesDensePasses(DigitsTrainingMlp model)
    {
        _parameters = model.Parameters;
        _gradients = model.Gradients;
    }

    /// <summary>One sample's forward pass, loss and gradients.</summary>
    public float AccumulateCrossEntropyGradient(ReadOnlySpan<float> input, int label, float weight)
    {
        ReadOnlySpan<float> p = _parameters;
        Span<float> g = _gradients;
        for (int o = 0; o < 32; o++)
        {
            float z = p[HiddenBiasOffset + o] + TP.Dot(p.Slice(HiddenWeightOffset + (o * 64), 64), input);
            _hiddenActivations[o] = z < 0f ? 0f : z;
        }

        for (int o = 0; o < 10; o++)
        {
            _outputActivations[o] = p[OutputBiasOffset + o] + TP.Dot(p.Slice(OutputWeightOffset + (o * 32), 32), _hiddenActivations);
        }

        float max = TP.Max(_outputActivations);
        float sum = 0f;
        for (int o = 0; o < 10; o++)
        {
            float e = MathF.Exp(_outputActivations[o] - max);
            _outputDeltas[o] = e;
            sum += e;
        }

        for (int o = 0; o < 10; o++)
        {
            _outputDeltas[o] /= sum;
        }

        _outputDeltas[label] -= 1f;
        float loss = MathF.Log(sum) - (_outputActivations[label] - max);

        Array.Clear(_hiddenDeltas);
        for (int o = 0; o < 10; o++)
        {
            float delta = _outputDeltas[o];
            Span<float> gradientRow = g.Slice(OutputWeightOffset + (o * 32), 32);
            g[OutputBiasOffset + o] += weight * delta;
            TP.MultiplyAdd(_hiddenActivations, weight * delta, gradientRow, gradientRow);
            TP.MultiplyAdd(p.Slice(OutputWeightOffset + (o * 32), 32), delta, _hiddenDeltas, _hiddenDeltas);
        }

        for (int o = 0; o < 32; o++)
        {
            float delta = 0f < _hiddenActivations[o] ? _hiddenDeltas[o] : 0f;
            Span<float> gradientRow = g.Slice(HiddenWeightOffset + (o * 64), 64);
            g[HiddenBiasOffset + o] += weight * delta;
            TP.MultiplyAdd(input, weight * delta, gradientRow, gradientRow);
        }

        return loss;
    }
}
