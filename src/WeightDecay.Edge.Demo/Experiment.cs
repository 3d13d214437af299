namespace WeightDecay.Edge.Demo;

/// <summary>Cross-validated results of one optimizer at one λ: per fold, then summarised.</summary>
internal sealed record SweepPoint(OptimizerKind Optimizer, float Lambda, Evaluation[] FoldTrain, Evaluation[] FoldValidation, double[] FoldWeightNorm)
{
    public double TrainLoss => FoldTrain.Average(e => e.Loss);

    public double TrainAccuracy => FoldTrain.Average(e => e.Accuracy);

    public double ValidationLoss => FoldValidation.Average(e => e.Loss);

    public double ValidationAccuracy => FoldValidation.Average(e => e.Accuracy);

    /// <summary>Standard deviation of the validation loss over the folds.</summary>
    public double ValidationLossSpread => StandardDeviation(FoldValidation.Select(e => e.Loss));

    public double ValidationAccuracySpread => StandardDeviation(FoldValidation.Select(e => e.Accuracy));

    public double WeightNorm => FoldWeightNorm.Average();

    private static double StandardDeviation(IEnumerable<double> values)
    {
        double[] v = values.ToArray();
        double mean = v.Average();
        return v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }
}

/// <summary>A λ sweep of one optimizer and the λ it picked (lowest mean cross-validated loss).</summary>
internal sealed record Sweep(OptimizerKind Optimizer, SweepPoint[] Points)
{
    public SweepPoint Best => Points.MinBy(p => p.ValidationLoss)!;
}

/// <summary>A model retrained on the whole training subset and measured on the held-out set.</summary>
internal sealed record FinalRun(string Name, OptimizerKind Optimizer, float Lambda, SweepPoint? Chosen, Evaluation Train, Evaluation HeldOut, double WeightSquaredNorm, EpochStats[] Curve)
{
    public double WeightNorm => Math.Sqrt(WeightSquaredNorm);

    /// <summary>Coupled L2 only (SGD, Adam): the penalty (λ/2)·Σw² whose gradient λ·w the optimizer adds. Null for AdamW.</summary>
    public double? Penalty => Optimizer == OptimizerKind.AdamW ? null : 0.5 * Lambda * WeightSquaredNorm;
}

internal sealed record ExperimentResult(Options Options, int TrainCount, int HeldOutCount, Sweep[] Sweeps, FinalRun[] Finals, TimeSpan Elapsed);

/// <summary>
/// The whole demo: split, sweep λ per optimizer with k-fold cross-validation on the training subset,
/// pick λ, then retrain on the whole subset (and, for comparison, without decay) and measure on held-out data.
/// Independent runs go to a thread each; every run has its own seeded random source, so the results
/// do not depend on the number of threads or their timing.
/// </summary>
internal static class Experiment
{
    public static ExperimentResult Run(Options options, IReadOnlyList<Digit> data, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        (Digit[] train, Digit[] heldOut) = CrossValidation.StratifiedSplit(data, options.TrainSize, options.Seed);
        Fold[] folds = CrossValidation.KFold(train.Length, options.Folds, Seed(options.Seed, 17));
        var foldData = folds.Select(f => (Train: CrossValidation.Select(train, f.Train), Validation: CrossValidation.Select(train, f.Validation))).ToArray();

        // The sweep: optimizer x λ x fold, each an independent run.
        var jobs = (from optimizer in options.Optimizers
                    from lambda in options.GridFor(optimizer)
                    from fold in folds
                    select (Optimizer: optimizer, Lambda: lambda, Fold: fold.Index)).ToArray();
        var results = new (Evaluation Train, Evaluation Validation, double Norm)[jobs.Length];
        using (var bar = ProgressBar.Start($"Cross-validating λ ({options.Folds} folds, {options.Epochs} epochs)", jobs.Length, output))
        {
            Parallel.For(0, jobs.Length, Parallelism(), j =>
            {
                (OptimizerKind optimizer, float lambda, int fold) = jobs[j];
                (Digit[] foldTrain, Digit[] foldValidation) = foldData[fold];
                DigitsMlp model = Trainer.Train(foldTrain, new TrainConfig(optimizer, lambda, options.Epochs, Seed(options.Seed, fold)));
                results[j] = (Trainer.Evaluate(model, foldTrain), Trainer.Evaluate(model, foldValidation), Math.Sqrt(model.WeightSquaredNorm()));
                bar.Increment();
            });
        }

        Sweep[] sweeps = options.Optimizers.Select(optimizer => new Sweep(
            optimizer,
            options.GridFor(optimizer).Select(lambda =>
            {
                int[] mine = Enumerable.Range(0, jobs.Length).Where(j => jobs[j].Optimizer == optimizer && jobs[j].Lambda == lambda).ToArray();
                return new SweepPoint(optimizer, lambda, mine.Select(j => results[j].Train).ToArray(), mine.Select(j => results[j].Validation).ToArray(), mine.Select(j => results[j].Norm).ToArray());
            }).ToArray())).ToArray();

        // The final runs: the baselines without decay and each optimizer at its chosen λ.
        var finalJobs = new List<(string Name, OptimizerKind Optimizer, float Lambda, SweepPoint? Chosen)>();
        if (options.Optimizers.Contains(OptimizerKind.Sgd))
        {
            finalJobs.Add(("SGD, no decay", OptimizerKind.Sgd, 0f, null));
        }

        if (options.Optimizers.Contains(OptimizerKind.Adam) || options.Optimizers.Contains(OptimizerKind.AdamW))
        {
            // Adam and AdamW are the same algorithm when λ = 0.
            finalJobs.Add(("Adam, no decay", OptimizerKind.Adam, 0f, null));
        }

        foreach (Sweep sweep in sweeps)
        {
            string name = sweep.Optimizer switch
            {
                OptimizerKind.Sgd => "SGD + L2",
                OptimizerKind.Adam => "Adam + L2",
                _ => "AdamW",
            };
            finalJobs.Add((name, sweep.Optimizer, sweep.Best.Lambda, sweep.Best));
        }

        var finals = new FinalRun[finalJobs.Count];
        using (var bar = ProgressBar.Start($"Retraining on all {train.Length} training samples", finalJobs.Count, output))
        {
            Parallel.For(0, finalJobs.Count, Parallelism(), j =>
            {
                (string name, OptimizerKind optimizer, float lambda, SweepPoint? chosen) = finalJobs[j];
                var curve = new List<EpochStats>();
                DigitsMlp model = Trainer.Train(train, new TrainConfig(optimizer, lambda, options.Epochs, Seed(options.Seed, 1000)), heldOut, curve.Add);
                finals[j] = new FinalRun(name, optimizer, lambda, chosen, Trainer.Evaluate(model, train), Trainer.Evaluate(model, heldOut), model.WeightSquaredNorm(), [.. curve]);
                bar.Increment();
            });
        }

        return new ExperimentResult(options, train.Length, heldOut.Length, sweeps, finals, clock.Elapsed);
    }

    /// <summary>A seed for one purpose, derived from the user's seed (splitmix-style, deterministic).</summary>
    public static int Seed(int seed, int salt)
    {
        unchecked
        {
            ulong z = ((ulong)(uint)seed << 32) + (uint)salt + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
        }
    }

    private static ParallelOptions Parallelism() => new() { MaxDegreeOfParallelism = Environment.ProcessorCount };
}
