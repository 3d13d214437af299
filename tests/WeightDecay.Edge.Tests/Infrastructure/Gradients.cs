using System;

namespace WeightDecay.Edge.Tests.Infrastructure;

/// <summary>How a trajectory test produces gradients.</summary>
public enum GradientMode
{
    /// <summary>Uniform in [-1, 1) from a seeded System.Random, rounded to float; both sides get the same array.</summary>
    Random,

    /// <summary>
    /// The gradient of the quadratic loss Σ c_i (p_i - t_i)² / 2 plus seeded noise, each side computing it
    /// from its own current parameters: g_i = c_i (p_i - t_i) + n_i, rounded to float.
    /// </summary>
    Quadratic,
}

/// <summary>
/// Produces the gradients of a trajectory from a fixed seed. The random draws of a step are made
/// once and used for both the engine and the reference, so both see the same inputs.
/// </summary>
internal sealed class GradientSource
{
    private readonly GradientMode _mode;
    private readonly Random _random;
    private readonly double[] _curvature;
    private readonly double[] _target;
    private readonly double[] _noise;

    public GradientSource(int count, GradientMode mode, int seed)
    {
        _mode = mode;
        _random = new Random(seed);
        _curvature = new double[count];
        _target = new double[count];
        _noise = new double[count];
        for (int i = 0; i < count; i++)
        {
            _curvature[i] = 0.5 + (1.5 * _random.NextDouble());
            _target[i] = (2 * _random.NextDouble()) - 1;
        }
    }

    /// <summary>Draws the random part of the next step.</summary>
    public void Advance()
    {
        double scale = _mode == GradientMode.Random ? 1.0 : 0.1;
        for (int i = 0; i < _noise.Length; i++)
        {
            _noise[i] = scale * ((2 * _random.NextDouble()) - 1);
        }
    }

    /// <summary>The current step's gradient at <paramref name="parameters"/> (ignored in Random mode).</summary>
    public void Fill(float[] destination, Func<int, double> parameters)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = _mode == GradientMode.Random
                ? (float)_noise[i]
                : (float)((_curvature[i] * (parameters(i) - _target[i])) + _noise[i]);
        }
    }

    /// <summary>Parameters of order 1: uniform in [-1.5, 1.5), rounded to float.</summary>
    public static float[] InitialParameters(int count, int seed)
    {
        var random = new Random(seed);
        var parameters = new float[count];
        for (int i = 0; i < count; i++)
        {
            parameters[i] = (float)((3 * random.NextDouble()) - 1.5);
        }

        return parameters;
    }

    /// <summary>Seeded random gradients in [-1, 1), for tests that only need some gradient.</summary>
    public static void FillRandom(float[] destination, Random random)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)((2 * random.NextDouble()) - 1);
        }
    }
}
