using System.Globalization;
using System.Text;

namespace WeightDecay.Edge.Demo;

/// <summary>L1 against L2: the table (console) and <c>sparsity.csv</c>.</summary>
internal static class SparsityReport
{
    public static void Print(SparsityResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"L1 vs L2 on HiddenWeight ({DigitsMlp.HiddenWeightLength:N0} weights): SGD lr {TrainConfig.SgdLearningRate} momentum {TrainConfig.SgdMomentum}, same start and batches; L2 λ = {Report.Lambda(result.L2Lambda)} ({(result.L2CrossValidated is null ? "fixed: SGD was not swept" : "the sweep's SGD choice")}), on both weight matrices; proximal L1 on HiddenWeight only, no weight decay"));
        output.WriteLine("  λ₁         CV val loss  CV val acc   zeros");
        foreach (L1SweepPoint p in result.Sweep)
        {
            string mark = ReferenceEquals(p, result.Chosen) ? "  <- lowest CV val loss" : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Report.Lambda(p.Lambda1),-10} {p.ValidationLoss,11:F4} {p.ValidationAccuracy,11:P1} {p.ZeroFraction,7:P1}{mark}"));
        }

        output.WriteLine("  run                 λ        CV val loss  held-out acc  held-out loss  exact zeros     0 < |w| < 0.01  ‖HiddenWeight‖₂");
        foreach (SparsityRun run in new[] { result.NoDecay, result.L2, result.L1 })
        {
            string cv = run == result.L1 ? result.Chosen.ValidationLoss.ToString("F4", CultureInfo.InvariantCulture) : run == result.L2 && result.L2CrossValidated is { } l2 ? l2.ValidationLoss.ToString("F4", CultureInfo.InvariantCulture) : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {run.Name,-19} {Report.Lambda(run.Lambda),-8} {cv,11} {run.HeldOut.Accuracy,13:P1} {run.HeldOut.Loss,14:F4} {run.Zeros,5} ({run.ZeroFraction,6:P1}) {run.NearZero,9} {run.HiddenNorm,15:F2}"));
        }
    }

    /// <summary>The λ₁ sweep (kind cv) and the three runs (kind run: no decay, L2, L1; chosen marks the two compared), as CSV.</summary>
    public static string Csv(SparsityResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder("kind,regulariser,lambda,cv_val_loss,cv_val_accuracy,heldout_accuracy,heldout_loss,hidden_zeros,hidden_zero_fraction,hidden_near_zero,hidden_l2_norm,chosen\n");
        foreach (L1SweepPoint p in result.Sweep)
        {
            csv.Append(CultureInfo.InvariantCulture, $"cv,L1,{p.Lambda1:R},{p.ValidationLoss:R},{p.ValidationAccuracy:R},,,,{p.ZeroFraction:R},,,{(ReferenceEquals(p, result.Chosen) ? 1 : 0)}\n");
        }

        string cvL2 = result.L2CrossValidated is { } l2 ? string.Create(CultureInfo.InvariantCulture, $"{l2.ValidationLoss:R},{l2.ValidationAccuracy:R}") : ",";
        string cvL1 = string.Create(CultureInfo.InvariantCulture, $"{result.Chosen.ValidationLoss:R},{result.Chosen.ValidationAccuracy:R}");
        foreach ((SparsityRun run, string kind, string cv) in new[] { (result.NoDecay, "none", ","), (result.L2, "L2", cvL2), (result.L1, "L1", cvL1) })
        {
            csv.Append(CultureInfo.InvariantCulture, $"run,{kind},{run.Lambda:R},{cv},{run.HeldOut.Accuracy:R},{run.HeldOut.Loss:R},{run.Zeros},{run.ZeroFraction:R},{run.NearZero},{run.HiddenNorm:R},{(kind == "none" ? 0 : 1)}\n");
        }

        return csv.ToString();
    }
}
