using System.Globalization;
using ScottPlot;

namespace WeightDecay.Edge.Demo;

/// <summary>
/// The demo's figures, drawn with ScottPlot 5 (SkiaSharp underneath) as PNG files:
/// cross-validated loss and accuracy against λ, and the training curves of the final runs.
/// Losses are drawn on a log scale so both the U's floor and its walls are visible.
/// </summary>
internal static class Plots
{
    public const int Width = 900;
    public const int Height = 560;

    public static readonly string[] FileNames =
    [
        "lambda_sweep_loss.png",
        "lambda_sweep_accuracy.png",
        "training_curves_loss.png",
        "training_curves_accuracy.png",
    ];

    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>Writes every figure into <paramref name="directory"/> and returns the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(ExperimentResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        var written = new List<string>();
        written.Add(Save(SweepPlot(result, loss: true), directory, FileNames[0]));
        written.Add(Save(SweepPlot(result, loss: false), directory, FileNames[1]));
        written.Add(Save(CurvePlot(result, loss: true), directory, FileNames[2]));
        written.Add(Save(CurvePlot(result, loss: false), directory, FileNames[3]));
        return written;
    }

    private static Plot SweepPlot(ExperimentResult result, bool loss)
    {
        var plot = new Plot();
        float[] positive = result.Sweeps.SelectMany(s => s.Points).Select(p => p.Lambda).Where(l => l > 0).ToArray();
        double low = positive.Length > 0 ? Math.Floor(Math.Log10(positive.Min())) : -4;
        double high = positive.Length > 0 ? Math.Ceiling(Math.Log10(positive.Max())) : 0;
        double zeroAt = low - 1; // λ = 0 has no logarithm: it is drawn one decade left of the smallest λ, labelled 0.
        double X(float lambda) => lambda > 0 ? Math.Log10(lambda) : zeroAt;

        for (int i = 0; i < result.Sweeps.Length; i++)
        {
            Sweep sweep = result.Sweeps[i];
            Color color = Palette.GetColor((int)sweep.Optimizer);
            double[] xs = sweep.Points.Select(p => X(p.Lambda)).ToArray();
            double[] validation = sweep.Points.Select(p => loss ? Math.Log10(p.ValidationLoss) : p.ValidationAccuracy * 100).ToArray();
            double[] train = sweep.Points.Select(p => loss ? Math.Log10(p.TrainLoss) : p.TrainAccuracy * 100).ToArray();

            if (!loss)
            {
                double[] spread = sweep.Points.Select(p => p.ValidationAccuracySpread * 100).ToArray();
                var bars = plot.Add.ErrorBar(xs, validation, spread);
                bars.Color = color;
            }

            var line = plot.Add.Scatter(xs, validation, color);
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.LegendText = $"{Report.OptimizerName(sweep.Optimizer)}: CV validation";
            var trainLine = plot.Add.Scatter(xs, train, color);
            trainLine.LinePattern = LinePattern.Dashed;
            trainLine.MarkerSize = 4;
            trainLine.LegendText = $"{Report.OptimizerName(sweep.Optimizer)}: CV train";

            SweepPoint best = sweep.Best;
            var chosen = plot.Add.Marker(X(best.Lambda), loss ? Math.Log10(best.ValidationLoss) : best.ValidationAccuracy * 100, MarkerShape.OpenCircle, 18, color);
            chosen.LineWidth = 2;
        }

        var ticks = new List<Tick> { new(zeroAt, "0", true) };
        for (double d = low; d <= high; d++)
        {
            ticks.Add(new Tick(d, "1e" + d.ToString(CultureInfo.InvariantCulture), true));
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.SetLimitsX(zeroAt - 0.3, high + 0.3);
        plot.XLabel("λ (torch weight_decay, log scale; 0 at left)");
        if (loss)
        {
            UseLogScale(plot);
            plot.YLabel("mean cross-entropy (log scale)");
            plot.Title($"Cross-validated loss against λ ({result.Options.Folds} folds of {result.TrainCount} digits); circled: chosen λ");
        }
        else
        {
            plot.YLabel("accuracy (%)");
            plot.Title($"Cross-validated accuracy against λ (±1 sd over {result.Options.Folds} folds); circled: chosen λ");
        }

        plot.ShowLegend(loss ? Alignment.UpperLeft : Alignment.LowerLeft);
        return plot;
    }

    private static Plot CurvePlot(ExperimentResult result, bool loss)
    {
        var plot = new Plot();
        for (int i = 0; i < result.Finals.Length; i++)
        {
            FinalRun run = result.Finals[i];
            Color color = CurveColor(run);
            double[] epochs = run.Curve.Select(e => (double)e.Epoch).ToArray();
            double[] heldOut = run.Curve.Select(e => loss ? Math.Log10(e.Validation.Loss) : e.Validation.Accuracy * 100).ToArray();
            double[] train = run.Curve.Select(e => loss ? Math.Log10(e.Train.Loss) : e.Train.Accuracy * 100).ToArray();
            string name = $"{run.Name} (λ={Report.Lambda(run.Lambda)})";

            var line = plot.Add.ScatterLine(epochs, heldOut, color);
            line.LineWidth = 2;
            line.LegendText = $"{name}: held-out";
            var trainLine = plot.Add.ScatterLine(epochs, train, color);
            trainLine.LinePattern = LinePattern.Dashed;
            trainLine.LegendText = $"{name}: train";
        }

        plot.XLabel("epoch");
        if (loss)
        {
            UseLogScale(plot);
            plot.YLabel("mean cross-entropy (log scale)");
            plot.Title($"Training curves: {result.TrainCount} training digits, {result.HeldOutCount} held out");
        }
        else
        {
            plot.YLabel("accuracy (%)");
            plot.Title($"Accuracy during training: {result.TrainCount} training digits, {result.HeldOutCount} held out");
        }

        plot.ShowLegend(ScottPlot.Edge.Right);
        return plot;
    }

    /// <summary>The sweep's colour for each decayed optimizer; black and grey for the runs without decay.</summary>
    private static Color CurveColor(FinalRun run) => run.Chosen is null
        ? (run.Optimizer == OptimizerKind.Sgd ? Colors.Black : Colors.Gray)
        : Palette.GetColor((int)run.Optimizer);

    /// <summary>ScottPlot's recipe for a log axis: plot log10(y), tick at powers of ten with log-spaced minor ticks.</summary>
    private static void UseLogScale(Plot plot)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("G3", CultureInfo.InvariantCulture),
        };
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.15);
        plot.Grid.MinorLineColor = Colors.Black.WithOpacity(0.05);
        plot.Grid.MinorLineWidth = 1;
    }

    private static string Save(Plot plot, string directory, string name)
    {
        string path = Path.Combine(directory, name);
        plot.SavePng(path, name.StartsWith("training", StringComparison.Ordinal) ? Width + 300 : Width, Height);
        return path;
    }
}
