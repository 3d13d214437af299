using System;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>Frozen tensors: no state, no update, no decay; the constants that show the saving.</summary>
public class FrozenTensorTests
{
    [Fact]
    public void Layout_constants_count_trainable_and_frozen_scalars()
    {
        Assert.Equal(84, FrozenLayout.ParameterCount);
        Assert.Equal(66, FrozenLayout.TrainableParameterCount);
        Assert.Equal(18, FrozenLayout.FrozenParameterCount);
        Assert.Equal(0, FrozenLayout.EmbedOffset);
        Assert.Equal(12, FrozenLayout.WOffset);
        Assert.Equal(60, FrozenLayout.NormOffset);
        Assert.Equal(66, TrainableOnlyLayout.TrainableParameterCount);
        Assert.Equal(0, TrainableOnlyLayout.FrozenParameterCount);
        Assert.Equal(0, AllFrozenLayout.TrainableParameterCount);
        Assert.Equal(5, AllFrozenLayout.FrozenParameterCount);
    }

    [Fact]
    public void StateBytes_counts_only_trainable_scalars()
    {
        Assert.Equal(4 * 66, FrozenLayout.SgdOptimizer.StateBytes);       // momentum buffer
        Assert.Equal(12 * 66, FrozenLayout.AdamOptimizer.StateBytes);     // exp_avg, exp_avg_sq, max_exp_avg_sq
        Assert.Equal(12 * 66, FrozenLayout.AdamWOptimizer.StateBytes);
        Assert.Equal(0, AllFrozenLayout.AdamWOptimizer.StateBytes);
    }

    [Theory]
    [InlineData("SgdOptimizer")]
    [InlineData("AdamOptimizer")]
    [InlineData("AdamWOptimizer")]
    public void State_arrays_hold_only_trainable_parameters(string name)
    {
        var model = new FrozenLayout();
        dynamic optimizer = TrainingLoopHarness.NewOptimizer(model, name);
        if (name == "SgdOptimizer")
        {
            optimizer.Momentum = 0.9f;
        }
        else
        {
            optimizer.Amsgrad = true;
        }

        int total = 0;
        foreach (float[] state in TrainingLoopHarness.StateOf(optimizer).Values)
        {
            Assert.True(state.Length == 0 || state.Length == 66, $"state of length {state.Length}");
            total += state.Length * sizeof(float);
        }

        Assert.Equal(name == "SgdOptimizer" ? FrozenLayout.SgdOptimizer.StateBytes : FrozenLayout.AdamOptimizer.StateBytes, total);
    }

    [Theory]
    [InlineData("SgdOptimizer")]
    [InlineData("AdamOptimizer")]
    [InlineData("AdamWOptimizer")]
    public void Frozen_tensors_are_untouched_and_trainable_ones_match_a_layout_without_them(string name)
    {
        // Same trainable tensors in both layouts, every feature on: the frozen layout's trainable
        // slices must evolve bit for bit like the layout that has only those tensors.
        var frozen = new FrozenLayout();
        var plain = new TrainableOnlyLayout();
        dynamic a = TrainingLoopHarness.NewOptimizer(frozen, name);
        dynamic b = TrainingLoopHarness.NewOptimizer(plain, name);
        foreach (dynamic optimizer in new[] { a, b })
        {
            optimizer.LearningRate = 0.01f;
            optimizer.WeightDecay = 0.1f;
            optimizer.MaxGradientNorm = 2f;
            optimizer.SkipNonFiniteSteps = true;
            optimizer.Schedule = LearningRateSchedule.WarmupCosine(5, 60, 0.1f);
            if (name == "SgdOptimizer")
            {
                optimizer.Momentum = 0.9f;
            }
            else
            {
                optimizer.Amsgrad = true;
            }
        }

        var random = new Random(7);
        TrainingLoopHarness.Fill(frozen.Parameters, random);
        float[] frozenStart = (float[])frozen.Parameters.Clone();
        CopyTrainable(frozen.Parameters, plain.Parameters);
        for (int step = 0; step < 80; step++)
        {
            TrainingLoopHarness.Fill(frozen.Gradients, random, 0.5);
            if (step == 30)
            {
                frozen.Gradients[FrozenLayout.NormOffset] = float.NaN; // Frozen: ignored by the guard.
            }

            float[] frozenGradients = (float[])frozen.Gradients.Clone();
            CopyTrainable(frozen.Gradients, plain.Gradients);
            a.Step();
            b.Step();
            for (int i = 0; i < 12; i++)
            {
                Assert.Equal(frozenGradients[i], frozen.Gradients[i]); // Frozen gradients are not clipped.
            }
        }

        Assert.Equal(80L, (long)a.StepCount);
        Assert.Equal(0L, (long)a.SkippedStepCount);
        float[] expected = new float[FrozenLayout.ParameterCount];
        Array.Copy(frozenStart, expected, expected.Length);
        Array.Copy(plain.Parameters, 0, expected, 12, 48);
        Array.Copy(plain.Parameters, 48, expected, 66, 18);
        TrainingLoopHarness.AssertBitEqual(expected, frozen.Parameters, "Parameters");
        Assert.NotEqual(frozenStart[20], frozen.Parameters[20]);
    }

    [Theory]
    [InlineData("SgdOptimizer")]
    [InlineData("AdamOptimizer")]
    [InlineData("AdamWOptimizer")]
    public void An_all_frozen_layout_steps_without_changing_anything(string name)
    {
        var model = new AllFrozenLayout();
        dynamic optimizer = TrainingLoopHarness.NewOptimizer(model, name);
        optimizer.WeightDecay = 0.5f;
        optimizer.MaxGradientNorm = 1f;
        model.Parameters[2] = 3f;
        model.Gradients[2] = 100f;
        optimizer.Step();
        Assert.Equal(3f, model.Parameters[2]);
        Assert.Equal(100f, model.Gradients[2]);
        Assert.Equal(0.0, (double)optimizer.LastGradientNorm);
        Assert.Equal(1L, (long)optimizer.StepCount);
    }

    private static void CopyTrainable(float[] frozenLayout, float[] trainableOnly)
    {
        Array.Copy(frozenLayout, 12, trainableOnly, 0, 48);
        Array.Copy(frozenLayout, 66, trainableOnly, 48, 18);
    }
}
