using System.Globalization;

namespace WeightDecay.Edge.Demo;

/// <summary>The demo from options to files, callable from tests with any writer.</summary>
internal static class Demo
{
    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        Options options = Options.Parse(args);
        if (options.Help)
        {
            output.WriteLine(Options.Usage);
            return 0;
        }

        string dataPath = options.DataPath ?? DigitsData.DefaultPath();
        Digit[] data = DigitsData.Load(dataPath);
        string outDir = Path.GetFullPath(options.OutputDirectory);
        try
        {
            Directory.CreateDirectory(outDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DemoException($"cannot create the output folder {outDir}: {e.Message}");
        }

        output.WriteLine("WeightDecay.Edge digits demo: 64-32-10 MLP (2,410 parameters: HiddenWeight and OutputWeight decayed, biases not); then two moons, fine-tuning and L1 vs L2");
        output.WriteLine($"data: {data.Length} digits from {dataPath}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"optimizers: {string.Join(", ", options.Optimizers.Select(Report.OptimizerName))}; batch {TrainConfig.BatchSize}; SGD lr {TrainConfig.SgdLearningRate} momentum {TrainConfig.SgdMomentum}; Adam/AdamW lr {TrainConfig.AdamLearningRate}"));
        output.WriteLine();

        ExperimentResult result = Experiment.Run(options, data, output);
        Report.PrintSweeps(result, output);
        Report.PrintSummary(result, output);

        var storyClock = System.Diagnostics.Stopwatch.StartNew();
        BoundaryResult boundaries = BoundaryExperiment.Run(options.Seed);
        output.WriteLine();
        BoundaryReport.Print(boundaries, output);
        FineTuneResult fineTuning = FineTuning.Run(data, options.Seed, FineTuneArm.All);
        output.WriteLine();
        FineTuneReport.Print(fineTuning, output);
        SparsityResult sparsity = Sparsity.Run(result, data, L1Layout.All);
        output.WriteLine();
        SparsityReport.Print(sparsity, output);
        TimeSpan elapsed = result.Elapsed + storyClock.Elapsed;

        IReadOnlyList<string> files;
        try
        {
            files = [.. Plots.WriteAll(result, boundaries, fineTuning, sparsity, outDir), Write(outDir, "sweep.csv", Report.SweepCsv(result)), Write(outDir, "summary.csv", Report.SummaryCsv(result)), Write(outDir, "curves.csv", Report.CurvesCsv(result)), Write(outDir, "boundaries.csv", BoundaryReport.Csv(boundaries)), Write(outDir, "finetune.csv", FineTuneReport.Csv(fineTuning)), Write(outDir, "sparsity.csv", SparsityReport.Csv(sparsity))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DemoException($"cannot write to {outDir}: {e.Message}");
        }

        output.WriteLine();
        output.WriteLine($"wrote {string.Join(", ", files.Select(Path.GetFileName))} to {outDir}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done in {elapsed.TotalSeconds:F1} s (two moons, fine-tuning and L1 vs L2: {storyClock.Elapsed.TotalSeconds:F1} s)"));
        return 0;
    }

    private static string Write(string directory, string name, string text)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
