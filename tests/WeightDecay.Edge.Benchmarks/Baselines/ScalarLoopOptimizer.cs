using System;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Benchmarks.Baselines;

/// <summary>
/// (a) The plain scalar loop: the update written straight from the torch.optim documentation, one
/// element at a time over each tensor's range of the flat arrays, no FMA, no unrolling, no SIMD.
/// The decay mask is a per-tensor factor (1 or the decay factor; 0 or the L2 coefficient). This is
/// the ratio baseline.
/// </summary>
public sealed class ScalarLoopOptimizer(IModelLayout model, OptimizerKind kind) : BaselineOptimizer(model, kind)
{
    /// <inheritdoc/>
    protected override void StepAdam(bool decoupled)
    {
        long step = StepCount + 1;
        var c = new AdamStepConstants(AdamHyper, step);
        float[] p = Parameters, g = Gradients, m = First, v = Second;
        foreach (TensorRange t in Ranges)
        {
            float decayFactor = decoupled && t.Decay ? c.DecoupledDecayFactor : 1f;
            float l2 = !decoupled && t.Decay ? c.WeightDecay : 0f;
            int end = t.Offset + t.Length;
            for (int i = t.Offset; i < end; i++)
            {
                float pi = p[i];
                float gi = g[i] + (l2 * pi);
                pi *= decayFactor;
                float mi = (c.Beta1 * m[i]) + (c.OneMinusBeta1 * gi);
                float vi = (c.Beta2 * v[i]) + (c.OneMinusBeta2 * gi * gi);
                m[i] = mi;
                v[i] = vi;
                p[i] = pi + (c.NegStepSize * mi / ((MathF.Sqrt(vi) / c.BiasCorrection2Sqrt) + c.Epsilon));
            }
        }

        StepCount = step;
    }

    /// <inheritdoc/>
    protected override void StepSgd()
    {
        SgdHyper h = SgdHyper;
        float negLearningRate = (float)-h.LearningRate;
        float momentum = (float)h.Momentum;
        float bufferScale = StepCount == 0 ? 0f : momentum; // torch: the first buffer is the gradient itself
        float[] p = Parameters, g = Gradients, b = First;
        foreach (TensorRange t in Ranges)
        {
            float l2 = t.Decay ? (float)h.WeightDecay : 0f;
            int end = t.Offset + t.Length;
            for (int i = t.Offset; i < end; i++)
            {
                float pi = p[i];
                float di = g[i] + (l2 * pi);
                float bi = (bufferScale * b[i]) + di;
                b[i] = bi;
                p[i] = pi + (negLearningRate * bi);
            }
        }

        StepCount++;
    }
}
