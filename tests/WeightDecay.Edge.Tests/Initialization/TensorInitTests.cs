using System;
using System.Linq;

namespace WeightDecay.Edge.Tests.Initialization;

/// <summary>
/// Plain tensors initialised by attribute (<c>Init = TensorInit.Uniform | Normal | None</c>, zeros
/// by default) and the layout's seed (<c>[ModelLayout(Seed = n)]</c>).
/// </summary>
public class TensorInitTests
{
    [Fact]
    public void The_layouts_seed_is_the_constructors()
    {
        Assert.Equal(7UL, InitChoices.InitSeed);
        var model = new InitChoices();
        float[] constructed = (float[])model.Parameters.Clone();
        model.ResetParameters(7);
        Assert.Equal(constructed, model.Parameters);
        model.ResetParameters(0);
        Assert.NotEqual(constructed, model.Parameters);
    }

    [Fact]
    public void A_uniform_tensor_stays_within_its_bound_with_the_uniforms_moments()
    {
        float[] values = new InitChoices().Scale.ToArray();
        const double bound = 0.1f;
        Assert.All(values, v => Assert.InRange(Math.Abs(v), 0f, 0.1f));
        int n = values.Length;
        Assert.InRange(values.Average(v => (double)v), -5 * Math.Sqrt(bound * bound / 3 / n), 5 * Math.Sqrt(bound * bound / 3 / n));
        double squareError = Math.Sqrt(4 * Math.Pow(bound, 4) / 45 / n);
        Assert.InRange(values.Average(v => (double)v * v), bound * bound / 3 - 5 * squareError, bound * bound / 3 + 5 * squareError);
    }

    [Fact]
    public void A_normal_tensor_has_the_normals_mean_variance_and_one_sigma_share()
    {
        float[] values = new InitChoices().Embedding.ToArray();
        const double std = 0.02f;
        int n = values.Length;

        // Five standard errors: mean σ/√n; variance σ²·√(2/n); the share within ±σ, p = 0.6827, √(p(1−p)/n).
        double mean = values.Average(v => (double)v);
        double variance = values.Average(v => ((double)v - mean) * ((double)v - mean));
        double within = values.Count(v => Math.Abs(v) <= std) / (double)n;
        Assert.InRange(mean, -5 * std / Math.Sqrt(n), 5 * std / Math.Sqrt(n));
        Assert.InRange(variance, std * std * (1 - 5 * Math.Sqrt(2.0 / n)), std * std * (1 + 5 * Math.Sqrt(2.0 / n)));
        Assert.InRange(within, 0.6827 - 5 * Math.Sqrt(0.6827 * 0.3173 / n), 0.6827 + 5 * Math.Sqrt(0.6827 * 0.3173 / n));
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void None_is_left_to_the_user_and_the_default_is_zeros()
    {
        var model = new InitChoices();
        Assert.All(model.Keep.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(model.Zero.ToArray(), v => Assert.Equal(0f, v));
        model.Keep.Fill(3f);
        model.Zero.Fill(3f);

        model.ResetParameters(1);

        Assert.All(model.Keep.ToArray(), v => Assert.Equal(3f, v));
        Assert.All(model.Zero.ToArray(), v => Assert.Equal(0f, v));
    }
}
