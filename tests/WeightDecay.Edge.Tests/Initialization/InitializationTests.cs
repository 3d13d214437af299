using System;
using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Tests.Dense;

namespace WeightDecay.Edge.Tests.Initialization;

/// <summary>
/// The constructor initialises as torch's modules do: every [Dense] weight and bias from
/// U(-1/√fan_in, 1/√fan_in) (<c>torch.nn.Linear.reset_parameters</c>), plain tensors zero, seeded
/// so that every run starts from the same values; <c>ResetParameters(seed)</c> re-draws.
/// </summary>
public class InitializationTests
{
    /// <summary>(tensor, fan_in) of every dense tensor in <see cref="DigitsMlp"/>: the bias's fan_in is its layer's inputs.</summary>
    private static readonly (string Name, int FanIn)[] s_digitsTensors =
    {
        ("HiddenWeight", 64), ("HiddenBias", 64), ("OutputWeight", 32), ("OutputBias", 32),
    };

    [Fact]
    public void Every_dense_value_lies_within_one_over_root_fan_in()
    {
        var model = new DigitsMlp();
        foreach ((string name, int fanIn) in s_digitsTensors)
        {
            float bound = (float)(1.0 / Math.Sqrt(fanIn));
            float[] values = Values(model, name);
            Assert.All(values, v => Assert.InRange(Math.Abs(v), 0f, bound));

            // Not degenerate: the values spread over most of the interval.
            Assert.True(values.Max() > 0.5f * bound && values.Min() < -0.5f * bound, $"{name}: {values.Min()} .. {values.Max()} for bound {bound}");
        }
    }

    [Fact]
    public void Every_layer_of_a_deeper_network_uses_its_own_fan_in()
    {
        var model = new AllActivationsMlp();
        foreach ((string layer, int fanIn) in new[] { ("A", 6), ("B", 7), ("C", 5), ("D", 4) })
        {
            float bound = (float)(1.0 / Math.Sqrt(fanIn));
            Assert.All(Values(model, layer + "Weight").Concat(Values(model, layer + "Bias")), v => Assert.InRange(Math.Abs(v), 0f, bound));
            Assert.Contains(Values(model, layer + "Weight"), v => Math.Abs(v) > 0.25f * bound);
        }
    }

    [Fact]
    public void Plain_tensors_start_at_zero()
    {
        Assert.All(Values(new TanhOutputMlp(), "Extra"), v => Assert.Equal(0f, v));
        Assert.All(Values(new WideLayer(), "Lead"), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Two_constructions_start_from_the_same_values()
    {
        Assert.Equal(new DigitsMlp().Parameters, new DigitsMlp().Parameters);
    }

    [Fact]
    public void ResetParameters_with_the_constructors_seed_restores_the_initial_values()
    {
        var model = new DigitsMlp();
        float[] initial = (float[])model.Parameters.Clone();
        Array.Fill(model.Parameters, 7f);
        model.Gradients[0] = 3f;

        model.ResetParameters(DigitsMlp.InitSeed);

        Assert.Equal(initial, model.Parameters);
        Assert.Equal(3f, model.Gradients[0]); // gradients are not touched
    }

    [Fact]
    public void Different_seeds_give_different_values_and_one_seed_always_the_same()
    {
        var first = new DigitsMlp();
        var second = new DigitsMlp();
        first.ResetParameters(1);
        second.ResetParameters(2);
        int equal = first.Parameters.Zip(second.Parameters, (a, b) => a == b).Count(same => same);
        Assert.True(equal < DigitsMlp.ParameterCount / 100, $"{equal} of {DigitsMlp.ParameterCount} values equal across seeds");

        second.ResetParameters(1);
        Assert.Equal(first.Parameters, second.Parameters);
    }

    [Fact]
    public void A_tensors_values_depend_on_its_name_and_the_seed_not_on_the_tensors_before_it()
    {
        // SigmoidOutputLayer has a tensor before its dense layer, ReluOutputLayer none; both layers are
        // named "Only". The same stream gives the same draws, scaled by each layer's own bound.
        float[] behindATensor = Values(new SigmoidOutputLayer(), "OnlyWeight"); // fan_in 2
        float[] first = Values(new ReluOutputLayer(), "OnlyWeight");            // fan_in 4
        float ratio = (float)(1.0 / Math.Sqrt(4)) / (float)(1.0 / Math.Sqrt(2));
        for (int i = 0; i < behindATensor.Length; i++)
        {
            Assert.Equal(behindATensor[i] * ratio, first[i], 1e-6f);
        }
    }

    [Fact]
    public void A_large_tensor_has_the_mean_variance_and_histogram_of_the_uniform()
    {
        float[] values = Values(new WideLayer(), "WideWeight");
        int n = values.Length;
        double bound = 1.0 / 32.0;

        // U(-b, b): mean 0, variance b²/3; E[x⁴] = b⁴/5, so Var(x²) = b⁴/5 − b⁴/9 = 4b⁴/45.
        // Five standard errors of the sample size: a false alarm about once in 1.7 million seeds.
        double mean = values.Average(v => (double)v);
        double meanSquare = values.Average(v => (double)v * v);
        double meanError = Math.Sqrt(bound * bound / 3 / n);
        double squareError = Math.Sqrt(4 * Math.Pow(bound, 4) / 45 / n);
        Assert.InRange(mean, -5 * meanError, 5 * meanError);
        Assert.InRange(meanSquare, bound * bound / 3 - 5 * squareError, bound * bound / 3 + 5 * squareError);

        // Ten equal bins, each expecting n/10 with standard deviation √(n·0.1·0.9).
        int[] bins = new int[10];
        foreach (float v in values)
        {
            bins[Math.Min(9, (int)((v + bound) / (2 * bound) * 10))]++;
        }

        double binError = Math.Sqrt(n * 0.1 * 0.9);
        Assert.All(bins, count => Assert.InRange(count, n / 10.0 - 5 * binError, n / 10.0 + 5 * binError));
    }

    [Fact]
    public void SplitMix64_gives_the_reference_sequence()
    {
        // splitmix64.c (Vigna) from state 0.
        var random = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, random.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, random.NextUInt64());
    }

    [Fact]
    public void SplitMix64_floats_are_the_top_24_bits()
    {
        var bits = new SplitMix64(42);
        var floats = new SplitMix64(42);
        for (int i = 0; i < 1000; i++)
        {
            ulong next = bits.NextUInt64();
            float u = floats.NextSingle();
            Assert.Equal((next >> 40) / 16777216.0, (double)u);
            Assert.InRange(u, 0f, 0.99999994f);
        }
    }

    [Fact]
    public void ResetParameters_allocates_nothing()
    {
        var model = new DigitsMlp();
        model.ResetParameters(5); // JIT out of the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (ulong seed = 0; seed < 20; seed++)
        {
            model.ResetParameters(seed);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static float[] Values(IModelLayout model, string tensor)
    {
        TensorInfo info = model.Tensors.Single(t => t.Name == tensor);
        return model.Parameters.AsSpan(info.Offset, info.Length).ToArray();
    }
}
