using System;
using WeightDecay.Edge.Generated;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>LearningRateSchedule against closed forms, FloatMath.Cos against Math.Cos, and its use by Step.</summary>
public class ScheduleTests
{
    [Fact]
    public void Constant_is_one_everywhere()
    {
        LearningRateSchedule schedule = LearningRateSchedule.Constant();
        foreach (long step in new long[] { 0, 1, 7, 1000, long.MaxValue })
        {
            Assert.Equal(1.0, schedule.Multiplier(step));
        }
    }

    [Theory]
    [InlineData(1, 0.5f, 0.5)]
    [InlineData(3, 0.1f, 0.1)]
    [InlineData(10, 0.9f, 0.9)]
    public void Step_is_gamma_to_the_floor_of_t_over_step_size(int stepSize, float gamma, double gammaDecimal)
    {
        LearningRateSchedule schedule = LearningRateSchedule.Step(stepSize, gamma);
        for (long t = 0; t < 100; t++)
        {
            double expected = Math.Pow(gammaDecimal, t / stepSize);
            Assert.Equal(expected, schedule.Multiplier(t), 1e-14 * expected); // Repeated squaring: a few ulps.
        }
    }

    [Theory]
    [InlineData(0, 10, 0f, 0.0)]
    [InlineData(5, 50, 0.1f, 0.1)]
    [InlineData(3, 4, 0.5f, 0.5)]
    public void WarmupCosine_matches_its_closed_form(int warmup, int total, float minFactor, double m)
    {
        LearningRateSchedule schedule = LearningRateSchedule.WarmupCosine(warmup, total, minFactor);
        for (long t = 0; t < total + 20; t++)
        {
            double expected = t < warmup
                ? (double)t / warmup
                : t >= total
                    ? m
                    : m + ((1 - m) * (1 + Math.Cos(Math.PI * (t - warmup) / (total - warmup))) / 2);
            Assert.True(Math.Abs(expected - schedule.Multiplier(t)) <= 4e-16, $"t={t}: expected {expected:R}, got {schedule.Multiplier(t):R}");
        }

        Assert.Equal(warmup == 0 ? 1.0 : 0.0, schedule.Multiplier(0));
        Assert.Equal(1.0, schedule.Multiplier(warmup));
        Assert.Equal(m, schedule.Multiplier(total));
    }

    [Fact]
    public void Factories_reject_out_of_range_arguments()
    {
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(0, 0.5f)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(1, -0.5f)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(1, float.NaN)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(1, float.PositiveInfinity)).ParamName);
        Assert.Equal("warmupSteps", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.WarmupCosine(-1, 10, 0f)).ParamName);
        Assert.Equal("totalSteps", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.WarmupCosine(10, 10, 0f)).ParamName);
        Assert.Equal("minFactor", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.WarmupCosine(0, 10, 1.5f)).ParamName);
        Assert.Equal("minFactor", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.WarmupCosine(0, 10, float.NaN)).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant().Multiplier(-1)).ParamName);
    }

    [Fact]
    public void FloatMath_Cos_is_within_two_ulp_of_Math_Cos()
    {
        var random = new Random(11);
        double worstUlps = 0;
        for (int i = 0; i < 200_000; i++)
        {
            double x = i switch
            {
                < 50_000 => random.NextDouble() * Math.PI,                           // the schedule's range
                < 100_000 => ((random.NextDouble() * 2) - 1) * 100,
                < 150_000 => ((random.NextDouble() * 2) - 1) * 1.6e6,
                _ => (Math.PI / 2 * random.Next(-1000, 1000)) + ((random.NextDouble() - 0.5) * 1e-3), // near the zeros
            };
            double expected = Math.Cos(x);
            double actual = FloatMath.Cos(x);
            double ulp = Math.Max(Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected), double.Epsilon);
            double ulps = Math.Abs(expected - actual) / ulp;
            if (Math.Abs(expected) < 1e-3)
            {
                ulps = Math.Abs(expected - actual) / 1e-19; // Absolute near a zero: ~1e-19 is the reduction's floor.
            }

            worstUlps = Math.Max(worstUlps, ulps);
            Assert.True(ulps <= 2, $"cos({x:R}): Math.Cos {expected:R}, FloatMath.Cos {actual:R}");
        }

        Assert.Equal(1.0, FloatMath.Cos(0.0));
        Assert.Equal(-1.0, FloatMath.Cos(Math.PI));
        Assert.True(double.IsNaN(FloatMath.Cos(double.NaN)));
        Assert.True(double.IsNaN(FloatMath.Cos(double.PositiveInfinity)));
        Assert.True(double.IsNaN(FloatMath.Cos(double.NegativeInfinity)));
    }

    [Fact]
    public void Schedule_defaults_to_constant_and_rejects_null()
    {
        var model = new FrozenLayout();
        var optimizer = new FrozenLayout.AdamWOptimizer(model);
        Assert.Equal(1.0, optimizer.Schedule.Multiplier(123));
        ArgumentNullException thrown = Assert.Throws<ArgumentNullException>(() => optimizer.Schedule = null!);
        Assert.Equal("value", thrown.ParamName);
        Assert.NotNull(optimizer.Schedule);
        Assert.NotNull(new FrozenLayout.SgdOptimizer(model).Schedule);
        Assert.NotNull(new FrozenLayout.AdamOptimizer(model).Schedule);
    }

    [Fact]
    public void Sgd_step_uses_learning_rate_times_the_multiplier_in_double()
    {
        // Plain SGD, no decay: p -= (float)(lr * η_t) * g, one fused multiply-add per element.
        var model = new TrainableOnlyLayout();
        var optimizer = new TrainableOnlyLayout.SgdOptimizer(model)
        {
            LearningRate = 0.3f,
            Schedule = LearningRateSchedule.Step(2, 0.1f),
        };
        model.Parameters[0] = 1f;
        model.Gradients[0] = 1f;
        float expected = 1f;
        for (long t = 0; t < 7; t++)
        {
            float negLr = (float)(-(0.3 * Math.Pow(0.1, t / 2)));
            expected = MathF.FusedMultiplyAdd(1f, negLr, expected);
            optimizer.Step();
            Assert.Equal(expected, model.Parameters[0]);
        }
    }
}
