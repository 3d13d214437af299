using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using WeightDecay.Edge.Demo;

namespace WeightDecay.Edge.Soak;

/// <summary>
/// The soak: load the digits, warm every code path up on throwaway models, then run the measured
/// loop (all selected optimizers, one after the other, progress lines included) between two
/// readings of the thread's allocated bytes and the GC collection counts, and check the results.
/// </summary>
internal static class Soak
{
    /// <summary>Samples held out of training, for the accuracy figure (20% of the 1,797).</summary>
    public const int HeldOutCount = 360;

    /// <summary>Held-out accuracy every optimizer must reach for the run to count as still learning.</summary>
    public const double MinHeldOutAccuracy = 0.90;

    /// <summary>Steps an optimizer must have run for its held-out accuracy to be asserted (shorter runs only report it).</summary>
    public const long MinStepsForAccuracy = 100_000;

    /// <summary>Steps each optimizer runs on a throwaway model before the measurement.</summary>
    public const long WarmupSteps = 20_000;

    private const int Seed = 1;

    /// <summary>Runs the soak described by <paramref name="options"/>; returns the exit code.</summary>
    public static int Run(SoakOptions options, TextWriter output)
    {
        (Digit[] train, Digit[] heldOut) = Split(Load(options.DataPath ?? DigitsData.DefaultPath()), HeldOutCount, Seed);
        output.WriteLine($"soak: digits MLP 64-32-10 (ReLU), {DigitsMlp.ParameterCount:N0} parameters; {train.Length:N0} training samples cycled in a fixed order, {heldOut.Length:N0} held out");
        output.WriteLine($"soak: one step = ZeroGrad, AccumulateCrossEntropyGradient on {options.Batch} sample{(options.Batch == 1 ? string.Empty : "s")}, Step; clipping at gradient norm {SoakOptimizer.MaxGradientNorm:0.###}, SkipNonFiniteSteps on{(options.FlushSubnormals ? ", FlushSubnormals on" : string.Empty)}");
        output.WriteLine($"soak: full finiteness check every {options.CheckEvery:N0} steps; {RuntimeSummary()}");

        // Warm-up: the same loop, on throwaway models, with progress lines formatted into Stream.Null,
        // so every method the measured loop calls is compiled and every static initialiser has run.
        var discard = new LineWriter(Stream.Null);
        long warmStart = Stopwatch.GetTimestamp();
        foreach (OptimizerKind kind in options.Optimizers)
        {
            var warm = new SoakRun(kind, train, WarmupSteps, Seed + 1, options.FlushSubnormals);
            if (!warm.Execute(discard, WarmupSteps / 4, options.CheckEvery, options.Batch))
            {
                return Failed(output, [$"{warm.Optimizer.Name} warm-up: {Describe(warm)}"]);
            }

            _ = warm.Accuracy(heldOut);
        }

        double warmSeconds = Seconds(Stopwatch.GetTimestamp() - warmStart);

        var runs = new List<SoakRun>();
        foreach (OptimizerKind kind in options.Optimizers)
        {
            runs.Add(new SoakRun(kind, train, options.StepsFor(kind), Seed, options.FlushSubnormals));
        }

        var initialAccuracy = new double[runs.Count];
        for (int r = 0; r < runs.Count; r++)
        {
            initialAccuracy[r] = runs[r].Accuracy(heldOut);
            output.WriteLine($"soak: {runs[r].Optimizer.Name,-6} {runs[r].PlannedSteps,13:N0} steps; {runs[r].Optimizer.Settings}");
        }

        output.Flush();
        var progress = new LineWriter(Console.OpenStandardOutput());
        progress.Text("soak: warm-up ").Integer(WarmupSteps).Text(" steps per optimizer on throwaway models took ").Number(warmSeconds, "F1").Text(" s; measuring from here").EndLine();

        // The measured region. Nothing between the two readings may allocate: the runs' state was
        // created above and the progress lines go through the allocation-free writer.
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        long processBytesBefore = GC.GetTotalAllocatedBytes(precise: true);
        long bytesBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        bool ok = true;
        for (int r = 0; r < runs.Count && ok; r++)
        {
            ok = runs[r].Execute(progress, options.ReportEvery, options.CheckEvery, options.Batch);
        }

        long elapsed = Stopwatch.GetTimestamp() - start;
        long bytesAfter = GC.GetAllocatedBytesForCurrentThread();
        long processBytesAfter = GC.GetTotalAllocatedBytes(precise: true);
        int[] collections = [GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2];

        return Summarize(output, options, runs, initialAccuracy, train, heldOut, elapsed, bytesAfter - bytesBefore, processBytesAfter - processBytesBefore, collections);
    }

    private static int Summarize(TextWriter output, SoakOptions options, List<SoakRun> runs, double[] initialAccuracy, Digit[] train, Digit[] heldOut, long elapsed, long bytes, long processBytes, int[] collections)
    {
        var failures = new List<string>();
        long totalSteps = 0;
        output.WriteLine();
        output.WriteLine("optimizer       steps    time s    steps/s   clipped  max grad norm  max|w|  subnormal w   L2 penalty  train acc  held-out acc");
        for (int r = 0; r < runs.Count; r++)
        {
            SoakRun run = runs[r];
            totalSteps += run.StepsDone;
            double seconds = Seconds(run.ElapsedTicks);
            double trainAccuracy = run.Accuracy(train);
            double heldOutAccuracy = run.Accuracy(heldOut);
            output.WriteLine($"{run.Optimizer.Name,-9} {run.StepsDone,13:N0} {seconds,9:F1} {(seconds > 0 ? run.StepsDone / seconds : 0),10:N0} {run.ClippedSteps,9:N0} {run.MaxGradientNormSeen,14:F2} {run.MaxAbsParameter,7:F3} {run.SubnormalParameters(),12:N0} {run.Optimizer.L2Penalty(),12:G4} {trainAccuracy,10:P1} {heldOutAccuracy,13:P1} (from {initialAccuracy[r]:P1})");
            if (run.Failure != SoakFailure.None)
            {
                failures.Add($"{run.Optimizer.Name}: {Describe(run)}");
            }
            else if (run.StepsDone != run.PlannedSteps)
            {
                failures.Add($"{run.Optimizer.Name}: not run (an earlier optimizer failed)");
            }
            else if (run.StepsDone >= MinStepsForAccuracy && heldOutAccuracy < MinHeldOutAccuracy)
            {
                failures.Add($"{run.Optimizer.Name}: held-out accuracy {heldOutAccuracy:P1} after {run.StepsDone:N0} steps is below {MinHeldOutAccuracy:P0}: the values stayed finite but the model is not learning");
            }
        }

        double totalSeconds = Seconds(elapsed);
        long checks = 0;
        foreach (SoakRun run in runs)
        {
            checks += run.Checks;
        }

        output.WriteLine();
        output.WriteLine($"steps:       {totalSteps:N0} optimizer steps ({totalSteps * options.Batch:N0} samples) in {totalSeconds:F1} s, {(totalSeconds > 0 ? totalSteps / totalSeconds : 0):N0} steps/s");
        output.WriteLine($"allocated:   {bytes:N0} bytes on the soak thread (GC.GetAllocatedBytesForCurrentThread); {processBytes:N0} bytes process-wide (all threads, not asserted)");
        output.WriteLine($"collections: gen0 {collections[0]}, gen1 {collections[1]}, gen2 {collections[2]} (GC.CollectionCount)");
        bool allFinite = true;
        foreach (SoakRun run in runs)
        {
            allFinite &= run.Failure == SoakFailure.None;
        }

        output.WriteLine(allFinite
            ? $"finite:      loss and gradient norm after each of the {totalSteps:N0} steps; all {DigitsMlp.ParameterCount:N0} parameters, all gradients and L2Penalty() at {checks:N0} checks (every {options.CheckEvery:N0} steps and at the end); no step skipped"
            : $"finite:      NO, see below ({checks:N0} full checks run)");
        if (bytes != 0)
        {
            failures.Add($"the soak loop allocated {bytes:N0} bytes on its thread (expected 0)");
        }

        if (collections[0] != 0 || collections[1] != 0 || collections[2] != 0)
        {
            failures.Add($"{collections[0]} gen0, {collections[1]} gen1 and {collections[2]} gen2 garbage collections during the soak loop (expected none)");
        }

        if (failures.Count > 0)
        {
            return Failed(output, failures);
        }

        bool accuracyAsserted = true;
        foreach (SoakRun run in runs)
        {
            accuracyAsserted &= run.StepsDone >= MinStepsForAccuracy;
        }

        string accuracy = accuracyAsserted
            ? $"held-out accuracy at least {MinHeldOutAccuracy:P0}"
            : $"held-out accuracy not asserted (an optimizer ran fewer than {MinStepsForAccuracy:N0} steps)";
        output.WriteLine($"soak passed: {totalSteps:N0} steps, 0 bytes allocated, no garbage collection, all values finite, {accuracy}");
        return 0;
    }

    private static int Failed(TextWriter output, List<string> failures)
    {
        foreach (string failure in failures)
        {
            output.WriteLine($"soak failed: {failure}");
        }

        return 1;
    }

    private static string Describe(SoakRun run)
    {
        string where = run.FailureIndex >= 0 ? $" (flat index {run.FailureIndex})" : string.Empty;
        string what = run.Failure switch
        {
            SoakFailure.NonFiniteLoss => "the loss was not finite",
            SoakFailure.NonFiniteGradientNorm => $"LastGradientNorm was {run.Optimizer.LastGradientNorm}",
            SoakFailure.SkippedStep => $"the non-finite guard skipped a step (SkippedStepCount {run.Optimizer.SkippedStepCount})",
            SoakFailure.NonFiniteParameter => $"parameter {run.Model.Parameters[run.FailureIndex]} is not finite",
            SoakFailure.NonFiniteGradient => $"gradient {run.Model.Gradients[run.FailureIndex]} is not finite",
            SoakFailure.NonFinitePenalty => $"L2Penalty() was {run.Optimizer.L2Penalty()}",
            SoakFailure.WrongStepCount => $"StepCount is {run.Optimizer.StepCount:N0}, expected {run.PlannedSteps:N0}",
            _ => "no failure",
        };
        return $"at step {run.FailureStep:N0}: {what}{where}";
    }

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private static string RuntimeSummary()
    {
        string simd = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "Vector512"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "Vector256"
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";
        return $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, {Environment.ProcessorCount} cores, widest SIMD {simd}, server GC {System.Runtime.GCSettings.IsServerGC}";
    }

    /// <summary>The demo's loader; a data problem is a soak failure (exit code 1) with the demo's message.</summary>
    private static Digit[] Load(string path)
    {
        try
        {
            return DigitsData.Load(path);
        }
        catch (DemoException e)
        {
            throw new SoakException(e.Message, e);
        }
    }

    /// <summary>
    /// Splits <paramref name="all"/> into a training part and a held-out part of <paramref name="heldOutCount"/>
    /// samples, chosen by a shuffle seeded with <paramref name="seed"/> (the file lists the labels in
    /// a repeating 0..9 pattern, so a split by row position would not be representative).
    /// </summary>
    private static (Digit[] Train, Digit[] HeldOut) Split(Digit[] all, int heldOutCount, int seed)
    {
        if (heldOutCount <= 0 || heldOutCount >= all.Length)
        {
            throw new SoakException($"cannot hold out {heldOutCount} of {all.Length} samples");
        }

        int[] order = new int[all.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new Random(seed).Shuffle(order);
        return (Select(all, order.AsSpan(heldOutCount)), Select(all, order.AsSpan(0, heldOutCount)));
    }

    private static Digit[] Select(Digit[] all, ReadOnlySpan<int> indices)
    {
        var selected = new Digit[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            selected[i] = all[indices[i]];
        }

        return selected;
    }
}
