using System;
using WeightDecay.Edge.Generated;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>
/// The desktop gradient-norm pass (<see cref="GradientNorm"/>): close to an exact reference, bit for bit the
/// documented order of additions, and the same bits on every SIMD width. CI runs these on every path
/// (.ci/run); the width overload also runs each path explicitly in one process (emulated where the hardware
/// lacks it).
/// </summary>
public sealed class GradientNormTests
{
    private static readonly int[] s_widths = { 16, 8, 4, 1 };

    // The order as the class documents it, written again from its text: element start + k into partial
    // k mod 32, each partial in increasing k, then folds by 16, 8, 4, 2, 1.
    private static double DocumentedOrder(float[] values, int start, int end)
    {
        var partial = new double[32];
        for (int k = 0; start + k < end; k++)
        {
            double x = values[start + k];
            partial[k % 32] += x * x;
        }

        for (int half = 16; half >= 1; half /= 2)
        {
            for (int j = 0; j < half; j++)
            {
                partial[j] += partial[j + half];
            }
        }

        return partial[0];
    }

    // Exact: each square of a float is a dyadic rational; sum them as integers scaled by 2^400, with no rounding.
    private static double ExactSum(float[] values, int start, int end)
    {
        System.Numerics.BigInteger total = 0;
        const int Shift = 400; // every square here is a multiple of 2^-400
        for (int i = start; i < end; i++)
        {
            double x = values[i];
            double square = x * x; // exact: 48 significant bits
            long bits = BitConverter.DoubleToInt64Bits(square);
            int exponent = (int)((bits >> 52) & 0x7FF);
            long mantissa = (bits & 0xFFFFFFFFFFFFFL) | (exponent == 0 ? 0 : 1L << 52);
            int scale = Math.Max(exponent, 1) - 1075 + Shift;
            total += scale >= 0 ? (System.Numerics.BigInteger)mantissa << scale : (System.Numerics.BigInteger)mantissa >> -scale;
        }

        return (double)total / Math.Pow(2, Shift);
    }

    private static float[] RandomValues(int seed, int length, float scale)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() - 0.5) * scale);
        }

        return values;
    }

    [Theory]
    [InlineData(2_410, 1f)]
    [InlineData(1_000, 1e-3f)]
    [InlineData(100_003, 20f)]
    public void IsWithinTwoUlpsPerThousandTermsOfTheExactSum(int length, float scale)
    {
        float[] values = RandomValues(length, length, scale);
        double exact = ExactSum(values, 0, length);
        double actual = GradientNorm.SquaredSum(values, 0, length);
        // A sum of n positive terms in any order is within (n - 1)·2^-53 of the exact sum, relatively.
        Assert.True(Math.Abs(actual - exact) <= length * Math.Pow(2, -53) * exact, $"{actual:R} against {exact:R}");
        Assert.NotEqual(0.0, exact);
    }

    [Fact]
    public void FollowsTheDocumentedOrderBitForBitOnEveryWidth()
    {
        float[] values = RandomValues(11, 700, 3f);
        values[5] = 1e-30f; // tiny terms make the order visible in the last bits
        values[6] = 6e4f;
        for (int start = 0; start < 40; start += 3)
        {
            for (int end = start; end <= values.Length; end += end < start + 130 ? 1 : 97)
            {
                long expected = BitConverter.DoubleToInt64Bits(DocumentedOrder(values, start, end));
                Assert.Equal(expected, BitConverter.DoubleToInt64Bits(GradientNorm.SquaredSum(values, start, end)));
                foreach (int width in s_widths)
                {
                    Assert.True(
                        expected == BitConverter.DoubleToInt64Bits(GradientNorm.SquaredSum(values, start, end, width)),
                        $"width {width}, [{start}, {end})");
                }
            }
        }
    }

    [Fact]
    public void TheOrderIsNotASerialSum()
    {
        // Guards the test above: on these values the documented order and a serial sum differ, so a serial
        // implementation would fail it.
        float[] values = RandomValues(11, 700, 3f);
        double serial = 0.0;
        foreach (float v in values)
        {
            serial += (double)v * v;
        }

        Assert.NotEqual(BitConverter.DoubleToInt64Bits(serial), BitConverter.DoubleToInt64Bits(DocumentedOrder(values, 0, values.Length)));
    }

    [Theory]
    [InlineData(float.NaN, double.NaN)]
    [InlineData(float.PositiveInfinity, double.PositiveInfinity)]
    [InlineData(float.NegativeInfinity, double.PositiveInfinity)]
    [InlineData(float.MaxValue, (double)float.MaxValue * float.MaxValue)]
    public void NonFiniteAndHugeGradients(float bad, double expected)
    {
        foreach (int position in new[] { 0, 31, 32, 63, 64, 98 })
        {
            var values = new float[99];
            values[position] = bad;
            foreach (int width in s_widths)
            {
                Assert.Equal(expected, GradientNorm.SquaredSum(values, 0, values.Length, width));
            }
        }
    }

    [Fact]
    public void ScaleIsOneFloatMultiplicationPerElement()
    {
        float[] values = RandomValues(5, 301, 7f);
        float[] expected = (float[])values.Clone();
        for (int i = 3; i < 290; i++)
        {
            expected[i] *= 0.3f;
        }

        GradientNorm.Scale(values, 3, 290, 0.3f);
        Assert.Equal(expected, values);
    }

    [Fact]
    public void RejectsRangesOutsideTheArray()
    {
        var values = new float[10];
        Assert.Throws<ArgumentNullException>(() => GradientNorm.SquaredSum(null!, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientNorm.SquaredSum(values, -1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientNorm.SquaredSum(values, 4, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientNorm.SquaredSum(values, 0, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientNorm.Scale(values, 0, 11, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientNorm.SquaredSum(values, 0, 10, 2));
    }

    [Fact]
    public void TheOptimizersNormIsTheDocumentedOrderOverEachTrainableStretch()
    {
        // FrozenLayout: trainable stretches [12, 60) (W and B) and [66, 84) (K); the frozen gradients are outside.
        var model = new FrozenLayout();
        var optimizer = new FrozenLayout.AdamWOptimizer(model) { SkipNonFiniteSteps = true };
        float[] gradients = RandomValues(9, FrozenLayout.ParameterCount, 2f);
        gradients.CopyTo(model.Gradients, 0);
        optimizer.Step();
        double expected = Math.Sqrt(DocumentedOrder(gradients, 12, 60) + DocumentedOrder(gradients, 66, 84));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(optimizer.LastGradientNorm));
    }

    [Fact]
    public void AllocatesNothing()
    {
        float[] values = RandomValues(1, 2_410, 1f);
        GradientNorm.SquaredSum(values, 0, values.Length);
        GradientNorm.Scale(values, 0, values.Length, 1f);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            GradientNorm.SquaredSum(values, 0, values.Length);
            GradientNorm.Scale(values, 0, values.Length, 1f);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
