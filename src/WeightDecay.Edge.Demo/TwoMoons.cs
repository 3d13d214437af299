namespace WeightDecay.Edge.Demo;

/// <summary>One point of the two-class toy set: its two coordinates, its label (0 or 1), and whether that label was flipped.</summary>
internal sealed record ToyPoint(float[] Input, int Label, bool Flipped);

/// <summary>
/// The two interleaved half-circles of scikit-learn's <c>make_moons</c>: class 0 on (cos t, sin t), class 1 on
/// (1 − cos t, 0.5 − sin t), t uniform in [0, π], plus Gaussian noise on both coordinates, then label noise:
/// the same number of labels flipped in each class, so the set stays exactly balanced.
/// </summary>
internal static class TwoMoons
{
    /// <summary>
    /// <paramref name="count"/> points (even: half per class), noise of standard deviation
    /// <paramref name="noise"/>, a fraction <paramref name="labelNoise"/> of each class's labels flipped,
    /// in an order shuffled by <paramref name="seed"/>. The same arguments give the same points.
    /// </summary>
    public static ToyPoint[] Generate(int count, double noise, double labelNoise, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (count % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "the count must be even: half the points in each class");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(noise);
        if (labelNoise is < 0 or > 0.5)
        {
            throw new ArgumentOutOfRangeException(nameof(labelNoise), labelNoise, "at most half of a class can be flipped");
        }

        var random = new Random(seed);
        int half = count / 2;
        int flips = (int)Math.Round(labelNoise * half);
        var points = new ToyPoint[count];
        for (int label = 0; label < 2; label++)
        {
            int[] flipped = Enumerable.Range(0, half).ToArray();
            random.Shuffle(flipped);
            var isFlipped = new HashSet<int>(flipped[..flips]);
            for (int i = 0; i < half; i++)
            {
                double t = Math.PI * random.NextDouble();
                double x = label == 0 ? Math.Cos(t) : 1 - Math.Cos(t);
                double y = label == 0 ? Math.Sin(t) : 0.5 - Math.Sin(t);
                x += noise * Gaussian(random);
                y += noise * Gaussian(random);
                bool flip = isFlipped.Contains(i);
                points[(label * half) + i] = new ToyPoint([(float)x, (float)y], flip ? 1 - label : label, flip);
            }
        }

        random.Shuffle(points);
        return points;
    }

    /// <summary>A standard normal draw (Box-Muller).</summary>
    private static double Gaussian(Random random)
    {
        double u = 1 - random.NextDouble(); // (0, 1]: the logarithm stays finite
        double v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
