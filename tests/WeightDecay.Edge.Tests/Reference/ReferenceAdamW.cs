using System;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.Reference;

/// <summary>
/// AdamW in double: Loshchilov and Hutter, "Decoupled Weight Decay Regularization" (ICLR 2019),
/// Algorithm 2, in torch.optim.AdamW's parameterisation, where the decay is scaled by the learning
/// rate γ rather than by a separate schedule multiplier:
/// <code>
/// θ_{t-1} = θ_{t-1} (1 - γ λ)                             (decayed tensors only; the gradient is not touched)
/// m_t = β1 m_{t-1} + (1 - β1) g_t
/// v_t = β2 v_{t-1} + (1 - β2) g_t²
/// amsgrad: v_t^max = max(v_{t-1}^max, v_t), used in place of v_t below
/// θ_t = θ_{t-1} - γ / (1 - β1^t) · m_t / (sqrt(v_t) / sqrt(1 - β2^t) + ε)
/// </code>
/// </summary>
internal sealed class ReferenceAdamW : IReferenceAdam
{
    private readonly bool[] _decay;
    private readonly double[] _m;
    private readonly double[] _v;
    private readonly double[] _vMax;
    private long _t;

    public ReferenceAdamW(float[] initialParameters, bool[] decay, AdamOptions options)
    {
        if (initialParameters.Length != decay.Length)
        {
            throw new ArgumentException("One decay flag per parameter.", nameof(decay));
        }

        Parameters = Array.ConvertAll(initialParameters, value => (double)value);
        _decay = decay;
        _m = new double[initialParameters.Length];
        _v = new double[initialParameters.Length];
        _vMax = new double[initialParameters.Length];
        LearningRate = options.LearningRate;
        Beta1 = options.Beta1;
        Beta2 = options.Beta2;
        Epsilon = options.Epsilon;
        WeightDecay = options.WeightDecay;
        Amsgrad = options.Amsgrad;
    }

    public double[] Parameters { get; }

    public double LearningRate { get; set; }

    public double Beta1 { get; set; }

    public double Beta2 { get; set; }

    public double Epsilon { get; set; }

    public double WeightDecay { get; set; }

    public bool Amsgrad { get; }

    /// <summary>
    /// The value each decayed parameter is pulled toward (L2-SP, FedProx: decay toward an anchor), in the flat layout; null
    /// (the default) for zero, torch.optim's only target.
    /// </summary>
    public double[]? Anchor { get; set; }

    private double AnchorOf(int i) => Anchor is null ? 0 : Anchor[i];

    /// <summary>
    /// The rate the decoupled decay is scaled by instead of the learning rate, or null for the learning rate (torch). The
    /// paper's Algorithm 2 (<c>DecoupledDecay.ScheduleCoupled</c>) uses the schedule multiplier η_t here.
    /// </summary>
    public double? DecayRate { get; set; }

    /// <summary>
    /// Cautious weight decay (Chen et al. 2025, arXiv 2510.12402): x_{t+1} = x_t − γ·u_t − γλ·I(u_t ⊙ (x_t − a) ≥ 0) ⊙ (x_t − a),
    /// with u_t = m̂_t / (sqrt(v̂_t) + ε) the Adam direction of this step (see <see cref="StepCautiously"/>).
    /// </summary>
    public bool Cautious { get; set; }

    /// <summary>torch's <c>maximize</c>: the gradient's sign is flipped before it reaches the moments.</summary>
    public bool Maximize { get; set; }

    /// <summary>Cautious steps: how many decayed coordinates were decayed, and how many were left alone (signs opposite).</summary>
    public long CautiousDecayed { get; private set; }

    /// <summary>See <see cref="CautiousDecayed"/>.</summary>
    public long CautiousSkipped { get; private set; }

    /// <summary>
    /// Over cautious decisions where neither is exactly zero, the smallest of |m_t| (whose sign is u_t's) and |x_t − a|: how
    /// far the data stay from a sign that the float engine, a few roundings away, could decide differently.
    /// </summary>
    public double CautiousMargin { get; private set; } = double.PositiveInfinity;

    public void Step(float[] gradients)
    {
        if (Cautious)
        {
            StepCautiously(gradients);
            return;
        }

        _t++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, _t);
        double biasCorrection2 = 1 - Math.Pow(Beta2, _t);
        for (int i = 0; i < Parameters.Length; i++)
        {
            if (_decay[i])
            {
                // θ(1 - γλ) toward zero; θ - γλ(θ - a) toward an anchor a (the same where a = 0).
                Parameters[i] = Anchor is null
                    ? Parameters[i] * (1 - ((DecayRate ?? LearningRate) * WeightDecay))
                    : Parameters[i] - ((DecayRate ?? LearningRate) * WeightDecay * (Parameters[i] - AnchorOf(i)));
            }

            double g = Maximize ? -gradients[i] : gradients[i];
            _m[i] = (Beta1 * _m[i]) + ((1 - Beta1) * g);
            _v[i] = (Beta2 * _v[i]) + ((1 - Beta2) * g * g);
            double v = _v[i];
            if (Amsgrad)
            {
                _vMax[i] = Math.Max(_vMax[i], _v[i]);
                v = _vMax[i];
            }

            double denominator = (Math.Sqrt(v) / Math.Sqrt(biasCorrection2)) + Epsilon;
            Parameters[i] -= LearningRate / biasCorrection1 * _m[i] / denominator;
        }
    }

    /// <summary>
    /// The paper's update as written, in the order it reads: the Adam direction first, from the moments of this step's
    /// gradient, then x − γ·u − γλ·I(u·(x − a) ≥ 0)·(x − a) (a = 0 without an anchor; γλ is the decay rate times λ, as
    /// <see cref="DecayRate"/> says). The indicator is decided on the signs of u and x − a (exact, where a product of
    /// two small doubles could underflow), and includes 0: a zero u or a zero x − a is decayed.
    /// </summary>
    private void StepCautiously(float[] gradients)
    {
        _t++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, _t);
        double biasCorrection2 = 1 - Math.Pow(Beta2, _t);
        for (int i = 0; i < Parameters.Length; i++)
        {
            double g = Maximize ? -gradients[i] : gradients[i];
            _m[i] = (Beta1 * _m[i]) + ((1 - Beta1) * g);
            _v[i] = (Beta2 * _v[i]) + ((1 - Beta2) * g * g);
            double v = _v[i];
            if (Amsgrad)
            {
                _vMax[i] = Math.Max(_vMax[i], _v[i]);
                v = _vMax[i];
            }

            double mHat = _m[i] / biasCorrection1;
            double u = mHat / ((Math.Sqrt(v) / Math.Sqrt(biasCorrection2)) + Epsilon);
            double x = Parameters[i];
            double decay = 0;
            if (_decay[i])
            {
                double drift = x - AnchorOf(i);
                bool agree = Math.Sign(u) * Math.Sign(drift) >= 0;
                if (u != 0 && drift != 0)
                {
                    CautiousMargin = Math.Min(CautiousMargin, Math.Min(Math.Abs(_m[i]), Math.Abs(drift)));
                }

                CautiousDecayed += agree ? 1 : 0;
                CautiousSkipped += agree ? 0 : 1;
                decay = agree ? (DecayRate ?? LearningRate) * WeightDecay * drift : 0;
            }

            Parameters[i] = x - (LearningRate * u) - decay;
        }
    }
}
