namespace WeightDecay.Edge.Demo;

/// <summary>The three generated optimizers. SGD and Adam decay by coupled L2, AdamW by decoupled decay.</summary>
public enum OptimizerKind
{
    Sgd,
    Adam,
    AdamW,
}

/// <summary>One training run: which optimizer, which λ (torch's weight_decay), how long, which seed.</summary>
internal sealed record TrainConfig(OptimizerKind Optimizer, float Lambda, int Epochs, int Seed)
{
    public const int BatchSize = 16;

    /// <summary>SGD: learning rate 0.05 with momentum 0.9 (torch.optim.SGD semantics).</summary>
    public const float SgdLearningRate = 0.05f;
    public const float SgdMomentum = 0.9f;

    /// <summary>Adam and AdamW: learning rate 0.01, betas (0.9, 0.999), eps 1e-8 (torch defaults but lr).</summary>
    public const float AdamLearningRate = 0.01f;
}

/// <summary>Loss and accuracy of a model on a data set. Loss is the mean cross-entropy (nats).</summary>
internal readonly record struct Evaluation(double Loss, double Accuracy);

/// <summary>Metrics after one epoch of a run that tracks its curve.</summary>
internal sealed record EpochStats(int Epoch, Evaluation Train, Evaluation Validation);

/// <summary>
/// Mini-batch training with the generated API: for each batch, ZeroGrad, then
/// AccumulateCrossEntropyGradient(x, y, 1/batch) per sample (the mean gradient), then one optimizer Step.
/// </summary>
internal static class Trainer
{
    public static IOptimizer CreateOptimizer(DigitsMlp model, OptimizerKind kind, float lambda) => kind switch
    {
        OptimizerKind.Sgd => new DigitsMlp.SgdOptimizer(model) { LearningRate = TrainConfig.SgdLearningRate, Momentum = TrainConfig.SgdMomentum, WeightDecay = lambda },
        OptimizerKind.Adam => new DigitsMlp.AdamOptimizer(model) { LearningRate = TrainConfig.AdamLearningRate, WeightDecay = lambda },
        OptimizerKind.AdamW => new DigitsMlp.AdamWOptimizer(model) { LearningRate = TrainConfig.AdamLearningRate, WeightDecay = lambda },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Trains a fresh model on <paramref name="train"/>. The initial weights and the batch order come
    /// from <see cref="TrainConfig.Seed"/> alone, so runs that differ only in λ start from the same point
    /// and see the same batches. With <paramref name="validation"/>, evaluates after every epoch and
    /// reports to <paramref name="onEpoch"/>.
    /// </summary>
    public static DigitsMlp Train(IReadOnlyList<Digit> train, TrainConfig config, IReadOnlyList<Digit>? validation = null, Action<EpochStats>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(config);
        var random = new Random(config.Seed);
        var model = new DigitsMlp();
        model.InitializeLikeTorch(random);
        IOptimizer optimizer = CreateOptimizer(model, config.Optimizer, config.Lambda);
        Fit(model, optimizer, train, config.Epochs, random, validation, onEpoch);
        return model;
    }

    /// <summary>
    /// Trains <paramref name="model"/> in place with <paramref name="optimizer"/> (made for it) for
    /// <paramref name="epochs"/> epochs of mini-batches of <see cref="TrainConfig.BatchSize"/>, in an order
    /// shuffled by <paramref name="random"/> each epoch. Fine-tuning calls this on a copy of a
    /// pre-trained model; <see cref="Train"/> on a freshly initialised one.
    /// </summary>
    public static void Fit(IDigitsClassifier model, IOptimizer optimizer, IReadOnlyList<Digit> train, int epochs, Random random, IReadOnlyList<Digit>? validation = null, Action<EpochStats>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(random);
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start < order.Length; start += TrainConfig.BatchSize)
            {
                int size = Math.Min(TrainConfig.BatchSize, order.Length - start);
                float weight = 1f / size;
                model.ZeroGrad();
                for (int i = start; i < start + size; i++)
                {
                    Digit digit = train[order[i]];
                    model.AccumulateCrossEntropyGradient(digit.Pixels, digit.Label, weight);
                }

                optimizer.Step();
            }

            if (onEpoch is not null && validation is not null)
            {
                onEpoch(new EpochStats(epoch, Evaluate(model, train), Evaluate(model, validation)));
            }
        }
    }

    /// <summary>Mean cross-entropy (natural log, as torch's cross_entropy) and accuracy, from Forward's logits.</summary>
    public static Evaluation Evaluate(IDigitsClassifier model, IReadOnlyList<Digit> data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var logits = new float[DigitsMlp.OutputSize];
        double loss = 0;
        int correct = 0;
        foreach (Digit digit in data)
        {
            model.Forward(digit.Pixels, logits);
            int best = 0;
            float max = logits[0];
            for (int o = 1; o < logits.Length; o++)
            {
                if (logits[o] > max)
                {
                    max = logits[o];
                    best = o;
                }
            }

            double sum = 0;
            foreach (float z in logits)
            {
                sum += Math.Exp(z - max);
            }

            loss += Math.Log(sum) - (logits[digit.Label] - max);
            correct += best == digit.Label ? 1 : 0;
        }

        return new Evaluation(loss / data.Count, correct / (double)data.Count);
    }
}
