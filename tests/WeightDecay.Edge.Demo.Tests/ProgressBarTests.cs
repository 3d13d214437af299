using System.IO;

namespace WeightDecay.Edge.Demo.Tests;

public class ProgressBarTests
{
    [Fact]
    public void Redirected_output_gets_a_start_and_an_end_line()
    {
        var output = new StringWriter();
        using (var bar = new ProgressBar("Work", 3, output, interactive: false))
        {
            bar.Increment();
            bar.Increment();
            bar.Increment();
        }

        string[] lines = output.ToString().Split(System.Environment.NewLine, System.StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("Work: 3 runs ...", lines[0]);
        Assert.StartsWith("Work: 3/3 done in ", lines[1], System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_terminal_gets_one_line_redrawn_in_place()
    {
        var output = new StringWriter();
        using (var bar = new ProgressBar("Work", 2, output, interactive: true))
        {
            bar.Increment();
            bar.Increment();
        }

        string text = output.ToString();
        Assert.StartsWith("\rWork [..............................] 0/2", text, System.StringComparison.Ordinal);
        Assert.Contains("\rWork [###############...............] 1/2", text, System.StringComparison.Ordinal);
        Assert.Contains("\rWork [##############################] 2/2", text, System.StringComparison.Ordinal);
        Assert.EndsWith(System.Environment.NewLine, text, System.StringComparison.Ordinal);
    }
}
