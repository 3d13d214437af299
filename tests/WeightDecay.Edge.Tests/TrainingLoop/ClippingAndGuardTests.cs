using System;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>Gradient clipping by global norm and the non-finite skip guard.</summary>
public class ClippingAndGuardTests
{
    [Fact]
    public void Clipping_matches_a_hand_computation()
    {
        // Trainable gradients 3 and 4 (norm 5), everything else 0; a frozen gradient of 100 is
        // outside the norm. max_norm 1: clip_coef = 1 / (5 + 1e-6).
        var model = new FrozenLayout();
        var optimizer = new FrozenLayout.SgdOptimizer(model) { LearningRate = 1f, MaxGradientNorm = 1f };
        model.Gradients[FrozenLayout.WOffset] = 3f;
        model.Gradients[FrozenLayout.KOffset + 1] = 4f;
        model.Gradients[FrozenLayout.EmbedOffset] = 100f;
        optimizer.Step();

        Assert.Equal(5.0, optimizer.LastGradientNorm);
        float coefficient = (float)(1.0 / (5.0 + 1e-6));
        Assert.Equal(3f * coefficient, model.Gradients[FrozenLayout.WOffset]);
        Assert.Equal(4f * coefficient, model.Gradients[FrozenLayout.KOffset + 1]);
        Assert.Equal(100f, model.Gradients[FrozenLayout.EmbedOffset]);
        Assert.Equal(-(3f * coefficient), model.Parameters[FrozenLayout.WOffset]);
        Assert.Equal(-(4f * coefficient), model.Parameters[FrozenLayout.KOffset + 1]);
        Assert.Equal(0f, model.Parameters[FrozenLayout.EmbedOffset]);
        double clippedNorm = Math.Sqrt((3.0 * coefficient * 3.0 * coefficient) + (4.0 * coefficient * 4.0 * coefficient));
        Assert.True(clippedNorm < 1.0 && clippedNorm > 1.0 - 1e-6);
    }

    [Fact]
    public void Gradients_below_the_threshold_are_left_alone()
    {
        var model = new FrozenLayout();
        var optimizer = new FrozenLayout.AdamWOptimizer(model) { MaxGradientNorm = 10f };
        model.Gradients[FrozenLayout.WOffset] = 3f;
        model.Gradients[FrozenLayout.BOffset] = 4f;
        optimizer.Step();
        Assert.Equal(5.0, optimizer.LastGradientNorm);
        Assert.Equal(3f, model.Gradients[FrozenLayout.WOffset]);
        Assert.Equal(4f, model.Gradients[FrozenLayout.BOffset]);
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    public void MaxGradientNorm_rejects_negative_and_NaN(float value)
    {
        var optimizer = new FrozenLayout.AdamOptimizer(new FrozenLayout()) { MaxGradientNorm = 2f };
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.MaxGradientNorm = value);
        Assert.Equal("MaxGradientNorm", thrown.ParamName);
        Assert.Equal(2f, optimizer.MaxGradientNorm);
        Assert.Equal(0f, new FrozenLayout.SgdOptimizer(new FrozenLayout()).MaxGradientNorm);
    }

    [Theory]
    [InlineData("SgdOptimizer", float.NaN)]
    [InlineData("AdamOptimizer", float.PositiveInfinity)]
    [InlineData("AdamWOptimizer", float.NegativeInfinity)]
    [InlineData("AdamWOptimizer", float.NaN)]
    public void Guard_skips_the_whole_step_bitwise(string name, float bad)
    {
        var model = new FrozenLayout();
        dynamic optimizer = TrainingLoopHarness.NewOptimizer(model, name);
        optimizer.SkipNonFiniteSteps = true;
        optimizer.MaxGradientNorm = 0.5f;
        optimizer.WeightDecay = 0.1f;
        optimizer.Schedule = LearningRateSchedule.WarmupCosine(2, 20, 0f);
        if (name == "SgdOptimizer")
        {
            optimizer.Momentum = 0.9f;
        }
        else
        {
            optimizer.Amsgrad = true;
        }

        var random = new Random(3);
        TrainingLoopHarness.Fill(model.Parameters, random);
        for (int step = 0; step < 5; step++)
        {
            TrainingLoopHarness.Fill(model.Gradients, random);
            optimizer.Step();
        }

        float[] parameters = (float[])model.Parameters.Clone();
        var state = TrainingLoopHarness.StateOf(optimizer);
        TrainingLoopHarness.Fill(model.Gradients, random);
        model.Gradients[FrozenLayout.KOffset + 17] = bad;
        float[] gradients = (float[])model.Gradients.Clone();
        optimizer.Step();

        TrainingLoopHarness.AssertBitEqual(parameters, model.Parameters, "Parameters");
        TrainingLoopHarness.AssertBitEqual(gradients, model.Gradients, "Gradients");
        foreach (var (field, before) in (System.Collections.Generic.Dictionary<string, float[]>)state)
        {
            TrainingLoopHarness.AssertBitEqual(before, TrainingLoopHarness.StateOf(optimizer)[field], field);
        }

        Assert.Equal(5L, (long)optimizer.StepCount);
        Assert.Equal(1L, (long)optimizer.SkippedStepCount);
        Assert.False(double.IsFinite((double)optimizer.LastGradientNorm));

        // The next finite step goes ahead.
        model.Gradients[FrozenLayout.KOffset + 17] = 0.25f;
        optimizer.Step();
        Assert.Equal(6L, (long)optimizer.StepCount);
        Assert.NotEqual(parameters[FrozenLayout.WOffset], model.Parameters[FrozenLayout.WOffset]);
    }

    [Fact]
    public void Without_the_guard_a_NaN_gradient_is_applied_as_in_torch()
    {
        var model = new FrozenLayout();
        var optimizer = new FrozenLayout.AdamWOptimizer(model);
        Assert.False(optimizer.SkipNonFiniteSteps);
        model.Gradients[FrozenLayout.WOffset] = float.NaN;
        optimizer.Step();
        Assert.True(float.IsNaN(model.Parameters[FrozenLayout.WOffset]));
        Assert.Equal(1L, optimizer.StepCount);
        Assert.Equal(0L, optimizer.SkippedStepCount);
    }

    [Fact]
    public void A_non_finite_frozen_gradient_does_not_trip_the_guard()
    {
        var model = new FrozenLayout();
        var optimizer = new FrozenLayout.AdamOptimizer(model) { SkipNonFiniteSteps = true };
        model.Gradients[FrozenLayout.NormOffset + 5] = float.PositiveInfinity;
        model.Gradients[FrozenLayout.WOffset] = 1f;
        optimizer.Step();
        Assert.Equal(1L, optimizer.StepCount);
        Assert.Equal(0L, optimizer.SkippedStepCount);
        Assert.Equal(1.0, optimizer.LastGradientNorm);
    }
}
