using System;
using System.Globalization;
using WeightDecay.Edge.Generated;

namespace WeightDecay.Edge.Tests;

/// <summary>
/// HyperParameters.ToDecimal recovers the decimal a user typed from the float it became (0.9f -> 0.9),
/// so that 1 - beta, the bias corrections and 1 - lr*wd are computed in double as Python does.
/// </summary>
public class DecimalConversionTests
{
    [Theory]
    [InlineData(0.9f, 0.9)]
    [InlineData(0.999f, 0.999)]
    [InlineData(1e-3f, 1e-3)]
    [InlineData(1e-8f, 1e-8)]
    [InlineData(1e-2f, 1e-2)]
    [InlineData(0.1f, 0.1)]
    [InlineData(0.3f, 0.3)]
    [InlineData(3e-4f, 3e-4)]
    [InlineData(0.95f, 0.95)]
    [InlineData(0.5f, 0.5)]
    [InlineData(1f, 1.0)]
    [InlineData(2f, 2.0)]
    [InlineData(10f, 10.0)]
    [InlineData(123456.7f, 123456.7)]
    [InlineData(-0.9f, -0.9)]
    [InlineData(0f, 0.0)]
    public void Typed_decimals_are_recovered_exactly(float typed, double expected)
    {
        Assert.Equal(expected, HyperParameters.ToDecimal(typed));
    }

    [Fact]
    public void Common_hyperparameters_are_not_the_float_widened_to_double()
    {
        // The point of the conversion: 0.9f widened is 0.89999997615814209, not 0.9.
        Assert.NotEqual(0.9, (double)0.9f);
        Assert.Equal(0.9, HyperParameters.ToDecimal(0.9f));
        Assert.NotEqual(0.999, (double)0.999f);
        Assert.Equal(0.999, HyperParameters.ToDecimal(0.999f));
    }

    [Fact]
    public void Random_floats_of_every_magnitude_round_trip()
    {
        var random = new Random(71);
        for (int n = 0; n < 200_000; n++)
        {
            float value = RandomFiniteFloat(random);
            double decimalValue = HyperParameters.ToDecimal(value);
            if (BitConverter.SingleToInt32Bits((float)decimalValue) != BitConverter.SingleToInt32Bits(value))
            {
                Assert.Fail($"ToDecimal({value:R}) = {decimalValue:R}, which rounds to {(float)decimalValue:R}.");
            }
        }
    }

    [Fact]
    public void Random_hyperparameter_sized_floats_give_the_shortest_decimal()
    {
        // From 1e-12 to 1e6: every learning rate, beta, epsilon and weight decay anyone types.
        var random = new Random(72);
        for (int n = 0; n < 200_000; n++)
        {
            float value = (float)Math.Pow(10, -12 + (18 * random.NextDouble()));
            AssertShortest(value, HyperParameters.ToDecimal(value));
        }
    }

    [Fact]
    public void Random_floats_of_every_magnitude_give_the_shortest_decimal_or_their_exact_value()
    {
        // The contract: from 1e-14 up to 1e23 the shortest decimal; outside that range, where powers
        // of ten stop being exact doubles, the float's exact value (never a double an ulp away).
        var random = new Random(73);
        int shortest = 0;
        int exact = 0;
        for (int n = 0; n < 200_000; n++)
        {
            float value = RandomFiniteFloat(random);
            double actual = HyperParameters.ToDecimal(value);
            float magnitude = Math.Abs(value);
            if (magnitude >= 1e-14f && magnitude < 1e23f)
            {
                AssertShortest(value, actual);
                shortest++;
            }
            else if (actual != (double)value && ShortestProblem(value, actual) is not null)
            {
                Assert.Fail($"ToDecimal({value:R}) = {actual:R}: neither the shortest decimal nor the exact value");
            }
            else
            {
                exact++;
            }
        }

        Assert.True(shortest > 10_000 && exact > 10_000, $"{shortest} in range, {exact} outside");
    }

    [Fact]
    public void Shortest_decimal_check_recognises_ties_and_errors()
    {
        // 1.8007812f is exactly 1.80078125: 1.8007812 and 1.8007813 are equally short and equally near.
        Assert.Null(ShortestProblem(1.8007812f, 1.8007812));
        Assert.Null(ShortestProblem(1.8007812f, 1.8007813));
        Assert.NotNull(ShortestProblem(0.9f, 0.89999997615814209));
        Assert.NotNull(ShortestProblem(0.9f, 0.9000000000000001));
        Assert.NotNull(ShortestProblem(1.8007812f, 1.800781));
    }

    private static void AssertShortest(float value, double actual)
    {
        string? problem = ShortestProblem(value, actual);
        if (problem is not null)
        {
            Assert.Fail(problem);
        }
    }

    /// <summary>
    /// Null when <paramref name="actual"/> is the shortest decimal that rounds to <paramref name="value"/>
    /// (exactly the double nearest to it). The BCL's shortest round-trip formatting is the oracle; when
    /// the float lies exactly halfway between two equally short decimals, either is accepted.
    /// </summary>
    private static string? ShortestProblem(float value, double actual)
    {
        double expected = double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (actual == expected)
        {
            return null;
        }

        bool sameLength = SignificantDigits(actual) == SignificantDigits(expected);
        double exact = value;
        double ulp = Math.Abs(Math.BitIncrement(exact) - exact);
        bool tie = (float)actual == value && sameLength && Math.Abs(((actual + expected) / 2) - exact) <= 4 * ulp;
        return tie
            ? null
            : $"ToDecimal({value:R}) (bits 0x{BitConverter.SingleToInt32Bits(value):X8}) = {actual:R}, but the shortest decimal is {expected:R}.";
    }

    private static int SignificantDigits(double value)
    {
        string text = Math.Abs(value).ToString("E16", CultureInfo.InvariantCulture);
        string mantissa = text[..text.IndexOf('E', StringComparison.Ordinal)].Replace(".", string.Empty, StringComparison.Ordinal).TrimEnd('0');
        return mantissa.Length;
    }

    private static float RandomFiniteFloat(Random random)
    {
        while (true)
        {
            float value = BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue));
            if (float.IsFinite(value))
            {
                return value;
            }
        }
    }
}
