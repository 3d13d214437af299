namespace WeightDecay.Edge.Demo;

/// <summary>
/// A classifier's decision regions over a rectangle of the input plane: <see cref="Size"/> x <see cref="Size"/>
/// cells, each holding the model's probability of class 1 at the cell's centre. Row 0 is the bottom
/// (smallest y), column 0 the left (smallest x).
/// </summary>
internal sealed record DecisionGrid(double XMin, double XMax, double YMin, double YMax, int Size, double[,] Probability)
{
    /// <summary>
    /// The grid over the bounding box of <paramref name="points"/> widened by <paramref name="margin"/> on
    /// every side, with <paramref name="probability"/> (P(class 1) for an input) at every cell centre.
    /// </summary>
    public static DecisionGrid Over(IReadOnlyList<ToyPoint> points, int size, double margin, Func<float[], double> probability)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(probability);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        double xMin = points.Min(p => p.Input[0]) - margin, xMax = points.Max(p => p.Input[0]) + margin;
        double yMin = points.Min(p => p.Input[1]) - margin, yMax = points.Max(p => p.Input[1]) + margin;
        var grid = new DecisionGrid(xMin, xMax, yMin, yMax, size, new double[size, size]);
        var input = new float[2];
        for (int row = 0; row < size; row++)
        {
            for (int column = 0; column < size; column++)
            {
                (double x, double y) = grid.CellCentre(row, column);
                input[0] = (float)x;
                input[1] = (float)y;
                grid.Probability[row, column] = probability(input);
            }
        }

        return grid;
    }

    /// <summary>The centre of the cell at <paramref name="row"/>, <paramref name="column"/>.</summary>
    public (double X, double Y) CellCentre(int row, int column) =>
        (XMin + ((column + 0.5) * (XMax - XMin) / Size), YMin + ((row + 0.5) * (YMax - YMin) / Size));
}
