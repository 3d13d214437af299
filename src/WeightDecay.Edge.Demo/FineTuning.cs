using System.Globalization;

namespace WeightDecay.Edge.Demo;

/// <summary>One arm fine-tuned at one λ: its cross-validated loss on the new task, then both tasks' accuracy after fine-tuning on all samples.</summary>
internal sealed record FineTunePoint(float Lambda, double CrossValidatedLoss, Evaluation NewTask, Evaluation OldTask);

/// <summary>One arm's λ path and the point cross-validation chose.</summary>
internal sealed record FineTuneArmResult(string Name, FineTunePoint[] Path, FineTunePoint Chosen);

/// <summary>The fine-tuning experiment: the pre-trained model on both tasks, then each arm.</summary>
internal sealed record FineTuneResult(FineTuneSplit Split, Evaluation PreTrainedNewTask, Evaluation PreTrainedOldTask, FineTuneArmResult[] Arms);

/// <summary>
/// Fine-tuning on the device: pre-train the digits MLP on unshifted digits, then fine-tune a copy of it on
/// a few shifted digits with each <see cref="FineTuneArm"/>, choosing each arm's λ by k-fold cross-validation
/// on the fine-tuning samples alone (lowest mean validation loss). Reports accuracy on the new task (shifted
/// test digits) and what is kept of the old one (unshifted test digits). Runs differing only in λ start from
/// the same pre-trained weights and see the same batches.
/// </summary>
internal static class FineTuning
{
    /// <summary>How far the new task moves each image: pixels right.</summary>
    public const int ShiftX = 1;

    /// <summary>How far the new task moves each image: pixels down.</summary>
    public const int ShiftY = 0;

    /// <summary>The shift in words, for the report: "1 pixel right", "2 pixels right and 1 down".</summary>
    public static string ShiftText =>
        string.Create(CultureInfo.InvariantCulture, $"{ShiftX} pixel{(ShiftX == 1 ? string.Empty : "s")} right") +
        (ShiftY == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" and {ShiftY} down"));

    /// <summary>Fine-tuning samples per digit.</summary>
    public const int SamplesPerClass = 5;

    /// <summary>Cross-validation folds over the fine-tuning samples.</summary>
    public const int Folds = 5;

    /// <summary>Epochs of pre-training (Adam, lr <see cref="TrainConfig.AdamLearningRate"/>, no decay).</summary>
    public const int PreTrainEpochs = 30;

    /// <summary>Epochs of fine-tuning.</summary>
    public const int FineTuneEpochs = 30;

    /// <summary>Runs the experiment on <paramref name="data"/>; deterministic in <paramref name="seed"/>.</summary>
    public static FineTuneResult Run(IReadOnlyList<Digit> data, int seed, IReadOnlyList<FineTuneArm> arms)
    {
        ArgumentNullException.ThrowIfNull(arms);
        FineTuneSplit split = FineTuneSplit.Make(data, SamplesPerClass, Experiment.Seed(seed, 41));
        Digit[] preTrain = FineTuneSplit.View(data, split.PreTrain, 0, 0);
        Digit[] oldTest = FineTuneSplit.View(data, split.OldTest, 0, 0);
        Digit[] fineTune = FineTuneSplit.View(data, split.FineTune, ShiftX, ShiftY);
        Digit[] newTest = FineTuneSplit.View(data, split.NewTest, ShiftX, ShiftY);

        DigitsMlp preTrained = Trainer.Train(preTrain, new TrainConfig(OptimizerKind.Adam, 0f, PreTrainEpochs, Experiment.Seed(seed, 42)));
        Fold[] folds = CrossValidation.KFold(fineTune.Length, Folds, Experiment.Seed(seed, 43));
        int tuneSeed = Experiment.Seed(seed, 44);

        // Every (arm, λ): the k fold runs, then one run on all fine-tuning samples.
        var jobs = (from a in Enumerable.Range(0, arms.Count)
                    from lambda in arms[a].Grid
                    select (Arm: a, Lambda: lambda)).ToArray();
        var points = new FineTunePoint[jobs.Length];
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, j =>
        {
            FineTuneArm arm = arms[jobs[j].Arm];
            float lambda = jobs[j].Lambda;
            double loss = folds.Average(fold =>
            {
                IDigitsClassifier model = FineTune(preTrained, arm, lambda, CrossValidation.Select(fineTune, fold.Train), tuneSeed);
                return Trainer.Evaluate(model, CrossValidation.Select(fineTune, fold.Validation)).Loss;
            });
            IDigitsClassifier tuned = FineTune(preTrained, arm, lambda, fineTune, tuneSeed);
            points[j] = new FineTunePoint(lambda, loss, Trainer.Evaluate(tuned, newTest), Trainer.Evaluate(tuned, oldTest));
        });

        FineTuneArmResult[] results = arms.Select((arm, a) =>
        {
            FineTunePoint[] path = Enumerable.Range(0, jobs.Length).Where(j => jobs[j].Arm == a).Select(j => points[j]).ToArray();
            return new FineTuneArmResult(arm.Name, path, path.MinBy(p => p.CrossValidatedLoss)!);
        }).ToArray();
        return new FineTuneResult(split, Trainer.Evaluate(preTrained, newTest), Trainer.Evaluate(preTrained, oldTest), results);
    }

    /// <summary>
    /// A copy of <paramref name="preTrained"/>, in the arm's layout, fine-tuned on <paramref name="samples"/>
    /// by <paramref name="arm"/> at <paramref name="lambda"/>.
    /// </summary>
    public static IDigitsClassifier FineTune(DigitsMlp preTrained, FineTuneArm arm, float lambda, IReadOnlyList<Digit> samples, int seed)
    {
        ArgumentNullException.ThrowIfNull(preTrained);
        ArgumentNullException.ThrowIfNull(arm);
        IDigitsClassifier model = arm.CreateModel();
        model.CopyParametersFrom(preTrained.Parameters);
        Trainer.Fit(model, arm.CreateOptimizer(model, lambda), samples, FineTuneEpochs, new Random(seed));
        return model;
    }
}
