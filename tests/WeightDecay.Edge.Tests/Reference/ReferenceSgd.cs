using System;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.Reference;

/// <summary>
/// torch.optim.SGD as its documentation states the algorithm, in double:
/// <code>
/// g_t = g_t + λ θ_{t-1}                                  (weight decay, coupled)
/// if μ ≠ 0:
///     b_t = g_t                       on the first momentum step
///     b_t = μ b_{t-1} + (1 - τ) g_t   afterwards
///     g_t = g_t + μ b_t  if nesterov, else b_t
/// θ_t = θ_{t-1} - γ g_t
/// </code>
/// Tensors declared <c>Decay = false</c> use λ = 0 (a torch parameter group with weight_decay 0).
/// </summary>
internal sealed class ReferenceSgd : IReferenceOptimizer
{
    private readonly bool[] _decay;
    private readonly double[] _buffer;
    private bool _hasBuffer;

    public ReferenceSgd(float[] initialParameters, bool[] decay, SgdOptions options)
    {
        if (initialParameters.Length != decay.Length)
        {
            throw new ArgumentException("One decay flag per parameter.", nameof(decay));
        }

        Parameters = Array.ConvertAll(initialParameters, value => (double)value);
        _decay = decay;
        _buffer = new double[initialParameters.Length];
        LearningRate = options.LearningRate;
        Momentum = options.Momentum;
        Dampening = options.Dampening;
        Nesterov = options.Nesterov;
        WeightDecay = options.WeightDecay;
    }

    public double[] Parameters { get; }

    public double LearningRate { get; set; }

    public double Momentum { get; set; }

    public double Dampening { get; set; }

    public bool Nesterov { get; set; }

    public double WeightDecay { get; set; }

    /// <summary>
    /// The value each decayed parameter is pulled toward (L2-SP, FedProx: decay toward an anchor), in the flat layout; null
    /// (the default) for zero, torch.optim's only target.
    /// </summary>
    public double[]? Anchor { get; set; }

    private double AnchorOf(int i) => Anchor is null ? 0 : Anchor[i];

    public void Step(float[] gradients)
    {
        for (int i = 0; i < Parameters.Length; i++)
        {
            double g = gradients[i];
            if (_decay[i])
            {
                g += WeightDecay * (Parameters[i] - AnchorOf(i));
            }

            if (Momentum != 0)
            {
                _buffer[i] = _hasBuffer ? (Momentum * _buffer[i]) + ((1 - Dampening) * g) : g;
                g = Nesterov ? g + (Momentum * _buffer[i]) : _buffer[i];
            }

            Parameters[i] -= LearningRate * g;
        }

        if (Momentum != 0)
        {
            _hasBuffer = true;
        }
    }
}
