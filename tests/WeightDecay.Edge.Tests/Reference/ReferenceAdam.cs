using System;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.Reference;

/// <summary>
/// torch.optim.Adam in double, with coupled L2 weight decay (Kingma and Ba 2015; torch.optim.Adam docs):
/// <code>
/// g_t = g_t + λ θ_{t-1}                                   (decayed tensors only)
/// m_t = β1 m_{t-1} + (1 - β1) g_t
/// v_t = β2 v_{t-1} + (1 - β2) g_t²
/// amsgrad: v_t^max = max(v_{t-1}^max, v_t), used in place of v_t below
/// θ_t = θ_{t-1} - γ / (1 - β1^t) · m_t / (sqrt(v_t) / sqrt(1 - β2^t) + ε)
/// </code>
/// AMSGrad keeps the maximum of the raw second moment and bias-corrects it with the current step,
/// as torch's implementation does.
/// </summary>
internal sealed class ReferenceAdam : IReferenceAdam
{
    private readonly bool[] _decay;
    private readonly double[] _m;
    private readonly double[] _v;
    private readonly double[] _vMax;
    private long _t;

    public ReferenceAdam(float[] initialParameters, bool[] decay, AdamOptions options)
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

    public void Step(float[] gradients)
    {
        _t++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, _t);
        double biasCorrection2 = 1 - Math.Pow(Beta2, _t);
        for (int i = 0; i < Parameters.Length; i++)
        {
            double g = gradients[i];
            if (_decay[i])
            {
                g += WeightDecay * (Parameters[i] - AnchorOf(i));
            }

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
}
