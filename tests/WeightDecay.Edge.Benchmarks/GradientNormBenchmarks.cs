using BenchmarkDotNet.Attributes;
using WeightDecay.Edge.Generated;

namespace WeightDecay.Edge.Benchmarks;

/// <summary>
/// The gradient-norm pass behind clipping and the non-finite guard, against the AdamW update it precedes, on the
/// digits MLP (2,410 parameters, one trainable stretch). Issue 10's goal: the pass at most 25% of the update.
/// The ratio column is relative to <see cref="AdamWUpdate"/>, the step with neither clipping nor the guard.
/// </summary>
[MemoryDiagnoser]
public class GradientNormBenchmarks
{
    private Digits2410 _model = null!;
    private Digits2410.AdamWOptimizer _plain = null!;
    private Digits2410.AdamWOptimizer _guarded = null!;
    private float[] _gradients = null!;

    /// <summary>Two AdamW optimizers over the same starting state, one with <c>SkipNonFiniteSteps</c>.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new Digits2410();
        TestData.Fill(_model);
        _gradients = _model.Gradients;
        _plain = NewAdamW(_model);
        var guardedModel = new Digits2410();
        TestData.Fill(guardedModel);
        _guarded = NewAdamW(guardedModel);
        _guarded.SkipNonFiniteSteps = true;
    }

    private static Digits2410.AdamWOptimizer NewAdamW(Digits2410 model) =>
        new(model) { LearningRate = 1e-3f, WeightDecay = 1e-2f, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f };

    /// <summary>The generated AdamW step alone (no clipping, no guard).</summary>
    [Benchmark(Baseline = true)]
    public void AdamWUpdate() => _plain.Step();

    /// <summary>The generated AdamW step with the non-finite guard: the norm pass, then the update.</summary>
    [Benchmark]
    public void AdamWUpdateWithGuard() => _guarded.Step();

    /// <summary>The norm pass as the generated code calls it on desktop: 32 partial sums in a fixed order.</summary>
    [Benchmark]
    public double NormPass() => GradientNorm.SquaredSum(_gradients, 0, Digits2410.ParameterCount);

    /// <summary>The pass before issue 10: one serial double sum, as the device profile still emits it.</summary>
    [Benchmark]
    public double SerialNormPass()
    {
        float[] g = _gradients;
        double sum = 0.0;
        for (int i = 0; i < Digits2410.ParameterCount; i++)
        {
            double x = g[i];
            sum += x * x;
        }

        return sum;
    }
}
