using System.Globalization;
using ScottPlot;

namespace WeightDecay.Edge.Demo;

/// <summary>
/// The two-moons decision regions, one panel per classifier: the probability of class 1 shaded from blue
/// (class 0) through white (the boundary, p = 0.5) to orange (class 1), the training points on top (circles;
/// a cross marks a point whose label was flipped), train and validation accuracy in the title.
/// </summary>
internal static class BoundaryPlot
{
    /// <summary>The panels, in the order of <see cref="BoundaryResult.Shown"/>.</summary>
    public static Plot[] Panels(BoundaryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Shown.Select(run => Panel(result, run)).ToArray();
    }

    private static Plot Panel(BoundaryResult result, BoundaryRun run)
    {
        var plot = new Plot();
        DecisionGrid grid = run.Grid;
        var heatmap = plot.Add.Heatmap(grid.Probability);
        heatmap.Colormap = new TwoClassColormap();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.Extent = new CoordinateRect(grid.XMin, grid.XMax, grid.YMin, grid.YMax);
        heatmap.FlipVertically = true; // DecisionGrid's row 0 is the bottom.
        for (int label = 0; label < 2; label++)
        {
            Color color = label == 0 ? TwoClassColormap.Class0 : TwoClassColormap.Class1;
            ToyPoint[] mine = result.Train.Where(p => p.Label == label).ToArray();
            var markers = plot.Add.Markers(mine.Select(p => (double)p.Input[0]).ToArray(), mine.Select(p => (double)p.Input[1]).ToArray(), MarkerShape.FilledCircle, 6, color);
            markers.LegendText = $"class {label}";
            ToyPoint[] flipped = mine.Where(p => p.Flipped).ToArray();
            if (flipped.Length > 0)
            {
                plot.Add.Markers(flipped.Select(p => (double)p.Input[0]).ToArray(), flipped.Select(p => (double)p.Input[1]).ToArray(), MarkerShape.Eks, 9, Colors.Black);
            }
        }

        BoundaryPoint p = run.Point;
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"{run.Name}: λ = {Report.Lambda(p.Lambda)}"));
        plot.XLabel(string.Create(CultureInfo.InvariantCulture, $"train {p.Train.Accuracy:P0}, validation {p.Validation.Accuracy:P1} (loss {p.Validation.Loss:F3})"));
        plot.Axes.SetLimits(grid.XMin, grid.XMax, grid.YMin, grid.YMax);
        return plot;
    }

    /// <summary>Blue for class 0, white at p = 0.5, orange for class 1, both pale so the points stand out.</summary>
    private sealed class TwoClassColormap : IColormap
    {
        public static readonly Color Class0 = Palette(0);
        public static readonly Color Class1 = Palette(1);

        public string Name => "two classes";

        public Color GetColor(double normalizedIntensity)
        {
            double t = Math.Clamp(normalizedIntensity, 0, 1);
            Color end = t < 0.5 ? Class0 : Class1;
            double strength = Math.Abs(t - 0.5) * 2 * 0.45; // at most 45% of the class colour over white
            return new Color(Mix(end.R, strength), Mix(end.G, strength), Mix(end.B, strength));
        }

        private static byte Mix(byte value, double strength) => (byte)Math.Round(255 + ((value - 255) * strength));

        private static Color Palette(int i) => Plots.Palette.GetColor(i);
    }
}
