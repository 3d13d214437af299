using System.Linq;

namespace WeightDecay.Edge.Demo.Tests;

public class DecisionRegionTests
{
    [Fact]
    public void The_decision_grid_has_Size_by_Size_cells_over_the_padded_bounding_box()
    {
        ToyPoint[] points = [new([0f, 0f], 0, false), new([2f, 1f], 1, false), new([1f, 0.5f], 0, false)];

        DecisionGrid grid = DecisionGrid.Over(points, size: 4, margin: 0.5, probability: x => x[0] + (10 * x[1]));

        Assert.Equal((-0.5, 2.5, -0.5, 1.5), (grid.XMin, grid.XMax, grid.YMin, grid.YMax));
        Assert.Equal(4, grid.Probability.GetLength(0));
        Assert.Equal(4, grid.Probability.GetLength(1));
        // Cells are 0.75 wide and 0.5 high; row 0 is the bottom, column 0 the left.
        Assert.Equal(-0.125 + (10 * -0.25), grid.Probability[0, 0], 5);
        Assert.Equal(1.375 + (10 * 1.25), grid.Probability[3, 2], 5);
    }

    [Fact]
    public void The_chosen_λ_is_the_first_with_the_lowest_validation_loss()
    {
        BoundaryPoint[] sweep = [Point(0f, 0.5), Point(0.1f, 0.3), Point(1f, 0.3), Point(10f, 0.4)];

        Assert.Equal(1, BoundaryExperiment.LowestValidationLoss(sweep));
    }

    [Fact]
    public void The_two_moons_experiment_draws_no_decay_the_validation_minimum_and_the_largest_λ()
    {
        BoundaryResult result = BoundaryExperiment.Run(seed: 1);

        double lowest = result.Sweep.Min(p => p.Validation.Loss);
        Assert.Equal(lowest, result.Chosen.Validation.Loss);
        Assert.Equal([0f, result.Chosen.Lambda, BoundaryExperiment.Grid.Max()], result.Shown.Select(r => r.Point.Lambda));
        Assert.All(result.Shown, r => Assert.Equal(BoundaryExperiment.GridSize, r.Grid.Probability.GetLength(0)));
        Assert.Equal(BoundaryExperiment.TrainCount, result.Train.Length);
    }

    private static BoundaryPoint Point(float lambda, double validationLoss) => new(lambda, new Evaluation(0, 1), new Evaluation(validationLoss, 0.5));
}
