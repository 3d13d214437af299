using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace WeightDecay.Edge.Benchmarks;

/// <summary>
/// Entry point.
/// <list type="bullet">
/// <item><c>--verify</c>: the correctness self-check (<see cref="SelfCheck"/>); exit code 1 on disagreement.</item>
/// <item><c>--short</c>: a quick job (1 launch, 1 warmup, 3 iterations of about 100 ms) for a fast look at the whole suite.</item>
/// <item>anything else goes to BenchmarkDotNet's switcher (<c>--filter</c>, <c>--list flat</c>, <c>--job</c>, <c>--exporters</c>...);
/// without a selection argument the whole suite runs (<c>--filter *</c>) instead of prompting.</item>
/// </list>
/// Exit code 1 if any benchmark failed to produce a result.
/// </summary>
public static class Program
{
    private static readonly string[] SelectionArguments = ["--filter", "-f", "--list", "--anyCategories", "--allCategories", "--help", "-h", "--info", "--version", "--disasmFilter"];

    /// <summary>Runs the mode <paramref name="args"/> select.</summary>
    public static int Main(string[] args)
    {
        var arguments = new List<string>(args);
        if (arguments.Remove("--verify"))
        {
            return SelfCheck.Run(Console.Out);
        }

        bool shortRun = arguments.Remove("--short");
        if (!arguments.Any(a => SelectionArguments.Contains(a, StringComparer.OrdinalIgnoreCase)))
        {
            arguments.AddRange(["--filter", "*"]);
        }

        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. arguments], CreateConfig(shortRun));
        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }

    /// <summary>BenchmarkDotNet's defaults plus the per-parameter columns; with <paramref name="shortRun"/>, the quick job.</summary>
    public static IConfig CreateConfig(bool shortRun)
    {
        ManualConfig config = ManualConfig.Create(DefaultConfig.Instance)
            .AddColumn(PerParameterColumn.NanosecondsPerParameter, PerParameterColumn.Bandwidth);
        if (shortRun)
        {
            config.AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(3)
                .WithIterationTime(TimeInterval.FromMilliseconds(100))
                .WithId("Short"));
        }

        return config;
    }
}
