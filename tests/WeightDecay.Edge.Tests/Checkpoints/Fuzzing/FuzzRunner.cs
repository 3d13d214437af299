using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using CsCheck;

namespace WeightDecay.Edge.Tests.Checkpoints.Fuzzing;

/// <summary>
/// Seed and size of a fuzzing run. A fixed seed by default, so CI runs the same inputs every time; WDE_FUZZ_SEED
/// (decimal or 0x-hex) picks other inputs, and WDE_FUZZ_ITERATIONS sets the total number of inputs over all
/// strategies (each strategy keeps its share of the default total).
/// </summary>
internal static class FuzzSettings
{
    public const ulong DefaultSeed = 0x5744_4543_0006_0004UL; // "WDEC", issue 6 item 4

    /// <summary>
    /// The inputs of a default (CI) run per strategy, per target framework: 110,000 for the loader without a key (a-e) and
    /// 100,000 for the authenticating loader (f); 210,000 in all.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, long> DefaultIterations = new Dictionary<string, long>
    {
        ["a-random"] = 25_000,
        ["b-mutated"] = 25_000,
        ["c-resealed"] = 40_000,
        ["d-foreign"] = 10_000,
        ["e-arguments"] = 10_000,
        ["f-authenticated"] = 100_000,
    };

    public static long DefaultTotal => DefaultIterations.Values.Sum();

    public static ulong Seed
    {
        get
        {
            string? text = Environment.GetEnvironmentVariable("WDE_FUZZ_SEED");
            if (string.IsNullOrWhiteSpace(text))
            {
                return DefaultSeed;
            }

            text = text.Trim();
            return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                : ulong.Parse(text, CultureInfo.InvariantCulture);
        }
    }

    public static long Iterations(string strategy)
    {
        long share = DefaultIterations[strategy];
        string? text = Environment.GetEnvironmentVariable("WDE_FUZZ_ITERATIONS");
        return string.IsNullOrWhiteSpace(text)
            ? share
            : Math.Max(1, (long)Math.Round(long.Parse(text.Trim(), CultureInfo.InvariantCulture) * (double)share / DefaultTotal));
    }
}

/// <summary>What one strategy's run did.</summary>
internal sealed class FuzzReport
{
    public FuzzReport(string strategy) => Strategy = strategy;

    public string Strategy { get; }

    public long Inputs { get; set; }

    public TimeSpan Elapsed { get; set; }

    public TimeSpan SlowestInput { get; set; }

    /// <summary>Time spent checking inputs (loading and the oracles), the rest of <see cref="Elapsed"/> generating them.</summary>
    public TimeSpan Checking { get; set; }

    public SortedDictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, long> Targets { get; } = new(StringComparer.Ordinal);

    public long Outcome(string name) => Outcomes.TryGetValue(name, out long n) ? n : 0;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Strategy}: {Inputs:N0} inputs in {Elapsed.TotalSeconds:F2} s ({Checking.TotalSeconds:F2} s checking; slowest input {SlowestInput.TotalMilliseconds:F1} ms), seed 0x{FuzzSettings.Seed:X16}\n");
        text.Append("  outcomes: ").Append(string.Join(", ", Outcomes.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key} {o.Value:N0}")))).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"  transient allocations (runtime, not the loader) so far in this process: {FuzzOracle.TransientAllocations}\n");
        text.Append("  layouts: ").Append(string.Join(", ", Targets.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key} {o.Value:N0}"))));
        return text.ToString();
    }
}

/// <summary>
/// Runs one strategy: draws inputs from a CsCheck generator with a PCG stream of its own seeded from
/// <see cref="FuzzSettings.Seed"/> (so the inputs are reproducible and independent of the other strategies' counts),
/// checks each with <see cref="FuzzOracle"/>, and watches for hangs. On a failure it reports the input in full (hex,
/// and as a regression file ready to copy), its CsCheck seed, and what CsCheck's shrinking makes of it.
/// </summary>
internal static class FuzzRunner
{
    /// <summary>A single input taking this long is a hang. Inputs take microseconds; this only catches loops that never end.</summary>
    public static readonly TimeSpan InputBudget = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The loosest bound on a whole strategy, 2 minutes plus 10 ms per input: some fifty times what a run takes even on a
    /// busy machine. A guard against a run that never ends, not a performance assertion.
    /// </summary>
    public static TimeSpan RunBudget(long iterations) => TimeSpan.FromSeconds(120 + (iterations / 100));

    public static FuzzReport Run(string strategy, uint stream, Gen<FuzzCase> gen, long iterations)
    {
        var oracle = new FuzzOracle();
        var report = new FuzzReport(strategy);
        var pcg = new PCG(stream, FuzzSettings.Seed);
        long inputStarted = 0; // Stopwatch timestamp of the input being checked, 0 between inputs.
        FuzzCase? current = null;
        (long Index, string Seed, FuzzCase? Input, Exception Error)? failure = null;
        long slowest = 0;
        long checking = 0;

        void Work()
        {
            for (long i = 0; i < iterations; i++)
            {
                ulong state = pcg.State;
                FuzzCase? input = null;
                try
                {
                    Volatile.Write(ref inputStarted, Stopwatch.GetTimestamp());
                    input = gen.Generate(pcg, null, out _);
                    Volatile.Write(ref current, input);
                    long start = Stopwatch.GetTimestamp();
                    string outcome = oracle.Check(input);
                    long took = Stopwatch.GetTimestamp() - start;
                    slowest = Math.Max(slowest, took);
                    checking += took;
                    Volatile.Write(ref inputStarted, 0L);
                    report.Outcomes[outcome] = report.Outcome(outcome) + 1;
                    report.Targets[input.Target.Layout.Name] = report.Targets.GetValueOrDefault(input.Target.Layout.Name) + 1;
                    report.Inputs++;
                }
                catch (Exception e)
                {
                    failure = (i, pcg.ToString(state), input, e);
                    return;
                }
            }
        }

        var clock = Stopwatch.StartNew();
        var worker = new Thread(Work) { IsBackground = true, Name = "fuzz " + strategy };
        worker.Start();
        TimeSpan runBudget = RunBudget(iterations);
        while (!worker.Join(100))
        {
            long started = Volatile.Read(ref inputStarted);
            bool inputHangs = started != 0 && Stopwatch.GetElapsedTime(started) > InputBudget;
            if (inputHangs || clock.Elapsed > runBudget)
            {
                FuzzCase? stuck = Volatile.Read(ref current);
                throw new FuzzFailureException(
                    (inputHangs ? $"{strategy}: one input has run for over {InputBudget.TotalSeconds} s: a hang.\n" : $"{strategy}: the run exceeded {runBudget.TotalSeconds} s.\n")
                    + (stuck is null ? "(while generating an input)" : stuck.Describe()));
            }
        }

        report.Elapsed = clock.Elapsed;
        report.SlowestInput = Stopwatch.GetElapsedTime(0, slowest);
        report.Checking = Stopwatch.GetElapsedTime(0, checking);
        if (failure is { } f)
        {
            throw new FuzzFailureException(FailureReport(strategy, gen, f.Index, f.Seed, f.Input, f.Error), f.Error);
        }

        return report;
    }

    private static string FailureReport(string strategy, Gen<FuzzCase> gen, long index, string seed, FuzzCase? input, Exception error)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{strategy}: input {index:N0} failed (WDE_FUZZ_SEED=0x{FuzzSettings.Seed:X16}; CsCheck seed \"{seed}\").\n");
        text.Append(error.GetType().Name).Append(": ").Append(error.Message).Append('\n');
        if (input is null)
        {
            return text.Append("The generator itself threw.\n").Append(error).ToString();
        }

        text.Append(input.Describe()).Append('\n');
        string file = Path.Combine(Path.GetTempPath(), "wde-fuzz", $"{strategy}-{FuzzSettings.Seed:X16}-{index}.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, FuzzRegression.Format(input, $"Found by {strategy}, WDE_FUZZ_SEED=0x{FuzzSettings.Seed:X16}, input {index}: {error.Message}", expect: null));
        text.Append("Regression file (copy it into Checkpoints/Fuzzing/Regressions/ and set its expect line): ").Append(file).Append('\n');

        // CsCheck starts from the failing seed and keeps any smaller failing input it finds.
        var shrinker = new FuzzOracle();
        try
        {
            gen.Sample(c => { shrinker.Check(c); }, seed: seed, iter: 2_000, threads: 1, print: c => c.Describe(1024));
            text.Append("CsCheck could not reproduce the failure from its seed.");
        }
        catch (CsCheckException shrunk)
        {
            text.Append("Shrunk by CsCheck: ").Append(shrunk.Message);
        }

        return text.ToString();
    }
}
