using System.Globalization;
using ScottPlot;

namespace WeightDecay.Edge.Demo;

/// <summary>
/// Fine-tuning's trade-off: accuracy on the new task (shifted digits) against accuracy kept on the old one
/// (unshifted digits). The pre-trained model is a black star; each arm is a line through its λ values,
/// labelled, with the λ cross-validation chose drawn large. Up is learning, right is remembering.
/// </summary>
internal static class FineTunePlot
{
    /// <summary>The figure for <paramref name="result"/>; one colour per arm, in order.</summary>
    public static Plot Plot(FineTuneResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        var start = plot.Add.Marker(result.PreTrainedOldTask.Accuracy * 100, result.PreTrainedNewTask.Accuracy * 100, MarkerShape.FilledDiamond, 14, Colors.Black);
        start.LegendText = string.Create(CultureInfo.InvariantCulture, $"pre-trained (old {result.PreTrainedOldTask.Accuracy:P1}, new {result.PreTrainedNewTask.Accuracy:P1})");
        for (int a = 0; a < result.Arms.Length; a++)
        {
            FineTuneArmResult arm = result.Arms[a];
            Color color = Plots.Palette.GetColor(a + 3);
            double[] xs = arm.Path.Select(p => p.OldTask.Accuracy * 100).ToArray();
            double[] ys = arm.Path.Select(p => p.NewTask.Accuracy * 100).ToArray();
            if (arm.Path.Length > 1)
            {
                var path = plot.Add.Scatter(xs, ys, color);
                path.LineWidth = 1.5f;
                path.MarkerSize = 5;
                // One label per cluster: λ values whose points lie within 2 points of accuracy of each other share
                // it. λ = 0 is left out (it is the no-decay point, named in the legend). Odd arms label above
                // and to the left of their points, even arms below and to the right, so two paths' labels do not meet.
                bool above = (a % 2) == 1;
                for (int first = 0; first < xs.Length;)
                {
                    int last = first;
                    while (last + 1 < xs.Length && Math.Abs(xs[last + 1] - xs[first]) < 2 && Math.Abs(ys[last + 1] - ys[first]) < 2)
                    {
                        last++;
                    }

                    int labelled = arm.Path[first].Lambda == 0 && last > first ? first + 1 : first;
                    if (arm.Path[labelled].Lambda != 0)
                    {
                        string text = "λ = " + Report.Lambda(arm.Path[labelled].Lambda) + (last > labelled ? " to " + Report.Lambda(arm.Path[last].Lambda) : string.Empty);
                        var label = plot.Add.Text(text, xs[first], ys[first]);
                        label.LabelFontColor = color;
                        label.LabelFontSize = 11;
                        label.LabelAlignment = above ? Alignment.LowerRight : Alignment.UpperLeft;
                        label.OffsetX = above ? -6 : 6;
                        label.OffsetY = above ? -4 : 4;
                    }

                    first = last + 1;
                }
            }

            FineTunePoint chosen = arm.Chosen;
            var marker = plot.Add.Marker(chosen.OldTask.Accuracy * 100, chosen.NewTask.Accuracy * 100, MarkerShape.FilledCircle, 14, color);
            marker.LegendText = string.Create(CultureInfo.InvariantCulture, $"{arm.Name}, λ = {Report.Lambda(chosen.Lambda)} by CV (old {chosen.OldTask.Accuracy:P1}, new {chosen.NewTask.Accuracy:P1})");
        }

        plot.Axes.SetLimits(0, 100, 0, 100);
        plot.XLabel("old task kept: accuracy on unshifted test digits (%)");
        plot.YLabel("new task: accuracy on shifted test digits (%)");
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Fine-tuning on {result.Split.FineTune.Length} digits shifted {FineTuning.ShiftText}: learning against forgetting"));
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }
}
