using ScottPlot;
using SkiaSharp;

namespace WeightDecay.Edge.Demo;

/// <summary>
/// Writes the demo's figures as SVG: a single ScottPlot <see cref="Plot"/> with its own SVG export, and
/// panels side by side (a <see cref="Multiplot"/>) drawn on SkiaSharp's SVG canvas. Text stays text and
/// lines stay vectors; a heatmap is embedded as one small PNG.
/// </summary>
internal static class Svg
{
    /// <summary>Writes <paramref name="plot"/> to <paramref name="path"/>, <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public static string Save(Plot plot, string path, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.SaveSvg(path, width, height);
        return path;
    }

    /// <summary>Writes <paramref name="plots"/> side by side, each <paramref name="panelWidth"/> x <paramref name="height"/> pixels.</summary>
    public static string SaveSideBySide(IReadOnlyList<Plot> plots, string path, int panelWidth, int height)
    {
        ArgumentNullException.ThrowIfNull(plots);
        var multiplot = new Multiplot();
        foreach (Plot own in multiplot.GetPlots())
        {
            multiplot.RemovePlot(own);
        }

        foreach (Plot plot in plots)
        {
            multiplot.AddPlot(plot);
        }

        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        int width = panelWidth * plots.Count;
        using (FileStream file = File.Create(path))
        using (SKCanvas canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), file))
        {
            canvas.Clear(SKColors.White);
            multiplot.Render(canvas, new PixelRect(0, width, height, 0));
        }

        return path;
    }
}
