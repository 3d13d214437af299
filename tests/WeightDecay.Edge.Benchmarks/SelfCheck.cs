using System;
using System.Globalization;
using System.IO;
using WeightDecay.Edge;
using WeightDecay.Edge.Benchmarks.Baselines;

namespace WeightDecay.Edge.Benchmarks;

/// <summary>
/// The <c>--verify</c> mode: keeps the baselines honest. For every layout and optimizer, each
/// baseline and the generated optimizer start from the same parameters and take the same steps
/// (fresh gradients each step, identical for all); the largest absolute difference of any parameter
/// from the generated result is printed. Disagreement above <see cref="Tolerance"/>, an allocating
/// Step(), or a non-finite state in a long run fails the check (exit code 1).
/// </summary>
public static class SelfCheck
{
    /// <summary>Failure threshold on the largest absolute parameter difference.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Steps compared per layout and optimizer.</summary>
    public const int Steps = 5;

    /// <summary>Steps of the stability run (on the 100-parameter layout, fixed gradient, as in the benchmarks).</summary>
    public const int LongRunSteps = 2_000_000;

    /// <summary>Runs every check, writing a table to <paramref name="output"/>; returns the process exit code.</summary>
    public static int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        bool ok = true;
        ok &= Compare(output, stress: false);
        output.WriteLine();
        ok &= Compare(output, stress: true);

        output.WriteLine();
        output.WriteLine($"Stability: the generated optimizers, {LongRunSteps:N0} steps on Tiny100 with a fixed gradient (as a long benchmark run does).");
        LayoutCase tiny = LayoutCatalog.Get("Tiny100");
        foreach (OptimizerKind kind in Enum.GetValues<OptimizerKind>())
        {
            IModelLayout model = NewModel(tiny);
            IOptimizer optimizer = tiny.CreateGenerated(model, kind);
            for (int i = 0; i < LongRunSteps; i++)
            {
                optimizer.Step();
            }

            double maxAbs = 0;
            foreach (float p in model.Parameters)
            {
                maxAbs = Math.Max(maxAbs, Math.Abs(p));
            }

            bool finite = AllFinite(model.Parameters);
            ok &= finite;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind,-6} max |p| = {maxAbs,10:0.###}  {(finite ? "ok (finite)" : "FAIL (not finite)")}"));
        }

        output.WriteLine();
        output.WriteLine(ok ? "verify: all variants agree." : "verify: FAILED.");
        return ok ? 0 : 1;
    }

    /// <summary>
    /// Compares every baseline with the generated optimizer on every layout. With
    /// <paramref name="stress"/>, learning rate 0.1 and weight decay 0.5 on all variants: at the
    /// benchmark's hyperparameters a wrong decay mask moves a parameter by only about lr*wd = 1e-5
    /// per step, below the tolerance; with these, by 0.05 per step.
    /// </summary>
    private static bool Compare(TextWriter output, bool stress)
    {
        bool ok = true;
        output.WriteLine(stress
            ? $"Stress hyperparameters (lr 0.1, wd 0.5, all variants): same comparison, so that a wrong decay mask shows."
            : $"Benchmark hyperparameters: max |p_variant - p_generated| after {Steps} steps from the same state (tolerance {Tolerance:0e0}); bytes allocated by steps 2..{Steps}.");
        output.WriteLine($"{"layout",-14} {"optimizer",-6} {"variant",-19} {"max abs diff",12} {"alloc B",8}  result");
        foreach (LayoutCase layout in LayoutCatalog.All)
        {
            foreach (OptimizerKind kind in Enum.GetValues<OptimizerKind>())
            {
                IModelLayout generatedModel = NewModel(layout);
                IOptimizer generated = Tune(layout.CreateGenerated(generatedModel, kind), stress);
                long generatedAlloc = RunSteps(generated, generatedModel);
                bool generatedOk = generatedAlloc == 0 && AllFinite(generatedModel.Parameters);
                ok &= generatedOk;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{layout.Name,-14} {kind,-6} {"Generated",-19} {"(reference)",12} {generatedAlloc,8}  {(generatedOk ? "ok" : "FAIL")}"));
                foreach (BaselineKind baseline in Enum.GetValues<BaselineKind>())
                {
                    IModelLayout model = NewModel(layout);
                    IOptimizer optimizer = Tune(Baseline.Create(baseline, kind, model), stress);
                    long allocated = RunSteps(optimizer, model);
                    double diff = MaxAbsDifference(model.Parameters, generatedModel.Parameters);
                    bool pass = diff <= Tolerance && allocated == 0;
                    ok &= pass;
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{layout.Name,-14} {kind,-6} {baseline,-19} {diff,12:0.000e+00} {allocated,8}  {(pass ? "ok" : "FAIL")}"));
                }
            }
        }

        return ok;
    }

    private static IOptimizer Tune(IOptimizer optimizer, bool stress)
    {
        if (stress)
        {
            optimizer.LearningRate = 0.1f;
            optimizer.WeightDecay = 0.5f;
        }

        return optimizer;
    }

    private static IModelLayout NewModel(LayoutCase layout)
    {
        IModelLayout model = layout.CreateModel();
        TestData.Fill(model);
        return model;
    }

    /// <summary>Takes <see cref="Steps"/> steps with a new gradient before each; returns bytes allocated by steps 2 on.</summary>
    private static long RunSteps(IOptimizer optimizer, IModelLayout model)
    {
        long allocated = 0;
        for (int step = 0; step < Steps; step++)
        {
            TestData.FillUniform(model.Gradients, TestData.GradientSeed + step);
            long before = GC.GetAllocatedBytesForCurrentThread();
            optimizer.Step();
            if (step > 0)
            {
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        return allocated;
    }

    private static double MaxAbsDifference(float[] a, float[] b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs((double)a[i] - b[i]);
            if (double.IsNaN(d))
            {
                return double.PositiveInfinity;
            }

            max = Math.Max(max, d);
        }

        return max;
    }

    private static bool AllFinite(float[] values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }
}
