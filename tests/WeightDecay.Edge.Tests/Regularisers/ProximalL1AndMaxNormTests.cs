using System;
using System.Linq;
using WeightDecay.Edge.Tests.Checkpoints;
using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.Reference;
using WeightDecay.Edge.Tests.TorchReference;

namespace WeightDecay.Edge.Tests.Regularisers;

/// <summary>A dense layer with both regularisers on its weight, after a plain tensor with L1 alone.</summary>
[ModelLayout]
[Tensor("Embedding", 3, 4, L1 = 0.05f)]
[Dense("Hidden", 4, 6, Activation = Activation.ReLU, L1 = 0.02f, MaxNorm = 0.4f)]
[Dense("Output", 6, 2)]
[Sgd, Adam, AdamW]
public partial class RegularisedMlp
{
}

/// <summary>The same layout without regularisers, to show what they leave alone.</summary>
[ModelLayout]
[Tensor("Embedding", 3, 4)]
[Dense("Hidden", 4, 6, Activation = Activation.ReLU)]
[Dense("Output", 6, 2)]
[Sgd, Adam, AdamW]
public partial class PlainMlp
{
}

/// <summary>
/// <c>L1 = λ₁</c> and <c>MaxNorm = c</c> after each update: against a double-precision reference written from the
/// formulas (with a schedule, so lr_t moves), on a dense layer's weight and not its bias, with NaN, a skipped step, the
/// reporting members, the layout hash and allocation.
/// </summary>
public class ProximalL1AndMaxNormTests
{
    private const int Steps = 40;

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void Steps_follow_the_double_reference_under_a_schedule(string kind)
    {
        var model = new ConstraintReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        bool[] decay = Enumerable.Range(0, model.Parameters.Length)
            .Select(i => i < ConstraintReferenceLayout.BOffset || i >= ConstraintReferenceLayout.VOffset).ToArray();
        LearningRateSchedule schedule = LearningRateSchedule.Step(10, 0.5f);
        (IOptimizer optimizer, IReferenceOptimizer reference, double lr) = kind switch
        {
            "sgd" => ((IOptimizer)new ConstraintReferenceLayout.SgdOptimizer(model) { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 0.01f, Schedule = schedule },
                (IReferenceOptimizer)new ReferenceSgd(model.Parameters, decay, new SgdOptions(0.05, 0.9, 0, false, 0.01)), 0.05),
            "adam" => (new ConstraintReferenceLayout.AdamOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0.01f, Schedule = schedule },
                new ReferenceAdam(model.Parameters, decay, new AdamOptions(0.01, 0.9, 0.999, 1e-8, 0.01, false)), 0.01),
            _ => (new ConstraintReferenceLayout.AdamWOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0.1f, Schedule = schedule },
                new ReferenceAdamW(model.Parameters, decay, new AdamOptions(0.01, 0.9, 0.999, 1e-8, 0.1, false)), 0.01),
        };

        for (int t = 1; t <= Steps; t++)
        {
            float[] gradients = model.Gradients;
            for (int i = 0; i < gradients.Length; i++)
            {
                gradients[i] = (float)Math.Sin((i * 0.7) + (t * 1.3)) * (i >= ConstraintReferenceLayout.VOffset && i < ConstraintReferenceLayout.UOffset ? 10f : 1f);
            }

            reference.LearningRate = lr * schedule.Multiplier(t - 1);
            reference.Step(gradients);
            double threshold = reference.LearningRate;
            ReferenceConstraints.ProximalL1(reference.Parameters, ConstraintReferenceLayout.WOffset, ConstraintReferenceLayout.WLength, threshold * 0.01);
            ReferenceConstraints.RenormRows(reference.Parameters, ConstraintReferenceLayout.WOffset, 4, 5, 1.0);
            ReferenceConstraints.RenormRows(reference.Parameters, ConstraintReferenceLayout.VOffset, 3, 7, 1.25);
            ReferenceConstraints.ProximalL1(reference.Parameters, ConstraintReferenceLayout.UOffset, ConstraintReferenceLayout.ULength, threshold * 1.0);
            optimizer.Step();

            for (int i = 0; i < gradients.Length; i++)
            {
                double expected = reference.Parameters[i];
                Assert.True(Math.Abs(expected - model.Parameters[i]) <= 2e-5 * Math.Max(1.0, Math.Abs(expected)), $"{kind}, parameter {i} after step {t}: reference {expected:R}, generated {model.Parameters[i]:R}");
            }
        }

        for (int row = 0; row < 4; row++)
        {
            Assert.True(RowNorm(model.Parameters, ConstraintReferenceLayout.WOffset + (row * 5), 5) <= 1.0 * (1 + 1e-6), $"row {row} of W");
        }
    }

    [Theory]
    [InlineData("SgdOptimizer")]
    [InlineData("AdamOptimizer")]
    [InlineData("AdamWOptimizer")]
    public void A_dense_layer_limits_and_shrinks_its_weight_and_leaves_its_bias_and_the_other_layer_alone(string optimizerName)
    {
        var regularised = new RegularisedMlp();
        for (int i = 0; i < RegularisedMlp.EmbeddingLength; i++)
        {
            regularised.Parameters[RegularisedMlp.EmbeddingOffset + i] = (i - 6) * 0.02f;
        }

        var plain = new PlainMlp();
        plain.CopyParametersFrom(regularised.Parameters);
        dynamic first = Activator.CreateInstance(typeof(RegularisedMlp).GetNestedType(optimizerName)!, regularised)!;
        dynamic second = Activator.CreateInstance(typeof(PlainMlp).GetNestedType(optimizerName)!, plain)!;
        first.LearningRate = 0.05f;
        second.LearningRate = 0.05f;
        var input = new float[] { 1f, -0.5f, 0.25f, 2f };
        for (int t = 0; t < 30; t++)
        {
            regularised.ZeroGrad();
            plain.ZeroGrad();
            regularised.AccumulateCrossEntropyGradient(input, t % 2, 1f);
            plain.AccumulateCrossEntropyGradient(input, t % 2, 1f);
            // The gradients differ once the weights do, so give both the same ones: the regularised model's.
            plain.CopyGradientsFrom(regularised.Gradients);
            ((IOptimizer)first).Step();
            ((IOptimizer)second).Step();
        }

        for (int row = 0; row < 6; row++)
        {
            Assert.True(RowNorm(regularised.Parameters, RegularisedMlp.HiddenWeightOffset + (row * 4), 4) <= 0.4 * (1 + 1e-6), $"row {row}");
        }

        Assert.NotEqual(plain.HiddenWeight.ToArray(), regularised.HiddenWeight.ToArray());
        FloatAssert.BitEqual(plain.HiddenBias.ToArray(), regularised.HiddenBias.ToArray(), "the hidden bias");
        FloatAssert.BitEqual(plain.OutputWeight.ToArray(), regularised.OutputWeight.ToArray(), "the output weight");
        FloatAssert.BitEqual(plain.OutputBias.ToArray(), regularised.OutputBias.ToArray(), "the output bias");
        // No gradient reaches the embedding tensor, so L1 moves it (with AdamW's decay): by lr·λ₁ = 0.0025 a step toward 0,
        // and 0 once there; after 30 steps the 7 entries within 0.075 of 0 are 0 (|w| = 0.06 at most; the next are 0.08).
        Assert.Equal(7, plain.Embedding.ToArray().Count(w => Math.Abs(w) < 0.075f));
        Assert.Equal(7, regularised.CountZeros(0));
    }

    [Fact]
    public void Weights_that_reach_zero_are_exactly_zero_with_the_sign_torch_gives()
    {
        var model = new ConstraintReferenceLayout();
        // AdamW without decay: with zero gradients its update is exactly 0, infinities included, so L1 alone acts.
        var adamW = new ConstraintReferenceLayout.AdamWOptimizer(model) { LearningRate = 0.5f, WeightDecay = 0f };
        int u = ConstraintReferenceLayout.UOffset;
        model.Parameters[u] = 0.3f;       // shrunk by 0.5 · 1: past zero
        model.Parameters[u + 1] = -0.3f;
        model.Parameters[u + 2] = 0.75f;  // stays 0.25
        model.Parameters[u + 3] = -0f;
        model.Parameters[u + 4] = float.PositiveInfinity;
        model.Parameters[u + 5] = float.NaN;
        adamW.Step();

        FloatAssert.BitEqual(0f, model.Parameters[u], "a positive weight");
        FloatAssert.BitEqual(-0f, model.Parameters[u + 1], "a negative weight (torch: sign -1 times +0)");
        FloatAssert.BitEqual(0.25f, model.Parameters[u + 2], "a weight past the threshold");
        FloatAssert.BitEqual(0f, model.Parameters[u + 3], "-0 (torch: sign(-0) is 0, so +0)");
        Assert.Equal(float.PositiveInfinity, model.Parameters[u + 4]);
        Assert.True(float.IsNaN(model.Parameters[u + 5]));
        Assert.Equal(3 + 6, model.CountZeros(3)); // the untouched second row starts at 0
    }

    [Fact]
    public void A_row_with_a_NaN_is_left_as_it_is_and_the_other_rows_are_limited()
    {
        var model = new ConstraintReferenceLayout();
        var sgd = new ConstraintReferenceLayout.SgdOptimizer(model) { LearningRate = 0.1f };
        int v = ConstraintReferenceLayout.VOffset;
        for (int i = 0; i < ConstraintReferenceLayout.VLength; i++)
        {
            model.Parameters[v + i] = 3f;
        }

        model.Parameters[v + 7] = float.NaN;
        sgd.Step();
        Assert.Equal(3f, model.Parameters[v + 8]);
        Assert.True(float.IsNaN(model.Parameters[v + 7]));
        Assert.InRange(RowNorm(model.Parameters, v, 7), 1.25 - 1e-6, 1.25 + 1e-6);
        Assert.InRange(RowNorm(model.Parameters, v + 14, 7), 1.25 - 1e-6, 1.25 + 1e-6);
    }

    [Fact]
    public void A_skipped_step_applies_no_regulariser()
    {
        var model = new ConstraintReferenceLayout();
        var adamW = new ConstraintReferenceLayout.AdamWOptimizer(model) { SkipNonFiniteSteps = true, LearningRate = 0.5f };
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = 5f;
        }

        model.Gradients[0] = float.NaN;
        float[] before = model.Parameters.ToArray();
        adamW.Step();
        Assert.Equal(1, adamW.SkippedStepCount);
        FloatAssert.BitEqual(before, model.Parameters, "parameters after a skipped step");
    }

    [Fact]
    public void L1Penalty_is_lambda_times_the_absolute_sum_of_each_L1_tensor()
    {
        var model = new ConstraintReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = (i % 3) - 1.25f;
        }

        double expected = 0.0;
        for (int i = 0; i < ConstraintReferenceLayout.WLength; i++)
        {
            expected += 0.01 * Math.Abs(model.Parameters[ConstraintReferenceLayout.WOffset + i]);
        }

        for (int i = 0; i < ConstraintReferenceLayout.ULength; i++)
        {
            expected += 1.0 * Math.Abs(model.Parameters[ConstraintReferenceLayout.UOffset + i]);
        }

        Assert.Equal(expected, model.L1Penalty(), 12);
        Assert.Equal(0.0, new PlainMlp().L1Penalty());
    }

    [Fact]
    public void CountZeros_counts_each_tensor_and_rejects_an_unknown_index()
    {
        var model = new PlainMlp();
        model.Parameters.AsSpan().Clear();
        Assert.Equal(PlainMlp.EmbeddingLength, model.CountZeros(0));
        Assert.Equal(PlainMlp.OutputBiasLength, model.CountZeros(4));
        model.Parameters[PlainMlp.HiddenWeightOffset] = 1f;
        Assert.Equal(PlainMlp.HiddenWeightLength - 1, model.CountZeros(1));
        var error = Assert.Throws<ArgumentOutOfRangeException>("tensorIndex", () => model.CountZeros(5));
        Assert.Contains("5 tensors", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>("tensorIndex", () => model.CountZeros(-1));
    }

    [Fact]
    public void The_layout_hash_includes_the_regularisers_as_documented()
    {
        string[] lines =
        {
            "tensor W 4x5 decay=1 trainable=1 l1=0.01 maxnorm=1",
            "tensor B 5 decay=0 trainable=1",
            "tensor V 3x7 decay=1 trainable=1 maxnorm=1.25",
            "tensor U 2x6 decay=1 trainable=1 l1=1",
        };
        var sgd = new ConstraintReferenceLayout.SgdOptimizer(new ConstraintReferenceLayout());
        Assert.Equal(CheckpointReader.Fnv1a64(CheckpointReader.Description(lines, "SgdOptimizer", 0)), sgd.CheckpointLayoutHash);
    }

    [Theory]
    [InlineData("SgdOptimizer")]
    [InlineData("AdamOptimizer")]
    [InlineData("AdamWOptimizer")]
    public void Step_with_regularisers_allocates_nothing(string optimizerName)
    {
        var model = new RegularisedMlp();
        IOptimizer optimizer = (IOptimizer)Activator.CreateInstance(typeof(RegularisedMlp).GetNestedType(optimizerName)!, model)!;
        var input = new float[] { 1f, -0.5f, 0.25f, 2f };
        for (int t = 0; t < 20; t++)
        {
            model.AccumulateCrossEntropyGradient(input, 1, 1f);
            optimizer.Step();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 200; t++)
        {
            model.ZeroGrad();
            model.AccumulateCrossEntropyGradient(input, t % 2, 1f);
            optimizer.Step();
            _ = model.CountZeros(1) + model.L1Penalty();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static double RowNorm(float[] p, int start, int length)
    {
        double sum = 0.0;
        for (int i = start; i < start + length; i++)
        {
            sum += (double)p[i] * p[i];
        }

        return Math.Sqrt(sum);
    }
}
