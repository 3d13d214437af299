using System;
using System.Linq;

namespace WeightDecay.Edge.Demo.Tests;

public class TwoMoonsTests
{
    [Fact]
    public void Two_moons_are_the_same_for_the_same_seed_and_differ_for_another()
    {
        ToyPoint[] first = TwoMoons.Generate(60, 0.2, 0.1, seed: 5);
        ToyPoint[] again = TwoMoons.Generate(60, 0.2, 0.1, seed: 5);
        ToyPoint[] other = TwoMoons.Generate(60, 0.2, 0.1, seed: 6);

        Assert.Equal(first.Select(p => (p.Input[0], p.Input[1], p.Label, p.Flipped)), again.Select(p => (p.Input[0], p.Input[1], p.Label, p.Flipped)));
        Assert.NotEqual(first.Select(p => p.Input[0]), other.Select(p => p.Input[0]));
    }

    [Fact]
    public void Two_moons_are_balanced_and_flip_the_same_number_of_labels_in_each_moon()
    {
        // Without coordinate noise each point lies exactly on its moon: the upper half of the unit circle
        // around (0, 0) for class 0, the lower half of the unit circle around (1, 0.5) for class 1.
        ToyPoint[] points = TwoMoons.Generate(200, noise: 0, labelNoise: 0.1, seed: 2);

        Assert.Equal(200, points.Length);
        Assert.Equal(100, points.Count(p => p.Label == 0));
        Assert.Equal(100, points.Count(p => p.Label == 1));
        int[] moon = points.Select(p => OnCircle(p, 0, 0) && p.Input[1] >= -1e-6 ? 0 : OnCircle(p, 1, 0.5) && p.Input[1] <= 0.5 + 1e-6 ? 1 : -1).ToArray();
        Assert.DoesNotContain(-1, moon);
        for (int i = 0; i < points.Length; i++)
        {
            Assert.Equal(points[i].Flipped ? 1 - moon[i] : moon[i], points[i].Label);
        }

        Assert.Equal(10, Enumerable.Range(0, 200).Count(i => moon[i] == 0 && points[i].Flipped));
        Assert.Equal(10, Enumerable.Range(0, 200).Count(i => moon[i] == 1 && points[i].Flipped));
    }

    [Fact]
    public void An_odd_number_of_points_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TwoMoons.Generate(51, 0.2, 0.1, seed: 1));
    }

    private static bool OnCircle(ToyPoint p, double cx, double cy) =>
        Math.Abs(Math.Sqrt(((p.Input[0] - cx) * (p.Input[0] - cx)) + ((p.Input[1] - cy) * (p.Input[1] - cy))) - 1) < 1e-5;
}
