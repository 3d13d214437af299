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
        bool aot = arguments.Remove("--aot");
        if (!arguments.Any(a => SelectionArguments.Contains(a, StringComparer.OrdinalIgnoreCase)))
        {
            arguments.AddRange(["--filter", "*"]);
        }

        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. arguments], CreateConfig(shortRun, aot));
        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }

    /// <summary>
    /// BenchmarkDotNet's defaults plus the per-parameter columns; with <paramref name="shortRun"/>, the
    /// quick job; with <paramref name="aot"/>, each job on the JIT and as a Native AOT build for
    /// x86-64-v3 (AVX2 + FMA), the instruction set the repository's AOT console is published for, and where the
    /// machine has AVX-512, for x86-64-v4 too.
    /// </summary>
    public static IConfig CreateConfig(bool shortRun, bool aot = false)
    {
        ManualConfig config = ManualConfig.Create(DefaultConfig.Instance)
            .AddColumn(PerParameterColumn.NanosecondsPerParameter, PerParameterColumn.Bandwidth)
            .WithBuildTimeout(TimeSpan.FromMinutes(15)); // BenchmarkDotNet's 2 minutes are not enough on a loaded 2-core machine.
        Job job = shortRun
            ? Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(3)
                .WithIterationTime(TimeInterval.FromMilliseconds(100))
                .WithId("Short")
            : Job.Default;
        if (aot)
        {
            config.AddJob(job.WithId("JIT"));
            config.AddJob(job.WithToolchain(NativeAot("x86-64-v3")).WithId("NativeAOT-x86-64-v3"));
            if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            {
                // Where the machine has AVX-512, also the x86-64-v4 build, which the JIT's Vector512 path matches.
                config.AddJob(job.WithToolchain(NativeAot("x86-64-v4")).WithId("NativeAOT-x86-64-v4"));
            }
        }
        else if (shortRun)
        {
            config.AddJob(job);
        }

        return config;
    }

    private static BenchmarkDotNet.Toolchains.IToolchain NativeAot(string instructionSet) =>
        BenchmarkDotNet.Toolchains.NativeAot.NativeAotToolchain.CreateBuilder()
            .UseNuGet()
            .IlcInstructionSet(instructionSet)
            .TargetFrameworkMoniker("net10.0")
            .ToToolchain();
}
