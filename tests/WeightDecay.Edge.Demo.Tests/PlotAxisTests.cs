namespace WeightDecay.Edge.Demo.Tests;

public class PlotAxisTests
{
    [Fact]
    public void λ_0_sits_one_grid_step_left_of_the_smallest_λ_and_the_rest_at_log10()
    {
        var x = Plots.LambdaAxis([0f, 0.01f, 0.1f, 1f]);

        Assert.Equal(-3, x(0f), 6);
        Assert.Equal(-2, x(0.01f), 6);
        Assert.Equal(0, x(1f), 6);
    }

    [Fact]
    public void On_a_half_decade_grid_λ_0_sits_half_a_decade_left()
    {
        var x = Plots.LambdaAxis([0f, 3e-4f, 1e-3f, 3e-3f, 1e-2f]);

        Assert.Equal(System.Math.Log10(3e-4) - ((System.Math.Log10(1e-2) - System.Math.Log10(3e-4)) / 3), x(0f), 5);
    }
}
