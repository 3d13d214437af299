using System;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>Which torch.optim update <see cref="ReferenceTrainingLoop"/> applies.</summary>
internal enum ReferenceKind
{
    Sgd,
    Adam,
    AdamW,
}

/// <summary>
/// A double-precision training step written from the published rules, sharing no code with the
/// generator: torch.nn.utils.clip_grad_norm_ (norm_type 2), an optional non-finite skip, a
/// learning-rate multiplier per step, then SGD (momentum), Adam (coupled L2) or AdamW (decoupled,
/// torch's p *= 1 - lr_t λ, or the paper's p *= 1 - η_t λ), over the trainable entries only.
/// </summary>
internal sealed class ReferenceTrainingLoop
{
    private readonly ReferenceKind _kind;
    private readonly bool[] _trainable;
    private readonly bool[] _decay;
    private readonly double[] _m;
    private readonly double[] _v;
    private bool _hasBuffer;

    public ReferenceTrainingLoop(ReferenceKind kind, float[] initialParameters, bool[] trainable, bool[] decay)
    {
        _kind = kind;
        _trainable = trainable;
        _decay = decay;
        Parameters = Array.ConvertAll(initialParameters, value => (double)value);
        _m = new double[initialParameters.Length];
        _v = new double[initialParameters.Length];
    }

    public double[] Parameters { get; }

    public double LearningRate { get; set; } = 1e-3;

    public double WeightDecay { get; set; }

    public double Momentum { get; set; }

    public double Beta1 { get; set; } = 0.9;

    public double Beta2 { get; set; } = 0.999;

    public double Epsilon { get; set; } = 1e-8;

    public double MaxGradientNorm { get; set; }

    public bool SkipNonFinite { get; set; }

    /// <summary>The paper's Algorithm 2 for AdamW (decay scaled by the multiplier alone).</summary>
    public bool ScheduleCoupledDecay { get; set; }

    /// <summary>η_t for the 0-based step t.</summary>
    public Func<long, double> Multiplier { get; set; } = _ => 1.0;

    public long StepCount { get; private set; }

    public long Skipped { get; private set; }

    public double LastNorm { get; private set; }

    public void Step(float[] floatGradients)
    {
        double[] g = Array.ConvertAll(floatGradients, value => (double)value);
        if (MaxGradientNorm > 0 || SkipNonFinite)
        {
            double sum = 0;
            for (int i = 0; i < g.Length; i++)
            {
                sum += _trainable[i] ? g[i] * g[i] : 0;
            }

            LastNorm = Math.Sqrt(sum);
            if (SkipNonFinite && !double.IsFinite(LastNorm))
            {
                Skipped++;
                return;
            }

            double coefficient = MaxGradientNorm / (LastNorm + 1e-6);
            if (MaxGradientNorm > 0 && coefficient < 1)
            {
                for (int i = 0; i < g.Length; i++)
                {
                    g[i] *= _trainable[i] ? coefficient : 1;
                }
            }
        }

        double eta = Multiplier(StepCount);
        double lr = LearningRate * eta;
        StepCount++;
        for (int i = 0; i < g.Length; i++)
        {
            if (_trainable[i])
            {
                Update(i, g[i], lr, eta);
            }
        }

        _hasBuffer = true;
    }

    private void Update(int i, double g, double lr, double eta)
    {
        switch (_kind)
        {
            case ReferenceKind.Sgd:
                g += _decay[i] ? WeightDecay * Parameters[i] : 0;
                if (Momentum != 0)
                {
                    _m[i] = _hasBuffer ? (Momentum * _m[i]) + g : g;
                    g = _m[i];
                }

                Parameters[i] -= lr * g;
                return;
            case ReferenceKind.Adam:
                g += _decay[i] ? WeightDecay * Parameters[i] : 0;
                break;
            default:
                Parameters[i] *= _decay[i] ? 1 - ((ScheduleCoupledDecay ? eta : lr) * WeightDecay) : 1;
                break;
        }

        _m[i] = (Beta1 * _m[i]) + ((1 - Beta1) * g);
        _v[i] = (Beta2 * _v[i]) + ((1 - Beta2) * g * g);
        double biasCorrection1 = 1 - Math.Pow(Beta1, StepCount);
        double biasCorrection2 = 1 - Math.Pow(Beta2, StepCount);
        Parameters[i] -= lr / biasCorrection1 * _m[i] / ((Math.Sqrt(_v[i]) / Math.Sqrt(biasCorrection2)) + Epsilon);
    }
}
