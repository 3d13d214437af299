using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using WeightDecay.Edge;
using WeightDecay.Edge.Benchmarks.Baselines;

namespace WeightDecay.Edge.Benchmarks;

/// <summary>
/// The five variants of one optimizer on one layout (the <see cref="Layout"/> parameter). Each
/// variant owns its model (parameters, gradients) and state, all starting from the same values.
/// Every benchmark is one <c>Step()</c> through <see cref="IOptimizer"/>, so the generated
/// optimizer and the baselines pay the same (PGO-devirtualised) call. The ratio column is relative
/// to the plain scalar loop; compare the <c>Generated</c> row with the others.
/// </summary>
/// <remarks>
/// Over millions of invocations the state stays bounded: Adam's moments converge to g and g² for a
/// fixed gradient, decayed parameters converge (AdamW: |p| &lt;= 1/wd), undecayed ones drift by at most
/// lr per step (Adam) or lr·|g|/(1-momentum) (SGD), far from overflow and never denormal.
/// </remarks>
[MemoryDiagnoser]
public abstract class OptimizerBenchmarks
{
    private IOptimizer _scalar = null!;
    private IOptimizer _fused = null!;
    private IOptimizer _tensorPrimitives = null!;
    private IOptimizer _runtimeDescriptors = null!;
    private IOptimizer _generated = null!;

    /// <summary>The layout measured.</summary>
    [ParamsSource(nameof(Layouts))]
    public LayoutCase Layout { get; set; } = LayoutCatalog.Get("Digits2410");

    /// <summary>Every layout of the suite.</summary>
    public static IEnumerable<LayoutCase> Layouts => LayoutCatalog.All;

    /// <summary>The optimizer the derived class measures.</summary>
    protected abstract OptimizerKind Kind { get; }

    /// <summary>Builds every variant from the same starting state.</summary>
    [GlobalSetup]
    public void Setup()
    {
        LayoutCase layout = Layout;
        _scalar = Baseline.Create(BaselineKind.ScalarLoop, Kind, NewModel(layout));
        _fused = Baseline.Create(BaselineKind.FusedVector, Kind, NewModel(layout));
        _tensorPrimitives = Baseline.Create(BaselineKind.TensorPrimitives, Kind, NewModel(layout));
        _runtimeDescriptors = Baseline.Create(BaselineKind.RuntimeDescriptors, Kind, NewModel(layout));
        _generated = layout.CreateGenerated(NewModel(layout), Kind);
    }

    /// <summary>(a) Plain scalar loop over the flat arrays: the ratio baseline.</summary>
    [Benchmark(Baseline = true)]
    public void ScalarLoop() => _scalar.Step();

    /// <summary>(b) Hand-written fused Vector&lt;float&gt; loop, one pass.</summary>
    [Benchmark]
    public void FusedVector() => _fused.Step();

    /// <summary>(c) Composed from TensorPrimitives calls per tensor.</summary>
    [Benchmark]
    public void TensorPrimitives() => _tensorPrimitives.Step();

    /// <summary>(d) Non-generated optimizer walking the tensor descriptors at run time.</summary>
    [Benchmark]
    public void RuntimeDescriptors() => _runtimeDescriptors.Step();

    /// <summary>The generated optimizer's Step(): whatever the generator emits today.</summary>
    [Benchmark]
    public void Generated() => _generated.Step();

    private static IModelLayout NewModel(LayoutCase layout)
    {
        IModelLayout model = layout.CreateModel();
        TestData.Fill(model);
        return model;
    }
}
