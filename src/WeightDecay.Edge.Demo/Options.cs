using System.Globalization;

namespace WeightDecay.Edge.Demo;

/// <summary>Command-line options. <see cref="Parse"/> reports any problem as one <see cref="DemoException"/> line.</summary>
internal sealed record Options
{
    public const int DefaultSeed = 1;
    public const int DefaultEpochs = 50;
    public const int DefaultFolds = 5;
    public const int DefaultTrainSize = 200;
    public const string DefaultOutput = "artifacts/demo";

    /// <summary>λ grid for SGD and Adam (coupled L2, torch's weight_decay: adds λ·w to the gradient).</summary>
    public static readonly float[] DefaultCoupledGrid = [0f, 3e-4f, 1e-3f, 3e-3f, 1e-2f, 3e-2f, 1e-1f];

    /// <summary>
    /// λ grid for AdamW (torch's decoupled weight_decay: w ← w·(1 − lr·λ) each step). It sits about two
    /// decades higher than the coupled grid because the decay is multiplied by lr = 0.01 and is not
    /// amplified by Adam's 1/sqrt(v) scaling.
    /// </summary>
    public static readonly float[] DefaultDecoupledGrid = [0f, 1e-2f, 3e-2f, 1e-1f, 3e-1f, 1f, 3f];

    public int Seed { get; init; } = DefaultSeed;

    /// <summary>The --lambdas grid for every optimizer, or null for each optimizer's default grid.</summary>
    public IReadOnlyList<float>? Lambdas { get; init; }

    public IReadOnlyList<OptimizerKind> Optimizers { get; init; } = [OptimizerKind.Sgd, OptimizerKind.Adam, OptimizerKind.AdamW];

    public int Epochs { get; init; } = DefaultEpochs;

    public int Folds { get; init; } = DefaultFolds;

    public int TrainSize { get; init; } = DefaultTrainSize;

    public string OutputDirectory { get; init; } = DefaultOutput;

    /// <summary>The --data file, or null to look for the shipped copy.</summary>
    public string? DataPath { get; init; }

    public bool Help { get; init; }

    public static string Usage =>
        """
        Fine-tunes a 64-32-10 MLP on a small subset of the digits data set and compares no decay, SGD with L2,
        Adam with L2 and AdamW, choosing each optimizer's λ by k-fold cross-validation. Then draws a small
        two-moons classifier's decision regions at λ = 0, at the λ validation picks and at too large a λ,
        fine-tunes the pre-trained MLP on a few shifted digits with no decay, with decay toward zero and with
        decay toward the pre-trained weights (new task against old),
        and trains the MLP with L2 and with proximal L1 on its hidden layer (histograms of those weights).

        Usage: WeightDecay.Edge.Demo [options]
          --seed N           seed for the splits, initialisation, batch order and toy data (default 1)
          --lambdas L1,L2..  λ grid for every optimizer, torch's weight_decay convention, each >= 0
                             (default: 0,3e-4,1e-3,3e-3,1e-2,3e-2,0.1 for SGD and Adam;
                              0,0.01,0.03,0.1,0.3,1,3 for AdamW)
          --optimizer NAME   sgd, adam, adamw or all (default all)
          --epochs N         epochs per run of the digits sweep, 1..10000 (default 50)
          --folds K          cross-validation folds, 2..20 (default 5)
          --train-size N     training subset size, 20..1000, the rest is held out (default 200)
          --out DIR          folder for the plots (SVG) and CSV files (default artifacts/demo)
          --data FILE        digits.csv.gz to use (default: the copy shipped with the demo)
          --self-check       check every optimizer allocates nothing per step (CI runs it on Native AOT)
          --help             show this text
        """;

    public static Options Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new Options();
        var line = new CommandLine(args, static message => new DemoException(message));
        while (line.MoveNext())
        {
            string name = line.Name;
            options = name switch
            {
                "--help" or "-h" or "-?" => options with { Help = true },
                "--seed" => options with { Seed = Integer(name, line.Value(), int.MinValue, int.MaxValue) },
                "--epochs" => options with { Epochs = Integer(name, line.Value(), 1, 10_000) },
                "--folds" => options with { Folds = Integer(name, line.Value(), 2, 20) },
                "--train-size" => options with { TrainSize = Integer(name, line.Value(), 20, 1000) },
                "--lambdas" => options with { Lambdas = LambdaList(line.Value()) },
                "--optimizer" => options with { Optimizers = OptimizerList(line.Value()) },
                "--out" => options with { OutputDirectory = NonEmpty(name, line.Value()) },
                "--data" => options with { DataPath = NonEmpty(name, line.Value()) },
                _ => throw line.Unknown(),
            };
        }

        if (options.TrainSize < options.Folds * 10)
        {
            throw new DemoException($"--train-size {options.TrainSize} is too small for {options.Folds} folds: use at least {options.Folds * 10}");
        }

        return options;
    }

    /// <summary>The λ grid used for <paramref name="optimizer"/>: --lambdas if given, else its default.</summary>
    public IReadOnlyList<float> GridFor(OptimizerKind optimizer) =>
        Lambdas ?? (optimizer == OptimizerKind.AdamW ? DefaultDecoupledGrid : DefaultCoupledGrid);

    private static int Integer(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            throw new DemoException($"option {name}: '{text}' is not an integer");
        }

        if (value < min || value > max)
        {
            throw new DemoException($"option {name}: {value} is out of range {min}..{max}");
        }

        return value;
    }

    private static string NonEmpty(string name, string text) =>
        string.IsNullOrWhiteSpace(text) ? throw new DemoException($"option {name} needs a non-empty value") : text;

    private static float[] LambdaList(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new List<float>();
        foreach (string part in parts)
        {
            if (!float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
            {
                throw new DemoException($"option --lambdas: '{part}' is not a number (expected a comma-separated list such as 0,1e-4,1e-3)");
            }

            if (value < 0)
            {
                throw new DemoException($"option --lambdas: {part} is negative; weight decay must be >= 0");
            }

            values.Add(value);
        }

        float[] grid = [.. values.Distinct().Order()];
        return grid;
    }

    private static OptimizerKind[] OptimizerList(string text) => text.Trim().ToLowerInvariant() switch
    {
        "sgd" => [OptimizerKind.Sgd],
        "adam" => [OptimizerKind.Adam],
        "adamw" => [OptimizerKind.AdamW],
        "all" => [OptimizerKind.Sgd, OptimizerKind.Adam, OptimizerKind.AdamW],
        _ => throw new DemoException($"option --optimizer: '{text}' is not one of sgd, adam, adamw, all"),
    };
}
