namespace WeightDecay.Edge.Demo;

/// <summary>The two-input classifier trained at one λ: how it does on its training and validation points.</summary>
internal sealed record BoundaryPoint(float Lambda, Evaluation Train, Evaluation Validation);

/// <summary>One of the classifiers whose decision regions are drawn, with its grid.</summary>
internal sealed record BoundaryRun(string Name, BoundaryPoint Point, DecisionGrid Grid);

/// <summary>The toy experiment: its data, the λ sweep, the chosen λ and the three classifiers drawn.</summary>
internal sealed record BoundaryResult(ToyPoint[] Train, ToyPoint[] Validation, BoundaryPoint[] Sweep, BoundaryPoint Chosen, BoundaryRun[] Shown);

/// <summary>
/// Smoother boundaries: <see cref="MoonsMlp"/> trained with AdamW on a few noisy two-moons points at every
/// λ of <see cref="Grid"/>, each measured on a large validation set from the same distribution. The λ with
/// the lowest validation loss is chosen; the classifiers at λ = 0, at that λ and at the grid's largest λ
/// (too large) have their decision regions computed. Every run starts from the same weights and sees the
/// same batches, so the runs differ only in λ.
/// </summary>
internal static class BoundaryExperiment
{
    /// <summary>Training points: few, so that λ = 0 can fit the noise.</summary>
    public const int TrainCount = 100;

    /// <summary>Validation points: many, so that the choice of λ is not itself noise.</summary>
    public const int ValidationCount = 1000;

    /// <summary>Standard deviation of the Gaussian noise on each coordinate.</summary>
    public const double Noise = 0.2;

    /// <summary>Fraction of each class's labels flipped.</summary>
    public const double LabelNoise = 0.1;

    /// <summary>Full passes over the training points.</summary>
    public const int Epochs = 300;

    /// <summary>Mini-batch size.</summary>
    public const int BatchSize = 20;

    /// <summary>AdamW's learning rate (betas 0.9, 0.999, torch's defaults).</summary>
    public const float LearningRate = 0.01f;

    /// <summary>Cells along each side of a decision-region grid.</summary>
    public const int GridSize = 120;

    /// <summary>The λ values tried (AdamW's decoupled weight_decay); the last is the "too large" one drawn.</summary>
    public static readonly float[] Grid = [0f, 0.01f, 0.03f, 0.1f, 0.3f, 1f, 3f, 10f];

    /// <summary>Runs the sweep and computes the three grids; deterministic in <paramref name="seed"/>.</summary>
    public static BoundaryResult Run(int seed)
    {
        ToyPoint[] train = TwoMoons.Generate(TrainCount, Noise, LabelNoise, Experiment.Seed(seed, 31));
        ToyPoint[] validation = TwoMoons.Generate(ValidationCount, Noise, LabelNoise, Experiment.Seed(seed, 32));
        int trainingSeed = Experiment.Seed(seed, 33);
        var models = new MoonsMlp[Grid.Length];
        var sweep = new BoundaryPoint[Grid.Length];
        Parallel.For(0, Grid.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            models[i] = Train(train, Grid[i], trainingSeed);
            sweep[i] = new BoundaryPoint(Grid[i], Evaluate(models[i], train), Evaluate(models[i], validation));
        });

        int chosen = LowestValidationLoss(sweep);
        (string Name, int Index)[] shown = [("no decay", 0), ("λ chosen by validation", chosen), ("λ too large", Grid.Length - 1)];
        BoundaryRun[] runs = shown.Select(s => new BoundaryRun(s.Name, sweep[s.Index], DecisionGrid.Over(train, GridSize, 0.5, x => ProbabilityOfClass1(models[s.Index], x)))).ToArray();
        return new BoundaryResult(train, validation, sweep, sweep[chosen], runs);
    }

    /// <summary>The index of the point with the lowest validation loss (the first of equals).</summary>
    public static int LowestValidationLoss(IReadOnlyList<BoundaryPoint> sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        int best = 0;
        for (int i = 1; i < sweep.Count; i++)
        {
            if (sweep[i].Validation.Loss < sweep[best].Validation.Loss)
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Trains a model from the weights <paramref name="seed"/> draws, with AdamW at <paramref name="lambda"/>.</summary>
    public static MoonsMlp Train(IReadOnlyList<ToyPoint> train, float lambda, int seed)
    {
        ArgumentNullException.ThrowIfNull(train);
        var model = new MoonsMlp();
        model.ResetParameters((ulong)seed);
        var optimizer = new MoonsMlp.AdamWOptimizer(model) { LearningRate = LearningRate, WeightDecay = lambda };
        var random = new Random(seed);
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start < order.Length; start += BatchSize)
            {
                int size = Math.Min(BatchSize, order.Length - start);
                model.ZeroGrad();
                for (int i = start; i < start + size; i++)
                {
                    ToyPoint point = train[order[i]];
                    model.AccumulateCrossEntropyGradient(point.Input, point.Label, 1f / size);
                }

                optimizer.Step();
            }
        }

        return model;
    }

    /// <summary>Mean cross-entropy (nats) and accuracy of <paramref name="model"/> on <paramref name="points"/>.</summary>
    public static Evaluation Evaluate(MoonsMlp model, IReadOnlyList<ToyPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        double loss = 0;
        int correct = 0;
        foreach (ToyPoint point in points)
        {
            double p1 = ProbabilityOfClass1(model, point.Input);
            double p = point.Label == 1 ? p1 : 1 - p1;
            loss -= Math.Log(Math.Max(p, 1e-300));
            correct += (p1 > 0.5 ? 1 : 0) == point.Label ? 1 : 0;
        }

        return new Evaluation(loss / points.Count, correct / (double)points.Count);
    }

    /// <summary>The softmax probability of class 1 from the model's two logits.</summary>
    public static double ProbabilityOfClass1(MoonsMlp model, float[] input)
    {
        ArgumentNullException.ThrowIfNull(model);
        var logits = new float[MoonsMlp.OutputSize];
        model.Forward(input, logits);
        return 1 / (1 + Math.Exp(logits[0] - (double)logits[1]));
    }
}
