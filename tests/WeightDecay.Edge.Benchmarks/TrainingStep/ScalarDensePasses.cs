using System;

namespace WeightDecay.Edge.Benchmarks.TrainingStep;

/// <summary>
/// Baseline: the dense passes as the generator emitted them before issue 10, copied here for the 64-32-10
/// MLP (<c>DenseForwardPass</c>, <c>DenseCrossEntropyOutputDeltas</c>, <c>DenseBackwardPass</c>): one sample
/// at a time, scalar nested loops, bounds-checked array indexing, a latency-bound <c>sum += w * x</c>. It
/// works on a <see cref="DigitsTrainingMlp"/>'s Parameters and Gradients with its own one-sample buffers.
/// </summary>
public sealed class ScalarDensePasses
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
    public ScalarDensePasses(DigitsTrainingMlp model)
    {
        _parameters = model.Parameters;
        _gradients = model.Gradients;
    }

    /// <summary>One sample, as the old <c>AccumulateCrossEntropyGradient(ReadOnlySpan, int, float)</c>.</summary>
    public float AccumulateCrossEntropyGradient(ReadOnlySpan<float> input, int label, float weight)
    {
        Forward(input);
        float loss = CrossEntropyDeltas(label);
        Backward(input, weight);
        return loss;
    }

    private void Forward(ReadOnlySpan<float> input)
    {
        float[] parameters = _parameters;
        for (int o = 0; o < 32; o++)
        {
            int row = HiddenWeightOffset + (o * 64);
            float sum = parameters[HiddenBiasOffset + o];
            for (int i = 0; i < 64; i++)
            {
                sum += parameters[row + i] * input[i];
            }

            _hiddenActivations[o] = sum < 0f ? 0f : sum;
        }

        for (int o = 0; o < 10; o++)
        {
            int row = OutputWeightOffset + (o * 32);
            float sum = parameters[OutputBiasOffset + o];
            for (int i = 0; i < 32; i++)
            {
                sum += parameters[row + i] * _hiddenActivations[i];
            }

            _outputActivations[o] = sum;
        }
    }

    private float CrossEntropyDeltas(int label)
    {
        float[] logits = _outputActivations;
        float[] deltas = _outputDeltas;
        float max = logits[0];
        for (int o = 1; o < 10; o++)
        {
            if (max < logits[o])
            {
                max = logits[o];
            }
        }

        float sum = 0f;
        for (int o = 0; o < 10; o++)
        {
            float e = MathF.Exp(logits[o] - max);
            deltas[o] = e;
            sum += e;
        }

        for (int o = 0; o < 10; o++)
        {
            deltas[o] /= sum;
        }

        deltas[label] -= 1f;
        return MathF.Log(sum) - (logits[label] - max);
    }

    private void Backward(ReadOnlySpan<float> input, float weight)
    {
        float[] parameters = _parameters;
        float[] gradients = _gradients;
        Array.Clear(_hiddenDeltas, 0, 32);
        for (int o = 0; o < 10; o++)
        {
            float delta = _outputDeltas[o];
            float scaled = weight * delta;
            int row = OutputWeightOffset + (o * 32);
            gradients[OutputBiasOffset + o] += scaled;
            for (int i = 0; i < 32; i++)
            {
                gradients[row + i] += scaled * _hiddenActivations[i];
                _hiddenDeltas[i] += parameters[row + i] * delta;
            }
        }

        for (int o = 0; o < 32; o++)
        {
            float delta = 0f < _hiddenActivations[o] ? _hiddenDeltas[o] : 0f;
            float scaled = weight * delta;
            int row = HiddenWeightOffset + (o * 64);
            gradients[HiddenBiasOffset + o] += scaled;
            for (int i = 0; i < 64; i++)
            {
                gradients[row + i] += scaled * input[i];
            }
        }
    }
}
