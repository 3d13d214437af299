using System;
using System.Collections.Generic;
using System.Globalization;
using WeightDecay.Edge.Demo;

namespace WeightDecay.Edge.Soak;

/// <summary>The three generated optimizers, in the order a soak of all of them runs them.</summary>
internal enum OptimizerKind
{
    /// <summary>AdamW, decoupled weight decay.</summary>
    AdamW,

    /// <summary>Adam with coupled L2 weight decay.</summary>
    Adam,

    /// <summary>SGD with momentum and coupled L2 weight decay.</summary>
    Sgd,
}

/// <summary>The command line, parsed.</summary>
internal sealed record SoakOptions
{
    /// <summary>Training steps run when --steps is not given: the size CI runs.</summary>
    public const long DefaultSteps = 4_000_000;

    /// <summary>Steps between two progress lines when --report-every is not given.</summary>
    public const long DefaultReportEvery = 1_000_000;

    /// <summary>Steps between two full finiteness checks when --check-every is not given.</summary>
    public const long DefaultCheckEvery = 10_000;

    /// <summary>Samples per optimizer step when --batch is not given.</summary>
    public const int DefaultBatch = 1;

    /// <summary>The largest --steps accepted (10^11).</summary>
    public const long MaxSteps = 100_000_000_000;

    /// <summary>The largest --batch accepted.</summary>
    public const int MaxBatch = 256;

    /// <summary>The usage text.</summary>
    public const string Usage = """
        WeightDecay.Edge soak test: millions of digits-MLP training steps (64-32-10, ReLU), asserting
        that the measured loop allocates nothing, triggers no garbage collection, and keeps every
        observable value finite, and that the model still classifies held-out digits.

        usage: dotnet run -c Release --project tests/WeightDecay.Edge.Soak -- [options]

          --steps N          training steps (optimizer steps) in total; default 4,000,000 (the CI size).
                             With --optimizer all: AdamW runs half, Adam and SGD a quarter each.
          --optimizer NAME   adamw, adam, sgd or all (default all)
          --batch N          samples per step (ZeroGrad, N x AccumulateCrossEntropyGradient, Step);
                             default 1
          --report-every N   steps between progress lines; 0 for none; default 1,000,000
          --check-every N    steps between checks that all parameters and gradients are finite;
                             default 10,000
          --flush-subnormals set FlushSubnormals on every optimizer (off by default, as torch)
          --data PATH        the digits file; default data/digits.csv.gz (beside the executable or
                             in the repository)
          --help             show this text

        Held-out accuracy must reach 90% for every optimizer that ran at least 100,000 steps.
        Numbers may be written 10000000, 10_000_000 or 1e7.
        Exit code: 0 if every check passed, 1 if one failed ("soak failed: ..."), 2 for a bad option.
        """;

    /// <summary>Total optimizer steps.</summary>
    public long Steps { get; init; } = DefaultSteps;

    /// <summary>The optimizers to soak, in order.</summary>
    public IReadOnlyList<OptimizerKind> Optimizers { get; init; } = [OptimizerKind.AdamW, OptimizerKind.Adam, OptimizerKind.Sgd];

    /// <summary>Samples per optimizer step.</summary>
    public int Batch { get; init; } = DefaultBatch;

    /// <summary>Steps between progress lines; 0 for none.</summary>
    public long ReportEvery { get; init; } = DefaultReportEvery;

    /// <summary>Steps between full finiteness checks.</summary>
    public long CheckEvery { get; init; } = DefaultCheckEvery;

    /// <summary>The data file, or null for the default.</summary>
    public string? DataPath { get; init; }

    /// <summary>Whether the optimizers run with <c>FlushSubnormals</c> (--flush-subnormals).</summary>
    public bool FlushSubnormals { get; init; }

    /// <summary>True when --help was given.</summary>
    public bool Help { get; init; }

    /// <summary>
    /// The steps each optimizer runs: all of <see cref="Steps"/> for one optimizer; for all three,
    /// AdamW half (plus any remainder) and Adam and SGD a quarter each.
    /// </summary>
    public long StepsFor(OptimizerKind kind)
    {
        if (Optimizers.Count == 1)
        {
            return Steps;
        }

        long quarter = Steps / 4;
        return kind == OptimizerKind.AdamW ? Steps - (2 * quarter) : quarter;
    }

    /// <summary>Parses <paramref name="args"/>; a bad option is a usage <see cref="SoakException"/>.</summary>
    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new SoakOptions();
        var line = new CommandLine(args, UsageError);
        while (line.MoveNext())
        {
            string name = line.Name;
            options = name switch
            {
                "--help" or "-h" or "-?" => options with { Help = true },
                "--flush-subnormals" => options with { FlushSubnormals = true },
                "--steps" => options with { Steps = Count(name, line.Value(), 1, MaxSteps) },
                "--optimizer" => options with { Optimizers = OptimizerList(line.Value()) },
                "--batch" => options with { Batch = (int)Count(name, line.Value(), 1, MaxBatch) },
                "--report-every" => options with { ReportEvery = Count(name, line.Value(), 0, MaxSteps) },
                "--check-every" => options with { CheckEvery = Count(name, line.Value(), 1, MaxSteps) },
                "--data" => options with { DataPath = line.Value() is { Length: > 0 } path ? path : throw UsageError($"option {name} needs a non-empty value") },
                _ => throw line.Unknown(),
            };
        }

        if (options.Optimizers.Count > 1 && options.Steps < 4)
        {
            throw UsageError($"--steps {options.Steps} is too few for --optimizer all: use at least 4 (AdamW runs half, Adam and SGD a quarter each)");
        }

        return options;
    }

    private static SoakException UsageError(string message) => new(message, isUsageError: true);

    private static IReadOnlyList<OptimizerKind> OptimizerList(string value) => value.Trim().ToUpperInvariant() switch
    {
        "ADAMW" => [OptimizerKind.AdamW],
        "ADAM" => [OptimizerKind.Adam],
        "SGD" => [OptimizerKind.Sgd],
        "ALL" => [OptimizerKind.AdamW, OptimizerKind.Adam, OptimizerKind.Sgd],
        _ => throw UsageError($"--optimizer '{value}' is not one of adamw, adam, sgd, all"),
    };

    /// <summary>A whole number in [min, max], written plainly, with _ or , separators, or as 1e7.</summary>
    private static long Count(string name, string value, long min, long max)
    {
        string text = value.Trim().Replace("_", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal);
        long result;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long whole))
        {
            result = whole;
        }
        else if (double.TryParse(text, NumberStyles.AllowExponent | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double real)
            && real == Math.Floor(real) && real <= max)
        {
            result = (long)real;
        }
        else
        {
            throw UsageError($"option {name}: '{value}' is not a whole number from {min:N0} to {max:N0}");
        }

        if (result < min || result > max)
        {
            throw UsageError($"option {name}: {result:N0} is outside {min:N0}..{max:N0}");
        }

        return result;
    }
}
