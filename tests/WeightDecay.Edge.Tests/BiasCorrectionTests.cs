using System;
using WeightDecay.Edge.Generated;
using Xunit;

namespace WeightDecay.Edge.Tests;

/// <summary>
/// <see cref="BiasCorrection"/> must return exactly <c>1.0 - Math.Pow(beta, step)</c> (what torch 1.13 computes in
/// Python), whatever the sequence of steps: consecutive ones (the running product), restarts (a loaded checkpoint,
/// a skipped step) and betas changed between steps.
/// </summary>
public sealed class BiasCorrectionTests
{
    [Theory]
    [InlineData(0.9)]
    [InlineData(0.999)]
    [InlineData(0.99)]
    [InlineData(0.95)]
    [InlineData(0.9999)]
    [InlineData(0.5)]
    [InlineData(0.123)]
    [InlineData(0.0)]
    public void ConsecutiveStepsEqualPow(double beta)
    {
        var correction = default(BiasCorrection);
        for (long step = 1; step <= 200_000; step++)
        {
            double expected = 1.0 - Math.Pow(beta, step);
            double actual = correction.Next(beta, step);
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"beta {beta}, step {step}: {actual:R} != {expected:R}");
        }
    }

    [Fact]
    public void RestartsAndChangedBetasEqualPow()
    {
        var random = new Random(7);
        var correction = default(BiasCorrection);
        double beta = 0.9;
        long step = 1;
        for (int i = 0; i < 200_000; i++)
        {
            int move = random.Next(100);
            if (move == 0)
            {
                step = 1 + random.Next(1_000_000); // a loaded checkpoint
            }
            else if (move == 1)
            {
                beta = 0.5 + (0.4999 * random.NextDouble()); // Beta1 set between steps
            }
            else if (move == 2)
            {
                step--; // a skipped step: the same step again
                step = Math.Max(step, 1);
            }

            double expected = 1.0 - Math.Pow(beta, step);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(correction.Next(beta, step)));
            step++;
        }
    }
}
