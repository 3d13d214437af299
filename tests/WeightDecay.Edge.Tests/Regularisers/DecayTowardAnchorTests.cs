using System;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.Reference;
using WeightDecay.Edge.Tests.TorchReference;

namespace WeightDecay.Edge.Tests.Regularisers;

/// <summary>AnchorReferenceLayout's tensors without <c>DecayTowardAnchor</c>: what anchored tensors do while the anchor is zero.</summary>
[ModelLayout]
[Tensor("W", 4, 5)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7)]
[Tensor("U", 2, 6)]
[Sgd, Adam, AdamW]
public partial class UnanchoredReferenceLayout
{
}

/// <summary>
/// <c>DecayTowardAnchor = true</c> (AnchorReferenceLayout: W and U anchored, V decayed toward zero, B undecayed, F frozen):
/// against a double-precision reference written from the formulas (g + λ(p − a); p − γλ(p − a)) under a schedule, both
/// AdamW decay modes, the anchor's setters and their refusals, the penalty, checkpoints, the RAM count and allocation.
/// The bitwise comparison with torch is AnchorReferenceTests.
/// </summary>
public class DecayTowardAnchorTests
{
    private const int Steps = 40;

    private static float AnchorValue(int i) => (float)((((i * 7331L) + 5) % 1999 - 999) / 1000.0);

    private static bool Anchored(int i) =>
        i < AnchorReferenceLayout.BOffset || i >= AnchorReferenceLayout.UOffset;

    /// <summary>A full parameter vector whose anchored slices hold the anchor values and whose other entries are 7.</summary>
    private static float[] AnchorSource() =>
        Enumerable.Range(0, AnchorReferenceLayout.ParameterCount).Select(i => Anchored(i) ? AnchorValue(i) : 7f).ToArray();

    private static AnchorReferenceLayout NewModel()
    {
        var model = new AnchorReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        return model;
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("adamw-schedule-coupled")]
    public void Steps_follow_the_double_reference_under_a_schedule(string kind)
    {
        AnchorReferenceLayout model = NewModel();
        model.SetAnchorFrom(AnchorSource());
        bool[] decay = Enumerable.Range(0, model.Parameters.Length)
            .Select(i => i < AnchorReferenceLayout.BOffset || i >= AnchorReferenceLayout.VOffset).ToArray();
        double[] anchor = Enumerable.Range(0, model.Parameters.Length).Select(i => Anchored(i) ? (double)AnchorValue(i) : 0.0).ToArray();
        LearningRateSchedule schedule = LearningRateSchedule.Step(10, 0.5f);
        (IOptimizer optimizer, IReferenceOptimizer reference, double lr) = kind switch
        {
            "sgd" => ((IOptimizer)new AnchorReferenceLayout.SgdOptimizer(model) { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 0.3f, Schedule = schedule },
                (IReferenceOptimizer)new ReferenceSgd(model.Parameters, decay, new SgdOptions(0.05, 0.9, 0, false, 0.3)) { Anchor = anchor }, 0.05),
            "adam" => (new AnchorReferenceLayout.AdamOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0.3f, Schedule = schedule },
                new ReferenceAdam(model.Parameters, decay, new AdamOptions(0.01, 0.9, 0.999, 1e-8, 0.3, false)) { Anchor = anchor }, 0.01),
            "adamw" => (new AnchorReferenceLayout.AdamWOptimizer(model) { LearningRate = 0.01f, WeightDecay = 2f, Schedule = schedule },
                new ReferenceAdamW(model.Parameters, decay, new AdamOptions(0.01, 0.9, 0.999, 1e-8, 2, false)) { Anchor = anchor }, 0.01),
            _ => (new AnchorReferenceLayout.AdamWOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0.02f, Schedule = schedule, DecayMode = DecoupledDecay.ScheduleCoupled },
                new ReferenceAdamW(model.Parameters, decay, new AdamOptions(0.01, 0.9, 0.999, 1e-8, 0.02, false)) { Anchor = anchor }, 0.01),
        };

        for (int t = 1; t <= Steps; t++)
        {
            float[] gradients = model.Gradients;
            for (int i = 0; i < gradients.Length; i++)
            {
                bool frozen = i >= AnchorReferenceLayout.FOffset && i < AnchorReferenceLayout.VOffset;
                gradients[i] = frozen ? 0f : (float)Math.Sin((i * 0.7) + (t * 1.3));
            }

            double multiplier = schedule.Multiplier(t - 1);
            reference.LearningRate = lr * multiplier;
            if (reference is ReferenceAdamW adamW && kind == "adamw-schedule-coupled")
            {
                adamW.DecayRate = multiplier;
            }

            reference.Step(gradients);
            optimizer.Step();
            for (int i = 0; i < gradients.Length; i++)
            {
                double expected = reference.Parameters[i];
                Assert.True(
                    Math.Abs(expected - model.Parameters[i]) <= 2e-5 * Math.Max(1.0, Math.Abs(expected)),
                    $"{kind}, parameter {i} after step {t}: reference {expected:R}, generated {model.Parameters[i]:R}");
            }
        }
    }

    [Fact]
    public void With_no_gradient_SGD_pulls_each_anchored_weight_toward_its_anchor_by_the_factor_one_minus_lr_lambda()
    {
        AnchorReferenceLayout model = NewModel();
        model.SetAnchorFrom(AnchorSource());
        float[] initial = model.Parameters.ToArray();
        var sgd = new AnchorReferenceLayout.SgdOptimizer(model) { LearningRate = 0.1f, WeightDecay = 0.5f };
        for (int t = 0; t < 50; t++)
        {
            sgd.Step();
        }

        double factor = Math.Pow(1 - (0.1 * 0.5), 50);
        for (int i = 0; i < initial.Length; i++)
        {
            bool frozen = i >= AnchorReferenceLayout.FOffset && i < AnchorReferenceLayout.VOffset;
            bool undecayed = i >= AnchorReferenceLayout.BOffset && i < AnchorReferenceLayout.VOffset;
            double target = Anchored(i) ? AnchorValue(i) : 0.0;
            double expected = undecayed || frozen ? initial[i] : target + ((initial[i] - target) * factor);
            Assert.True(Math.Abs(expected - model.Parameters[i]) <= 1e-5, $"parameter {i}: expected {expected:R}, got {model.Parameters[i]:R}");
        }
    }

    [Theory]
    [InlineData("SgdOptimizer")]
    [InlineData("AdamOptimizer")]
    public void Until_an_anchor_is_set_anchored_tensors_decay_toward_zero_bit_for_bit(string optimizerName)
    {
        AnchorReferenceLayout anchored = NewModel();
        var plain = new UnanchoredReferenceLayout();
        plain.CopyParametersFrom(anchored.Parameters);
        dynamic first = Activator.CreateInstance(typeof(AnchorReferenceLayout).GetNestedType(optimizerName)!, anchored)!;
        dynamic second = Activator.CreateInstance(typeof(UnanchoredReferenceLayout).GetNestedType(optimizerName)!, plain)!;
        first.WeightDecay = 0.25f;
        second.WeightDecay = 0.25f;
        for (int t = 1; t <= 20; t++)
        {
            TorchReferenceData.SetGradients(anchored.Gradients, t);
            plain.CopyGradientsFrom(anchored.Gradients);
            ((IOptimizer)first).Step();
            ((IOptimizer)second).Step();
        }

        Assert.All(anchored.Anchor, value => FloatAssert.BitEqual(0f, value, "the anchor"));
        FloatAssert.BitEqual(plain.Parameters, anchored.Parameters, "parameters decayed toward a zero anchor and toward zero");
    }

    [Fact]
    public void CaptureAnchor_packs_the_anchored_tensors_in_declaration_order()
    {
        AnchorReferenceLayout model = NewModel();
        model.CaptureAnchor();
        Assert.Equal(AnchorReferenceLayout.WLength + AnchorReferenceLayout.ULength, AnchorReferenceLayout.AnchoredParameterCount);
        Assert.Equal(AnchorReferenceLayout.AnchoredParameterCount, model.Anchor.Length);
        float[] expected = model.W.ToArray().Concat(model.U.ToArray()).ToArray();
        FloatAssert.BitEqual(expected, model.Anchor, "the anchor");
        FloatAssert.BitEqual(model.W.ToArray(), model.WAnchor.ToArray(), "W's anchor view");
        FloatAssert.BitEqual(model.U.ToArray(), model.UAnchor.ToArray(), "U's anchor view");

        // The anchor is a copy: training moves the parameters, not it.
        new AnchorReferenceLayout.SgdOptimizer(model) { LearningRate = 0.1f }.Step();
        TorchReferenceData.SetGradients(model.Gradients, 1);
        new AnchorReferenceLayout.SgdOptimizer(model) { LearningRate = 0.1f }.Step();
        FloatAssert.BitEqual(expected, model.Anchor, "the anchor after a step");
        Assert.NotEqual(expected, model.W.ToArray().Concat(model.U.ToArray()).ToArray());
    }

    [Fact]
    public void SetAnchorFrom_refuses_bad_input_and_leaves_the_anchor_as_it_was()
    {
        AnchorReferenceLayout model = NewModel();
        model.SetAnchorFrom(AnchorSource());
        float[] before = model.Anchor.ToArray();

        Assert.Throws<ArgumentNullException>("parameters", () => model.SetAnchorFrom(null!));
        Assert.Throws<ArgumentException>("parameters", () => model.SetAnchorFrom(new float[AnchorReferenceLayout.ParameterCount - 1]));
        Assert.Throws<ArgumentException>("parameters", () => model.SetAnchorFrom(new float[AnchorReferenceLayout.ParameterCount + 1]));
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            float[] source = new float[AnchorReferenceLayout.ParameterCount];
            source[AnchorReferenceLayout.UOffset + 3] = bad;
            ArgumentException error = Assert.Throws<ArgumentException>("parameters", () => model.SetAnchorFrom(source));
            Assert.Contains($"parameters[{AnchorReferenceLayout.UOffset + 3}]", error.Message, StringComparison.Ordinal);
        }

        FloatAssert.BitEqual(before, model.Anchor, "the anchor after refused calls");
    }

    [Fact]
    public void L2Penalty_is_half_lambda_times_the_squared_distance_from_the_anchor_plus_the_squared_norm_toward_zero()
    {
        AnchorReferenceLayout model = NewModel();
        model.SetAnchorFrom(AnchorSource());
        var adam = new AnchorReferenceLayout.AdamOptimizer(model) { WeightDecay = 0.3f };
        double sum = 0;
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            double w = model.Parameters[i];
            if (Anchored(i))
            {
                sum += (w - AnchorValue(i)) * (w - AnchorValue(i));
            }
            else if (i >= AnchorReferenceLayout.VOffset && i < AnchorReferenceLayout.UOffset)
            {
                sum += w * w;
            }
        }

        Assert.Equal(sum, model.DecayedSquaredNorm(), 12);
        Assert.Equal(0.5 * 0.3 * sum, adam.L2Penalty(), 6);
    }

    [Fact]
    public void A_checkpoint_holds_the_anchor_after_the_parameters_and_restores_it()
    {
        AnchorReferenceLayout model = NewModel();
        model.SetAnchorFrom(AnchorSource());
        var adam = new AnchorReferenceLayout.AdamOptimizer(model) { WeightDecay = 0.3f };
        TorchReferenceData.SetGradients(model.Gradients, 1);
        adam.Step();
        byte[] checkpoint = new byte[adam.CheckpointBytes];
        Assert.Equal(checkpoint.Length, adam.SaveCheckpoint(checkpoint, 0));

        // docs/checkpoints.md: F = 84 for Adam, then 4P of parameters, 4A of anchor, 8T of state and the CRC.
        const int P = AnchorReferenceLayout.ParameterCount, A = AnchorReferenceLayout.AnchoredParameterCount, T = AnchorReferenceLayout.TrainableParameterCount;
        Assert.Equal(84 + (4 * P) + (4 * A) + (8 * T) + 4, checkpoint.Length);
        for (int k = 0; k < A; k++)
        {
            FloatAssert.BitEqual(model.Anchor[k], BitConverter.ToSingle(checkpoint, 84 + (4 * P) + (4 * k)), $"the checkpoint's anchor {k}");
        }

        float[] anchor = model.Anchor.ToArray();
        float[] parameters = model.Parameters.ToArray();
        model.CaptureAnchor();
        adam.Step();
        adam.LoadCheckpoint(checkpoint, 0, checkpoint.Length);
        FloatAssert.BitEqual(anchor, model.Anchor, "the anchor after loading");
        FloatAssert.BitEqual(parameters, model.Parameters, "the parameters after loading");
    }

    [Fact]
    public void A_non_finite_anchor_is_not_saved_and_the_layout_hash_says_which_tensors_are_anchored()
    {
        AnchorReferenceLayout model = NewModel();
        var sgd = new AnchorReferenceLayout.SgdOptimizer(model);
        model.Anchor[AnchorReferenceLayout.WLength + 1] = float.NaN;
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => sgd.SaveCheckpoint(new byte[sgd.CheckpointBytes], 0));
        Assert.Contains($"Anchor[{AnchorReferenceLayout.WLength + 1}]", error.Message, StringComparison.Ordinal);

        var plain = new UnanchoredReferenceLayout.SgdOptimizer(new UnanchoredReferenceLayout());
        Assert.NotEqual(plain.CheckpointLayoutHash, sgd.CheckpointLayoutHash);
        Assert.Equal(plain.CheckpointBytes + (4 * AnchorReferenceLayout.AnchoredParameterCount), sgd.CheckpointBytes);
    }

    [Fact]
    public void The_anchor_is_counted_in_the_RAM_constants()
    {
        Assert.Equal(4 * AnchorReferenceLayout.AnchoredParameterCount, AnchorReferenceLayout.AnchorBytes);
        Assert.Equal(
            AnchorReferenceLayout.ParameterBytes + AnchorReferenceLayout.GradientBytes + AnchorReferenceLayout.AnchorBytes
                + AnchorReferenceLayout.OptimizerStateBytes + AnchorReferenceLayout.ActivationBytes,
            AnchorReferenceLayout.RamBytes);
        Assert.Equal(UnanchoredReferenceLayout.RamBytes + AnchorReferenceLayout.AnchorBytes, AnchorReferenceLayout.RamBytes);
    }

    [Fact]
    public void Steps_with_an_anchor_allocate_nothing()
    {
        AnchorReferenceLayout model = NewModel();
        model.CaptureAnchor();
        TorchReferenceData.SetGradients(model.Gradients, 3);
        IOptimizer[] optimizers =
        {
            new AnchorReferenceLayout.SgdOptimizer(model) { Momentum = 0.9f, WeightDecay = 0.1f },
            new AnchorReferenceLayout.AdamOptimizer(model) { WeightDecay = 0.1f, Amsgrad = true },
            new AnchorReferenceLayout.AdamWOptimizer(model) { WeightDecay = 0.1f },
        };
        foreach (IOptimizer optimizer in optimizers)
        {
            optimizer.Step();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 0; t < 10; t++)
            {
                optimizer.Step();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
