namespace WeightDecay.Edge.Demo;

/// <summary>One λ₁ of the proximal-L1 sweep, over the digits sweep's folds: mean validation loss and accuracy, and the fraction of HiddenWeight left exactly zero.</summary>
internal sealed record L1SweepPoint(float Lambda1, double ValidationLoss, double ValidationAccuracy, double ZeroFraction);

/// <summary>
/// One model trained on the whole training subset: the parameters it started from, HiddenWeight at the end,
/// its exact zeros as the model's <c>CountZeros</c> reports them, and its accuracy and loss.
/// </summary>
internal sealed record SparsityRun(string Name, float Lambda, float[] Initial, float[] HiddenWeight, int Zeros, Evaluation Train, Evaluation HeldOut)
{
    public double ZeroFraction => Zeros / (double)HiddenWeight.Length;

    /// <summary>‖HiddenWeight‖₂, in double.</summary>
    public double HiddenNorm => Math.Sqrt(HiddenWeight.Sum(w => (double)w * w));

    /// <summary>Weights that are not zero but within ±<see cref="Sparsity.NearZero"/>: shrunk toward zero without reaching it.</summary>
    public int NearZero => HiddenWeight.Count(w => w != 0f && Math.Abs(w) < Sparsity.NearZero);
}

/// <summary>
/// L1 against L2: the L2 run (SGD + L2 at <see cref="L2Lambda"/>) and the L1 run (SGD with proximal L1 on HiddenWeight
/// at the λ₁ of <see cref="Chosen"/>), with the cross-validated sweep that chose λ₁ and, when the digits sweep ran SGD,
/// the cross-validated point that chose λ. <see cref="NoDecay"/> is the same SGD run without either, the reference
/// that shows how much each shrinks.
/// </summary>
internal sealed record SparsityResult(float L2Lambda, SweepPoint? L2CrossValidated, L1SweepPoint[] Sweep, L1SweepPoint Chosen, SparsityRun NoDecay, SparsityRun L2, SparsityRun L1, TimeSpan Elapsed);

/// <summary>
/// L1 against L2 on the digits MLP's hidden layer. Both runs use the digits sweep's training subset, folds, epochs and
/// SGD (lr 0.05, momentum 0.9, batch 16), start from the same torch-like initial weights and see the same batches
/// (seeded as the sweep's final runs): the L2 run is the sweep's "SGD + L2" run at the λ it chose; the L1 run has
/// no weight decay and proximal L1 on HiddenWeight, λ₁ chosen from <see cref="L1Layout.All"/> by the same k-fold
/// cross-validation (lowest mean validation loss).
/// </summary>
internal static class Sparsity
{
    /// <summary>Index of HiddenWeight among the layout's tensors (declaration order), for <c>CountZeros</c>.</summary>
    public const int HiddenWeightTensor = 0;

    /// <summary>SGD's L2 λ when the digits sweep did not run SGD (<c>--optimizer adam</c> or <c>adamw</c>): what it chooses at seed 1 and the defaults.</summary>
    public const float DefaultL2Lambda = 3e-3f;

    /// <summary>What <see cref="SparsityRun.NearZero"/> counts as near zero.</summary>
    public const float NearZero = 0.01f;

    /// <summary>Runs the comparison on the split and folds of <paramref name="sweep"/>; deterministic in its seed.</summary>
    public static SparsityResult Run(ExperimentResult sweep, IReadOnlyList<Digit> data, IReadOnlyList<L1Layout> layouts)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(layouts);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Options options = sweep.Options;
        (Digit[] train, Digit[] heldOut) = CrossValidation.StratifiedSplit(data, options.TrainSize, options.Seed);
        Fold[] folds = CrossValidation.KFold(train.Length, options.Folds, Experiment.Seed(options.Seed, 17));
        var foldData = folds.Select(f => (Train: CrossValidation.Select(train, f.Train), Validation: CrossValidation.Select(train, f.Validation))).ToArray();

        var jobs = (from layout in Enumerable.Range(0, layouts.Count)
                    from fold in folds
                    select (Layout: layout, Fold: fold.Index)).ToArray();
        var results = new (Evaluation Validation, int Zeros)[jobs.Length];
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, j =>
        {
            L1Layout layout = layouts[jobs[j].Layout];
            (Digit[] foldTrain, Digit[] foldValidation) = foldData[jobs[j].Fold];
            IDigitsClassifier model = layout.Create();
            Train(model, layout.Sgd, foldTrain, options.Epochs, Experiment.Seed(options.Seed, jobs[j].Fold));
            results[j] = (Trainer.Evaluate(model, foldValidation), model.CountZeros(HiddenWeightTensor));
        });

        L1SweepPoint[] points = layouts.Select((layout, l) =>
        {
            int[] mine = Enumerable.Range(0, jobs.Length).Where(j => jobs[j].Layout == l).ToArray();
            return new L1SweepPoint(layout.Lambda1, mine.Average(j => results[j].Validation.Loss), mine.Average(j => results[j].Validation.Accuracy), mine.Average(j => results[j].Zeros) / DigitsMlp.HiddenWeightLength);
        }).ToArray();
        L1SweepPoint chosen = points.MinBy(p => p.ValidationLoss)!;
        L1Layout chosenLayout = layouts[Array.IndexOf(points, chosen)];

        SweepPoint? l2Point = sweep.Sweeps.FirstOrDefault(s => s.Optimizer == OptimizerKind.Sgd)?.Best;
        float l2 = l2Point?.Lambda ?? DefaultL2Lambda;
        int finalSeed = Experiment.Seed(options.Seed, 1000); // the digits sweep's final runs' seed
        var finals = new SparsityRun[3];
        Parallel.For(0, 3, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, r =>
        {
            finals[r] = r switch
            {
                0 => Final("SGD, no decay", 0f, new DigitsMlp(), m => Trainer.CreateOptimizer((DigitsMlp)m, OptimizerKind.Sgd, 0f), train, heldOut, options.Epochs, finalSeed),
                1 => Final("SGD + L2", l2, new DigitsMlp(), m => Trainer.CreateOptimizer((DigitsMlp)m, OptimizerKind.Sgd, l2), train, heldOut, options.Epochs, finalSeed),
                _ => Final("SGD + proximal L1", chosenLayout.Lambda1, chosenLayout.Create(), chosenLayout.Sgd, train, heldOut, options.Epochs, finalSeed),
            };
        });

        return new SparsityResult(l2, l2Point, points, chosen, finals[0], finals[1], finals[2], clock.Elapsed);
    }

    /// <summary>
    /// Trains <paramref name="model"/> from torch-like initial weights drawn from <paramref name="seed"/> (as
    /// <see cref="Trainer.Train"/> draws them for <see cref="DigitsMlp"/>) and returns those initial parameters.
    /// The batch order continues the same random source, so any two layouts trained with one seed start alike and see
    /// the same batches.
    /// </summary>
    public static float[] Train(IDigitsClassifier model, Func<IDigitsClassifier, IOptimizer> createOptimizer, IReadOnlyList<Digit> train, int epochs, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(createOptimizer);
        var random = new Random(seed);
        var start = new DigitsMlp();
        start.InitializeLikeTorch(random);
        start.Parameters.CopyTo(model.Parameters, 0);
        float[] initial = [.. model.Parameters];
        Trainer.Fit(model, createOptimizer(model), train, epochs, random);
        return initial;
    }

    private static SparsityRun Final(string name, float lambda, IDigitsClassifier model, Func<IDigitsClassifier, IOptimizer> createOptimizer, Digit[] train, Digit[] heldOut, int epochs, int seed)
    {
        float[] initial = Train(model, createOptimizer, train, epochs, seed);
        float[] hidden = model.Parameters.AsSpan(DigitsMlp.HiddenWeightOffset, DigitsMlp.HiddenWeightLength).ToArray();
        return new SparsityRun(name, lambda, initial, hidden, model.CountZeros(HiddenWeightTensor), Trainer.Evaluate(model, train), Trainer.Evaluate(model, heldOut));
    }
}

/// <summary>
/// A histogram of weights with exact zeros counted apart: <see cref="Zeros"/> holds the weights that are +0 or −0,
/// <see cref="Counts"/> the others in 2·half + 1 bins of <see cref="BinWidth"/> centred on 0, ±w, ±2w ... (bin i is
/// centred on (i − half)·w); weights beyond the outer bins are counted in them. Every weight is counted once.
/// </summary>
internal sealed record WeightHistogram(double BinWidth, int[] Counts, int Zeros)
{
    public int Half => Counts.Length / 2;

    public double Centre(int bin) => (bin - Half) * BinWidth;

    public static WeightHistogram Make(IReadOnlyList<float> weights, double binWidth, int half)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!(binWidth > 0) || half < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(binWidth), "the bin width must be positive and half at least 0");
        }

        var counts = new int[(2 * half) + 1];
        int zeros = 0;
        foreach (float w in weights)
        {
            if (float.IsNaN(w))
            {
                throw new ArgumentException("a weight is NaN", nameof(weights));
            }

            if (w == 0f)
            {
                zeros++;
                continue;
            }

            double bin = Math.Floor((w / binWidth) + 0.5) + half;
            counts[(int)Math.Clamp(bin, 0, 2 * half)]++;
        }

        return new WeightHistogram(binWidth, counts, zeros);
    }
}
