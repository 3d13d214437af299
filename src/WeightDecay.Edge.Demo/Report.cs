using System.Globalization;
using System.Text;

namespace WeightDecay.Edge.Demo;

/// <summary>The printed tables and the CSV files beside the plots.</summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string OptimizerName(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Sgd => "SGD + L2 (coupled)",
        OptimizerKind.Adam => "Adam + L2 (coupled)",
        _ => "AdamW (decoupled)",
    };

    /// <summary>λ as the user would type it: 0, 0.0003, 0.01, 3.</summary>
    public static string Lambda(float lambda) => lambda.ToString("G4", Invariant);

    public static void PrintSweeps(ExperimentResult result, TextWriter output)
    {
        foreach (Sweep sweep in result.Sweeps)
        {
            output.WriteLine();
            output.WriteLine($"{OptimizerName(sweep.Optimizer)}: λ sweep, mean over {result.Options.Folds} folds of {result.TrainCount} training samples");
            output.WriteLine("  λ          CV train loss  CV val loss (±sd)   CV val acc (±sd)   ‖w‖₂");
            foreach (SweepPoint p in sweep.Points)
            {
                string mark = ReferenceEquals(p, sweep.Best) ? "  <- lowest CV val loss" : string.Empty;
                output.WriteLine(string.Create(Invariant, $"  {Lambda(p.Lambda),-9}  {p.TrainLoss,13:F4}  {p.ValidationLoss,7:F4} (±{p.ValidationLossSpread:F3})  {p.ValidationAccuracy * 100,6:F1}% (±{p.ValidationAccuracySpread * 100:F1})  {p.WeightNorm,6:F2}{mark}"));
            }
        }
    }

    public static void PrintSummary(ExperimentResult result, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Retrained on all {result.TrainCount} training samples, measured on {result.HeldOutCount} held-out samples ({result.Options.Epochs} epochs, seed {result.Options.Seed}):");
        output.WriteLine();
        output.WriteLine("| configuration   | λ      | train acc | train loss | held-out acc | held-out loss | ‖w‖₂  | (λ/2)·Σw² |");
        output.WriteLine("|-----------------|--------|-----------|------------|--------------|---------------|-------|-----------|");
        foreach (FinalRun run in result.Finals)
        {
            string penalty = run.Penalty is { } value ? value.ToString("F4", Invariant) : "n/a";
            output.WriteLine(string.Create(Invariant, $"| {run.Name,-15} | {Lambda(run.Lambda),-6} | {run.Train.Accuracy * 100,8:F1}% | {run.Train.Loss,10:F4} | {run.HeldOut.Accuracy * 100,11:F1}% | {run.HeldOut.Loss,13:F4} | {run.WeightNorm,5:F2} | {penalty,9} |"));
        }

        output.WriteLine();
        output.WriteLine("λ is torch's weight_decay: SGD and Adam add λ·w to the gradient (the gradient of the penalty (λ/2)·Σw²);");
        output.WriteLine("AdamW multiplies the weights by (1 − lr·λ) each step, which is no penalty under Adam's scaling (n/a).");
        output.WriteLine("‖w‖₂ and Σw² cover the decayed tensors only (HiddenWeight, OutputWeight); the biases are not decayed.");
        output.WriteLine("Each optimizer's λ is the one with the lowest mean cross-validated loss; losses are mean cross-entropy (nats).");
    }

    /// <summary>sweep.csv: one row per optimizer, λ and fold summary.</summary>
    public static string SweepCsv(ExperimentResult result)
    {
        var csv = new StringBuilder("optimizer,lambda,cv_train_loss,cv_train_accuracy,cv_val_loss,cv_val_loss_sd,cv_val_accuracy,cv_val_accuracy_sd,weight_norm,chosen\n");
        foreach (Sweep sweep in result.Sweeps)
        {
            foreach (SweepPoint p in sweep.Points)
            {
                csv.Append(Invariant, $"{sweep.Optimizer},{p.Lambda:R},{p.TrainLoss:F6},{p.TrainAccuracy:F6},{p.ValidationLoss:F6},{p.ValidationLossSpread:F6},{p.ValidationAccuracy:F6},{p.ValidationAccuracySpread:F6},{p.WeightNorm:F6},{(ReferenceEquals(p, sweep.Best) ? 1 : 0)}\n");
            }
        }

        return csv.ToString();
    }

    /// <summary>summary.csv: the final table, plus curves.csv with every epoch of the final runs.</summary>
    public static string SummaryCsv(ExperimentResult result)
    {
        var csv = new StringBuilder("configuration,optimizer,lambda,train_accuracy,train_loss,heldout_accuracy,heldout_loss,weight_norm,l2_penalty_half_lambda\n");
        foreach (FinalRun run in result.Finals)
        {
            csv.Append(Invariant, $"\"{run.Name}\",{run.Optimizer},{run.Lambda:R},{run.Train.Accuracy:F6},{run.Train.Loss:F6},{run.HeldOut.Accuracy:F6},{run.HeldOut.Loss:F6},{run.WeightNorm:F6},{(run.Penalty is { } v ? v.ToString("F6", Invariant) : string.Empty)}\n");
        }

        return csv.ToString();
    }

    public static string CurvesCsv(ExperimentResult result)
    {
        var csv = new StringBuilder("configuration,lambda,epoch,train_loss,train_accuracy,heldout_loss,heldout_accuracy\n");
        foreach (FinalRun run in result.Finals)
        {
            foreach (EpochStats e in run.Curve)
            {
                csv.Append(Invariant, $"\"{run.Name}\",{run.Lambda:R},{e.Epoch},{e.Train.Loss:F6},{e.Train.Accuracy:F6},{e.Validation.Loss:F6},{e.Validation.Accuracy:F6}\n");
            }
        }

        return csv.ToString();
    }
}
