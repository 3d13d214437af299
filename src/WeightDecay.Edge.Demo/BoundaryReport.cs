using System.Globalization;
using System.Text;

namespace WeightDecay.Edge.Demo;

/// <summary>The toy experiment's table (console) and <c>boundaries.csv</c>.</summary>
internal static class BoundaryReport
{
    /// <summary>Prints the λ sweep, marking the chosen λ.</summary>
    public static void Print(BoundaryResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Two moons: {MoonsMlp.InputSize}-32-32-{MoonsMlp.OutputSize} MLP ({MoonsMlp.ParameterCount:N0} parameters), AdamW lr {BoundaryExperiment.LearningRate}, {BoundaryExperiment.Epochs} epochs; {result.Train.Length} training points, {result.Validation.Length} validation points, noise {BoundaryExperiment.Noise}, {BoundaryExperiment.LabelNoise:P0} of labels flipped"));
        output.WriteLine("  λ          train loss  train acc   val loss   val acc");
        foreach (BoundaryPoint p in result.Sweep)
        {
            string mark = ReferenceEquals(p, result.Chosen) ? "  <- lowest validation loss" : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Report.Lambda(p.Lambda),-10} {p.Train.Loss,10:F4} {p.Train.Accuracy,10:P1} {p.Validation.Loss,10:F4} {p.Validation.Accuracy,9:P1}{mark}"));
        }
    }

    /// <summary>One row per λ: the sweep as CSV.</summary>
    public static string Csv(BoundaryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder("lambda,train_loss,train_accuracy,validation_loss,validation_accuracy,chosen\n");
        foreach (BoundaryPoint p in result.Sweep)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{p.Lambda:R},{p.Train.Loss:R},{p.Train.Accuracy:R},{p.Validation.Loss:R},{p.Validation.Accuracy:R},{(ReferenceEquals(p, result.Chosen) ? 1 : 0)}\n");
        }

        return csv.ToString();
    }
}
