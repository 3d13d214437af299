using System;
using WeightDecay.Edge;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace WeightDecay.Edge.Benchmarks.Baselines;

/// <summary>
/// (c) The update composed from System.Numerics.Tensors <c>TensorPrimitives</c> calls per tensor, as a
/// .NET user would write it: every call is a vectorised pass (512-bit where the hardware has it) over
/// the tensor, so the arithmetic is fast but p, m, v and a scratch buffer travel through memory
/// several times per step. Scratch buffers are allocated once, at construction.
/// AdamW per tensor: 9 calls (Multiply, Lerp, Multiply, Lerp, Sqrt, Multiply, Add, Divide, MultiplyAdd).
/// </summary>
public sealed class TensorPrimitivesOptimizer : BaselineOptimizer
{
    private readonly float[] _scratch;
    private readonly float[] _decayedGradient;

    /// <summary>Binds the optimizer to <paramref name="model"/>; allocates state and scratch once.</summary>
    public TensorPrimitivesOptimizer(IModelLayout model, OptimizerKind kind)
        : base(model, kind)
    {
        int longest = 0;
        foreach (TensorRange t in Ranges)
        {
            longest = Math.Max(longest, t.Length);
        }

        _scratch = new float[longest];
        _decayedGradient = kind == OptimizerKind.AdamW ? [] : new float[longest];
    }

    /// <inheritdoc/>
    protected override void StepAdam(bool decoupled)
    {
        long step = StepCount + 1;
        var c = new AdamStepConstants(AdamHyper, step);
        foreach (TensorRange t in Ranges)
        {
            Span<float> p = Parameters.AsSpan(t.Offset, t.Length);
            ReadOnlySpan<float> g = Gradients.AsSpan(t.Offset, t.Length);
            Span<float> m = First.AsSpan(t.Offset, t.Length);
            Span<float> v = Second.AsSpan(t.Offset, t.Length);
            Span<float> tmp = _scratch.AsSpan(0, t.Length);
            if (t.Decay)
            {
                if (decoupled)
                {
                    TP.Multiply(p, c.DecoupledDecayFactor, p);                // p *= 1 - lr*wd
                }
                else
                {
                    Span<float> gd = _decayedGradient.AsSpan(0, t.Length);
                    TP.MultiplyAdd(p, c.WeightDecay, g, gd);                  // g' = g + wd*p
                    g = gd;
                }
            }

            TP.Lerp(m, g, c.OneMinusBeta1, m);                                // m = beta1*m + (1-beta1)*g
            TP.Multiply(g, g, tmp);
            TP.Lerp(v, tmp, c.OneMinusBeta2, v);                              // v = beta2*v + (1-beta2)*g*g
            TP.Sqrt(v, tmp);
            TP.Multiply(tmp, c.InvBiasCorrection2Sqrt, tmp);
            TP.Add(tmp, c.Epsilon, tmp);                                      // denom = sqrt(v)/sqrt(bc2) + eps
            TP.Divide(m, tmp, tmp);
            TP.MultiplyAdd(tmp, c.NegStepSize, p, p);                         // p += -lr/bc1 * m/denom
        }

        StepCount = step;
    }

    /// <inheritdoc/>
    protected override void StepSgd()
    {
        SgdHyper h = SgdHyper;
        float negLearningRate = (float)-h.LearningRate;
        float momentum = (float)h.Momentum;
        float l2 = (float)h.WeightDecay;
        bool first = StepCount == 0;
        foreach (TensorRange t in Ranges)
        {
            Span<float> p = Parameters.AsSpan(t.Offset, t.Length);
            ReadOnlySpan<float> d = Gradients.AsSpan(t.Offset, t.Length);
            Span<float> b = First.AsSpan(t.Offset, t.Length);
            if (t.Decay)
            {
                Span<float> gd = _decayedGradient.AsSpan(0, t.Length);
                TP.MultiplyAdd(p, l2, d, gd);                                 // d = g + wd*p
                d = gd;
            }

            if (first)
            {
                d.CopyTo(b);                                                  // torch: buf = d on the first step
            }
            else
            {
                TP.MultiplyAdd(b, momentum, d, b);                            // buf = momentum*buf + d
            }

            TP.MultiplyAdd(b, negLearningRate, p, p);                         // p -= lr*buf
        }

        StepCount++;
    }
}
