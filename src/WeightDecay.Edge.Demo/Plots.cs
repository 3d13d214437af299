using System.Globalization;
using ScottPlot;

namespace WeightDecay.Edge.Demo;

/// <summary>
/// The demo's figures, drawn with ScottPlot 5 and written as SVG (<see cref="Svg"/>; no dashed lines: SkiaSharp's
/// SVG canvas warns on stderr for every dash pattern): the λ sweeps, one
/// panel per optimizer; the training curves, one panel per configuration; the two-moons decision regions
/// (<see cref="BoundaryPlot"/>); fine-tuning's new-task against old-task accuracy (<see cref="FineTunePlot"/>); and the hidden weights' histograms after L2 and after L1 (<see cref="SparsityPlot"/>).
/// </summary>
internal static class Plots
{
    /// <summary>Height of every figure, in pixels.</summary>
    public const int Height = 480;

    /// <summary>Width of one panel, in pixels.</summary>
    public const int PanelWidth = 420;

    /// <summary>The files <see cref="WriteAll"/> writes, in order.</summary>
    public static readonly string[] FileNames =
    [
        "lambda_sweep_loss.svg",
        "lambda_sweep_accuracy.svg",
        "training_curves_loss.svg",
        "training_curves_accuracy.svg",
        "decision_regions.svg",
        "fine_tuning.svg",
        "weight_histograms.svg",
    ];

    /// <summary>The colour of each optimizer, shared by all figures.</summary>
    public static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>Writes every figure into <paramref name="directory"/> and returns the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(ExperimentResult result, BoundaryResult boundaries, FineTuneResult fineTuning, SparsityResult sparsity, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        string Path(int i) => System.IO.Path.Combine(directory, FileNames[i]);
        return
        [
            Svg.SaveSideBySide(result.Sweeps.Select(s => SweepPanel(result, s, loss: true)).ToArray(), Path(0), PanelWidth, Height),
            Svg.SaveSideBySide(result.Sweeps.Select(s => SweepPanel(result, s, loss: false)).ToArray(), Path(1), PanelWidth, Height),
            Svg.SaveSideBySide(CurvePanels(result, loss: true), Path(2), PanelWidth * 3 / 4, Height),
            Svg.SaveSideBySide(CurvePanels(result, loss: false), Path(3), PanelWidth * 3 / 4, Height),
            Svg.SaveSideBySide(BoundaryPlot.Panels(boundaries), Path(4), PanelWidth, PanelWidth),
            Svg.Save(FineTunePlot.Plot(fineTuning), Path(5), PanelWidth * 2, Height),
            Svg.SaveSideBySide(SparsityPlot.Panels(sparsity), Path(6), PanelWidth * 3 / 2, Height),
        ];
    }

    /// <summary>
    /// Where λ goes on a sweep's x axis: log10 λ, and λ = 0 one grid step left of the smallest positive λ
    /// (labelled 0), so the axis spans the grid and nothing else.
    /// </summary>
    public static Func<float, double> LambdaAxis(IReadOnlyList<float> grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        double[] logs = grid.Where(l => l > 0).Select(l => Math.Log10(l)).Order().ToArray();
        double step = logs.Length > 1 ? (logs[^1] - logs[0]) / (logs.Length - 1) : 1;
        double zeroAt = (logs.Length > 0 ? logs[0] : 0) - step;
        return lambda => lambda > 0 ? Math.Log10(lambda) : zeroAt;
    }

    /// <summary>
    /// One optimizer's sweep on linear y: cross-validated validation loss (or accuracy) ±1 sd over the folds,
    /// the training folds pale with open markers, the chosen λ marked by a vertical line. The loss axis stops at twice the
    /// chosen λ's loss so the floor of the U fills the panel; values above it are drawn at the top edge and labelled.
    /// </summary>
    private static Plot SweepPanel(ExperimentResult result, Sweep sweep, bool loss)
    {
        var plot = new Plot();
        Color color = Palette.GetColor((int)sweep.Optimizer);
        Func<float, double> x = LambdaAxis(sweep.Points.Select(p => p.Lambda).ToArray());
        double[] xs = sweep.Points.Select(p => x(p.Lambda)).ToArray();
        double[] validation = sweep.Points.Select(p => loss ? p.ValidationLoss : p.ValidationAccuracy * 100).ToArray();
        double[] spread = sweep.Points.Select(p => loss ? p.ValidationLossSpread : p.ValidationAccuracySpread * 100).ToArray();
        double[] train = sweep.Points.Select(p => loss ? p.TrainLoss : p.TrainAccuracy * 100).ToArray();
        SweepPoint best = sweep.Best;
        double top = loss ? Math.Ceiling(2 * best.ValidationLoss * 10) / 10 : 101;
        double bottom = loss ? 0 : Math.Max(0, Math.Floor((validation.Min() - spread.Max() - 2) / 10) * 10);
        double Clip(double v) => Math.Min(v, top);

        var bars = plot.Add.ErrorBar(xs, validation.Select(Clip).ToArray(), spread.Select((s, i) => validation[i] > top ? 0 : s).ToArray());
        bars.Color = color.WithOpacity(0.6);
        var line = plot.Add.Scatter(xs, validation.Select(Clip).ToArray(), color);
        line.LineWidth = 2;
        line.MarkerSize = 7;
        line.LegendText = "validation folds (±1 sd)";
        var trainLine = plot.Add.Scatter(xs, train.Select(Clip).ToArray(), color.WithOpacity(0.5));
        trainLine.LineWidth = 1;
        trainLine.MarkerShape = MarkerShape.OpenCircle;
        trainLine.MarkerSize = 5;
        trainLine.LegendText = "training folds";
        for (int i = 0; i < xs.Length; i++)
        {
            if (validation[i] > top)
            {
                var off = plot.Add.Text(validation[i].ToString("F2", CultureInfo.InvariantCulture) + " ↑", xs[i], top);
                off.LabelFontColor = color;
                off.LabelFontSize = 12;
                off.LabelAlignment = Alignment.UpperCenter;
            }
        }

        var chosen = plot.Add.VerticalLine(x(best.Lambda), 1.5f, color, LinePattern.Dotted);
        chosen.LegendText = loss
            ? string.Create(CultureInfo.InvariantCulture, $"chosen λ = {Report.Lambda(best.Lambda)} (loss {best.ValidationLoss:F3})")
            : string.Create(CultureInfo.InvariantCulture, $"chosen λ = {Report.Lambda(best.Lambda)} ({best.ValidationAccuracy:P1})");

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            sweep.Points.Select(p => new Tick(x(p.Lambda), Report.Lambda(p.Lambda), true)).ToArray());
        plot.Axes.SetLimits(xs.Min() - 0.3, xs.Max() + 0.3, bottom, top);
        plot.XLabel("λ (torch weight_decay, log-spaced)");
        plot.YLabel(loss ? "mean cross-entropy" : "accuracy (%)");
        plot.Title($"{Report.OptimizerName(sweep.Optimizer)}, {result.Options.Folds}-fold CV");
        plot.ShowLegend(loss ? Alignment.UpperLeft : Alignment.LowerLeft);
        return plot;
    }

    /// <summary>
    /// One panel per final run, all on the same axes: held-out bold, training thin and pale, the run's colour
    /// (black and grey without decay). Loss on a log scale.
    /// </summary>
    private static Plot[] CurvePanels(ExperimentResult result, bool loss)
    {
        double Y(Evaluation e) => loss ? Math.Log10(e.Loss) : e.Accuracy * 100;
        double[] all = result.Finals.SelectMany(r => r.Curve).SelectMany(e => new[] { Y(e.Train), Y(e.Validation) }).ToArray();
        double low = loss ? Math.Floor(all.Min()) : Math.Floor(all.Min() / 10) * 10;
        double high = loss ? Math.Ceiling(all.Max()) : 101;
        var panels = new Plot[result.Finals.Length];
        for (int i = 0; i < panels.Length; i++)
        {
            FinalRun run = result.Finals[i];
            var plot = new Plot();
            Color color = CurveColor(run);
            double[] epochs = run.Curve.Select(e => (double)e.Epoch).ToArray();
            var heldOut = plot.Add.ScatterLine(epochs, run.Curve.Select(e => Y(e.Validation)).ToArray(), color);
            heldOut.LineWidth = 2;
            heldOut.LegendText = "held-out";
            var train = plot.Add.ScatterLine(epochs, run.Curve.Select(e => Y(e.Train)).ToArray(), color.WithOpacity(0.45));
            train.LineWidth = 1;
            train.LegendText = "training";
            plot.Axes.SetLimits(0, epochs.Max() + 1, low, high);
            if (loss)
            {
                UseLogScale(plot);
            }

            plot.Title(string.Create(CultureInfo.InvariantCulture, $"{run.Name}, λ = {Report.Lambda(run.Lambda)}"));
            plot.XLabel(loss
                ? string.Create(CultureInfo.InvariantCulture, $"epoch (held-out {run.HeldOut.Loss:F3})")
                : string.Create(CultureInfo.InvariantCulture, $"epoch (held-out {run.HeldOut.Accuracy:P1})"));
            if (i == 0)
            {
                plot.YLabel(loss ? "mean cross-entropy (log scale)" : "accuracy (%)");
                plot.ShowLegend(loss ? Alignment.LowerLeft : Alignment.LowerRight);
            }
            else
            {
                plot.HideLegend(); // the first panel's legend says it for all
            }

            panels[i] = plot;
        }

        return panels;
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
}
