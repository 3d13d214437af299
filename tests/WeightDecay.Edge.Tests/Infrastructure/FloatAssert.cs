using System;

namespace WeightDecay.Edge.Tests.Infrastructure;

/// <summary>Bit-exact float comparisons (Assert.Equal would treat 0 and -0 as equal).</summary>
internal static class FloatAssert
{
    public static void BitEqual(float expected, float actual, string what)
    {
        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
        {
            Assert.Fail($"{what}: expected {expected:R} (0x{BitConverter.SingleToInt32Bits(expected):X8}) but was {actual:R} (0x{BitConverter.SingleToInt32Bits(actual):X8}).");
        }
    }

    public static void BitEqual(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            BitEqual(expected[i], actual[i], $"{what}, index {i}");
        }
    }
}
