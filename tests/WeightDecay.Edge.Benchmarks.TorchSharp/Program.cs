using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace WeightDecay.Edge.Benchmarks.TorchSharp;

/// <summary>
/// Entry point: <c>--short</c> for the quick job (as the main suite's), anything else to BenchmarkDotNet's
/// switcher; without a selection the whole one-class suite runs. Exit code 1 if a benchmark failed.
/// <para>
/// libtorch 2.10 needs a libstdc++ with GLIBCXX_3.4.32 (GCC 13 or later). Where the system's is older
/// (Debian 12), point <c>WDE_TORCH_LD_LIBRARY_PATH</c> at a folder holding a newer <c>libstdc++.so.6</c>
/// (and, if it needs one, <c>WDE_TORCH_LD_PRELOAD</c> at a shim): they are passed to the benchmark processes
/// only, as <c>LD_LIBRARY_PATH</c> and <c>LD_PRELOAD</c>, so the build BenchmarkDotNet runs first keeps the
/// system's. See docs/benchmarks.md, "TorchSharp".
/// </para>
/// </summary>
public static class TorchSharpProgram
{
    /// <summary>Runs the benchmarks <paramref name="args"/> select.</summary>
    public static int Main(string[] args)
    {
        var arguments = new List<string>(args);
        bool shortRun = arguments.Remove("--short");
        if (!arguments.Any(a => a is "--filter" or "-f" or "--list" or "--help" or "-h"))
        {
            arguments.AddRange(["--filter", "*"]);
        }

        Job job = shortRun
            ? Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3)
                .WithIterationTime(TimeInterval.FromMilliseconds(100))
            : Job.Default;
        var environment = new List<EnvironmentVariable>();
        Forward("WDE_TORCH_LD_LIBRARY_PATH", "LD_LIBRARY_PATH", environment);
        Forward("WDE_TORCH_LD_PRELOAD", "LD_PRELOAD", environment);
        if (environment.Count > 0)
        {
            job = job.WithEnvironmentVariables([.. environment]);
        }

        // The id last: BenchmarkDotNet names the job (and its build folder) after its last change otherwise.
        IConfig config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job.WithId(shortRun ? "Short" : "Default"))
            .WithBuildTimeout(TimeSpan.FromMinutes(15));
        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(TorchSharpProgram).Assembly).Run([.. arguments], config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    private static void Forward(string from, string to, List<EnvironmentVariable> environment)
    {
        string? value = Environment.GetEnvironmentVariable(from);
        if (!string.IsNullOrEmpty(value))
        {
            environment.Add(new EnvironmentVariable(to, value));
        }
    }
}
