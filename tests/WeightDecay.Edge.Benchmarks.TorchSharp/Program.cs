using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace WeightDecay.Edge.Benchmarks.TorchSharp;

/// <summary>
/// Entry point: <c>--short</c> for the quick job (as the main suite's), anything else to BenchmarkDotNet's
/// switcher; without a selection the whole one-class suite runs. Exit code 1 if a benchmark failed.
/// <para>
/// The benchmarks run in this process (BenchmarkDotNet's in-process toolchain), so whatever the process was
/// started with reaches libtorch: libtorch 2.10 needs a libstdc++ with GLIBCXX_3.4.32 (GCC 13 or later), and
/// where the system's is older (Debian 12) the process is started with <c>LD_LIBRARY_PATH</c> pointing at a
/// newer one. See docs/benchmarks.md, "TorchSharp".
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
                .WithIterationTime(TimeInterval.FromMilliseconds(100)).WithId("Short")
            : Job.Default.WithId("Default");
        IConfig config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job.WithToolchain(InProcessEmitToolchain.Instance));
        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(TorchSharpProgram).Assembly).Run([.. arguments], config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
