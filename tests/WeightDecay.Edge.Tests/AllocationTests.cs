using System;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests;

/// <summary>Step() allocates nothing, for every optimizer and option combination.</summary>
public class AllocationTests
{
    private const int MeasuredSteps = 100;

    /// <summary>layout, momentum, dampening, nesterov, weight decay.</summary>
    public static TheoryData<string, double, double, bool, double> SgdCases()
    {
        var cases = new TheoryData<string, double, double, bool, double>();
        foreach (string layout in OptionGrid.LayoutNames)
        {
            foreach (var (momentum, dampening, nesterov) in OptionGrid.SgdMomentumVariants)
            {
                foreach (double weightDecay in new[] { 0, 0.1 })
                {
                    cases.Add(layout, momentum, dampening, nesterov, weightDecay);
                }
            }
        }

        return cases;
    }

    /// <summary>layout, Adam or AdamW, amsgrad, weight decay.</summary>
    public static TheoryData<string, OptimizerKind, bool, double> AdamCases()
    {
        var cases = new TheoryData<string, OptimizerKind, bool, double>();
        foreach (string layout in OptionGrid.LayoutNames)
        {
            foreach (OptimizerKind kind in new[] { OptimizerKind.Adam, OptimizerKind.AdamW })
            {
                foreach (bool amsgrad in OptionGrid.AmsgradValues)
                {
                    foreach (double weightDecay in new[] { 0, 0.01 })
                    {
                        cases.Add(layout, kind, amsgrad, weightDecay);
                    }
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(SgdCases))]
    public void Sgd_step_allocates_nothing(string layout, double momentum, double dampening, bool nesterov, double weightDecay)
    {
        var options = new SgdOptions(0.01, momentum, dampening, nesterov, weightDecay);
        AssertStepsAllocateNothing(LayoutCatalog.Get(layout), OptimizerKind.Sgd, engine => OptimizerProperties.Apply(engine, options));
    }

    [Theory]
    [MemberData(nameof(AdamCases))]
    public void Adam_step_allocates_nothing(string layout, OptimizerKind kind, bool amsgrad, double weightDecay)
    {
        var options = new AdamOptions(1e-3, 0.9, 0.999, 1e-8, weightDecay, amsgrad);
        AssertStepsAllocateNothing(LayoutCatalog.Get(layout), kind, engine => OptimizerProperties.Apply(engine, options));
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void ZeroGrad_allocates_nothing(OptimizerKind kind)
    {
        IModelLayout model = LayoutCatalog.Mixed.NewModel();
        IOptimizer optimizer = LayoutCatalog.Mixed.NewOptimizer(model, kind);
        optimizer.ZeroGrad();
        model.ZeroGrad();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < MeasuredSteps; i++)
        {
            optimizer.ZeroGrad();
            model.ZeroGrad();
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
    }

    [Fact]
    public void The_measurement_sees_a_small_allocation()
    {
        // The counter this suite relies on must notice even one tiny array per iteration.
        float[]? last = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < MeasuredSteps; i++)
        {
            last = new float[1];
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.NotNull(last);
        Assert.True(after - before >= MeasuredSteps * 4, $"Measured {after - before} bytes.");
    }

    private static void AssertStepsAllocateNothing(LayoutCase layout, OptimizerKind kind, Action<IOptimizer> configure)
    {
        IModelLayout model = layout.NewModel();
        IOptimizer optimizer = layout.NewOptimizer(model, kind);
        configure(optimizer);
        Array.Copy(GradientSource.InitialParameters(layout.ParameterCount, 7), model.Parameters, layout.ParameterCount);
        GradientSource.FillRandom(model.Gradients, new Random(8));
        optimizer.Step(); // warm-up: the first step may JIT and, for momentum, start the buffer.

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < MeasuredSteps; i++)
        {
            optimizer.Step();
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
        Assert.Equal(MeasuredSteps + 1, optimizer.StepCount);
    }
}
