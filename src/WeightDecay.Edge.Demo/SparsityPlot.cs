using System.Globalization;
using ScottPlot;

namespace WeightDecay.Edge.Demo;

/// <summary>
/// L1 against L2: histograms of the hidden layer's 2,048 weights after each run, side by side on the same axes. The
/// exact zeros are one black bar at 0, labelled with their count and fraction; the other weights are bars in the
/// run's colour, in bins centred on 0 (so weights near zero but not zero sit in the bar behind the black one). The
/// grey outline in both panels is the run without decay, the shape both start from. The axis spans the central 99% of
/// the weights of all three runs; the few beyond are counted in the outer bins.
/// </summary>
internal static class SparsityPlot
{
    /// <summary>Bins each side of the centre bin.</summary>
    public const int HalfBins = 25;

    /// <summary>The two panels: the L2 run, then the L1 run.</summary>
    public static Plot[] Panels(SparsityResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        double[] magnitudes = new[] { result.NoDecay, result.L2, result.L1 }.SelectMany(r => r.HiddenWeight).Select(w => (double)Math.Abs(w)).Order().ToArray();
        double limit = Math.Max(magnitudes[(int)(0.99 * (magnitudes.Length - 1))], 1e-6);
        double width = limit / (HalfBins + 0.5);
        WeightHistogram reference = WeightHistogram.Make(result.NoDecay.HiddenWeight, width, HalfBins);
        (SparsityRun Run, WeightHistogram Histogram, Color Color)[] panels =
        [
            (result.L2, WeightHistogram.Make(result.L2.HiddenWeight, width, HalfBins), Plots.Palette.GetColor(0)),
            (result.L1, WeightHistogram.Make(result.L1.HiddenWeight, width, HalfBins), Plots.Palette.GetColor(3)),
        ];
        double top = panels.Max(p => Math.Max(p.Histogram.Zeros, p.Histogram.Counts.Max())) * 1.12;
        return panels.Select(p => Panel(result.NoDecay, reference, p.Run, p.Histogram, p.Color, limit, top)).ToArray();
    }

    private static Plot Panel(SparsityRun noDecay, WeightHistogram reference, SparsityRun run, WeightHistogram histogram, Color color, double limit, double top)
    {
        var plot = new Plot();
        double w = histogram.BinWidth;
        var bars = new List<Bar>();
        for (int b = 0; b < histogram.Counts.Length; b++)
        {
            bars.Add(new Bar { Position = histogram.Centre(b), Value = histogram.Counts[b], Size = w * 0.9, FillColor = color, LineWidth = 0 });
        }

        var nonzero = plot.Add.Bars(bars);
        nonzero.LegendText = "nonzero weights";
        var zeros = plot.Add.Bars(new[] { new Bar { Position = 0, Value = histogram.Zeros, Size = w * 0.5, FillColor = Colors.Black, LineWidth = 0 } });
        zeros.LegendText = "exactly 0";

        // The run without decay as a step outline over its bins.
        var xs = new List<double>();
        var ys = new List<double>();
        for (int b = 0; b < reference.Counts.Length; b++)
        {
            xs.Add(reference.Centre(b) - (w / 2));
            ys.Add(reference.Counts[b] + (b == reference.Half ? reference.Zeros : 0));
            xs.Add(reference.Centre(b) + (w / 2));
            ys.Add(ys[^1]);
        }

        var outline = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), Colors.Gray);
        outline.LineWidth = 1.5f;
        outline.LegendText = string.Create(CultureInfo.InvariantCulture, $"no decay (‖w‖₂ = {noDecay.HiddenNorm:F2})");

        var label = plot.Add.Text(string.Create(CultureInfo.InvariantCulture, $"exactly 0: {run.Zeros:N0} of {run.HiddenWeight.Length:N0} ({run.ZeroFraction:P1})"), w, Math.Max(histogram.Zeros, histogram.Counts[histogram.Half]) + (top * 0.01));
        label.LabelFontSize = 13;
        label.LabelBold = true;
        label.LabelAlignment = Alignment.LowerLeft;
        plot.Axes.SetLimits(-limit - w, limit + w, 0, top);
        bool l1 = run.Name.Contains("L1", StringComparison.Ordinal);
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"{run.Name}, λ{(l1 ? "₁" : string.Empty)} = {Report.Lambda(run.Lambda)}: ‖w‖₂ = {run.HiddenNorm:F2}, held-out {run.HeldOut.Accuracy:P1}"));
        plot.XLabel(string.Create(CultureInfo.InvariantCulture, $"HiddenWeight (bins of {w:G2}; outer bins: the 1% beyond)"));
        plot.YLabel("weights per bin");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }
}
