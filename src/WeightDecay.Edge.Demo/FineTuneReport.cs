using System.Globalization;
using System.Text;

namespace WeightDecay.Edge.Demo;

/// <summary>The fine-tuning experiment's table (console) and <c>finetune.csv</c>.</summary>
internal static class FineTuneReport
{
    /// <summary>Prints each arm's λ path, marking the λ cross-validation chose.</summary>
    public static void Print(FineTuneResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        FineTuneSplit s = result.Split;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Fine-tuning: pre-trained on {s.PreTrain.Length} unshifted digits (Adam, {FineTuning.PreTrainEpochs} epochs), fine-tuned on {s.FineTune.Length} digits shifted {FineTuning.ShiftText} (SGD lr {FineTuneArm.LearningRate}, momentum {TrainConfig.SgdMomentum}, {FineTuning.FineTuneEpochs} epochs), λ by {FineTuning.Folds}-fold cross-validation on those {s.FineTune.Length}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  new task: {s.NewTest.Length} shifted test digits; old task: {s.OldTest.Length} unshifted test digits; pre-trained model: new {result.PreTrainedNewTask.Accuracy:P1}, old {result.PreTrainedOldTask.Accuracy:P1}"));
        output.WriteLine("  arm                        λ          CV loss   new-task acc  old-task acc");
        foreach (FineTuneArmResult arm in result.Arms)
        {
            foreach (FineTunePoint p in arm.Path)
            {
                string mark = ReferenceEquals(p, arm.Chosen) ? "  <- chosen" : string.Empty;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {arm.Name,-26} {Report.Lambda(p.Lambda),-10} {p.CrossValidatedLoss,8:F4} {p.NewTask.Accuracy,14:P1} {p.OldTask.Accuracy,13:P1}{mark}"));
            }
        }
    }

    /// <summary>One row per arm and λ, as CSV.</summary>
    public static string Csv(FineTuneResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder("arm,lambda,cv_loss,new_task_accuracy,old_task_accuracy,chosen\n");
        csv.Append(CultureInfo.InvariantCulture, $"pre-trained,,,{result.PreTrainedNewTask.Accuracy:R},{result.PreTrainedOldTask.Accuracy:R},0\n");
        foreach (FineTuneArmResult arm in result.Arms)
        {
            foreach (FineTunePoint p in arm.Path)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{arm.Name},{p.Lambda:R},{p.CrossValidatedLoss:R},{p.NewTask.Accuracy:R},{p.OldTask.Accuracy:R},{(ReferenceEquals(p, arm.Chosen) ? 1 : 0)}\n");
            }
        }

        return csv.ToString();
    }
}
