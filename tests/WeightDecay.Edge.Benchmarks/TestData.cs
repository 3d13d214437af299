using System;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Benchmarks;

/// <summary>Deterministic starting states, identical for every variant.</summary>
public static class TestData
{
    /// <summary>Seed of the parameters.</summary>
    public const int ParameterSeed = 20240601;

    /// <summary>Seed of the gradients.</summary>
    public const int GradientSeed = 42;

    /// <summary>Parameters uniform in [-1, 1) (order 1) and gradients uniform in [-1, 1), both from fixed seeds.</summary>
    public static void Fill(IModelLayout model, int gradientSeed = GradientSeed)
    {
        FillUniform(model.Parameters, ParameterSeed);
        FillUniform(model.Gradients, gradientSeed);
    }

    /// <summary>Fills <paramref name="values"/> with floats uniform in [-1, 1) from <paramref name="seed"/>.</summary>
    public static void FillUniform(float[] values, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() * 2f) - 1f;
        }
    }
}
