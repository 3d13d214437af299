using System.Reflection;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// The square root the device build carries (its mscorlib has no System.Math) must be correctly
/// rounded: bit-identical to <see cref="MathF.Sqrt"/> everywhere.
/// </summary>
public class FloatMathTests
{
    private static readonly Func<float, float> DeviceSqrt = Method<Func<float, float>>("Sqrt");
    private static readonly Func<double, long, double> DevicePow = Method<Func<double, long, double>>("Pow");

    [Fact]
    public void Sqrt_is_correctly_rounded_for_every_float_in_one_binade_pair()
    {
        // Every float in [1, 4): all 2^24 significands at both exponent parities, which is where
        // the rounding decision is made; other exponents only scale by exact powers of two.
        int mismatches = 0;
        for (float x = 1f; x < 4f; x = MathF.BitIncrement(x))
        {
            if (BitConverter.SingleToInt32Bits(DeviceSqrt(x)) != BitConverter.SingleToInt32Bits(MathF.Sqrt(x)))
            {
                mismatches++;
            }
        }

        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void Sqrt_matches_MathF_on_a_million_random_bit_patterns_including_subnormals()
    {
        var random = new Random(42);
        int tested = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            float x = BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue));
            AssertSameBits(MathF.Sqrt(x), DeviceSqrt(x), x);
            tested++;
        }

        for (int bits = 1; bits < 1 << 23; bits += 97) // Subnormals, densely.
        {
            float x = BitConverter.Int32BitsToSingle(bits);
            AssertSameBits(MathF.Sqrt(x), DeviceSqrt(x), x);
            tested++;
        }

        Assert.True(tested > 1_000_000);
    }

    [Theory]
    [InlineData(0x00000000)] // +0
    [InlineData(int.MinValue)] // -0: sqrt keeps the sign
    [InlineData(0x7F800000)] // +infinity
    [InlineData(unchecked((int)0xFF800000))] // -infinity
    [InlineData(0x7FC00000)] // NaN
    [InlineData(unchecked((int)0xBF800000))] // -1
    [InlineData(0x00000001)] // the smallest subnormal
    [InlineData(0x7F7FFFFF)] // float.MaxValue
    [InlineData(0x322BCC77)] // 1e-8
    public void Sqrt_handles_special_values_like_MathF(int bits)
    {
        float x = BitConverter.Int32BitsToSingle(bits);
        AssertSameBits(MathF.Sqrt(x), DeviceSqrt(x), x);
    }

    [Theory]
    [InlineData(0.9, 1)]
    [InlineData(0.9, 100)]
    [InlineData(0.999, 12345)]
    [InlineData(0.5, 0)]
    public void Pow_agrees_with_Math_Pow_to_a_few_ulps(double x, long n)
    {
        double expected = Math.Pow(x, n);
        Assert.True(Math.Abs(DevicePow(x, n) - expected) <= 1e-14 * Math.Max(1, Math.Abs(expected)), $"{DevicePow(x, n)} vs {expected}");
    }

    private static void AssertSameBits(float expected, float actual, float x)
    {
        bool bothNaN = float.IsNaN(expected) && float.IsNaN(actual);
        if (!bothNaN && BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
        {
            Assert.Fail($"sqrt({x:R}): expected {expected:R}, got {actual:R}");
        }
    }

    private static T Method<T>(string name)
        where T : Delegate
    {
        Type floatMath = DeviceAssembly.GetType("WeightDecay.Edge.Generated.FloatMath");
        MethodInfo method = floatMath.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
        return method.CreateDelegate<T>();
    }
}
