using System;
using System.Linq;
using WeightDecay.Edge.Tests.Checkpoints;
using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.Reference;
using WeightDecay.Edge.Tests.TorchReference;

namespace WeightDecay.Edge.Tests.Regularisers;

/// <summary>
/// Cautious weight decay: W and V decayed toward zero, U toward the anchor, B and C undecayed, F frozen. Run lengths (20, 37
/// and 21) give whole vectors and remainders on every SIMD width, and U's remainder goes through the scalar kernel.
/// </summary>
[ModelLayout]
[Tensor("W", 4, 5)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 37)]
[Tensor("U", 3, 7, DecayTowardAnchor = true)]
[Tensor("C", 3, Decay = false)]
[AdamW(CautiousWeightDecay = true)]
public partial class CautiousLayout
{
}

/// <summary>CautiousLayout's tensors with plain AdamW: what cautious decay must equal where every sign agrees, or with λ = 0.</summary>
[ModelLayout]
[Tensor("W", 4, 5)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 37)]
[Tensor("U", 3, 7, DecayTowardAnchor = true)]
[Tensor("C", 3, Decay = false)]
[AdamW]
public partial class CautiousTwinLayout
{
}

/// <summary>
/// <c>[AdamW(CautiousWeightDecay = true)]</c> (Chen et al. 2025): against a double-precision reference written from the paper's
/// formula, in both decay modes, with and without AMSGrad and maximize; bit for bit against plain AdamW where the mask is
/// all set (AdamW with λ) or all clear (AdamW with λ = 0), coordinate by coordinate; the layout hash; allocation. torch has
/// no cautious weight decay, so there is no torch trajectory to compare with.
/// </summary>
public class CautiousWeightDecayTests
{
    private const int Steps = 40;

    private static bool Frozen(int i) => i >= CautiousLayout.FOffset && i < CautiousLayout.VOffset;

    private static bool Anchored(int i) => i >= CautiousLayout.UOffset && i < CautiousLayout.COffset;

    private static bool Decayed(int i) =>
        i < CautiousLayout.BOffset || (i >= CautiousLayout.VOffset && i < CautiousLayout.COffset);

    private static float AnchorValue(int i) => (float)(0.4 * Math.Sin(i * 1.9));

    private static float[] AnchorSource() =>
        Enumerable.Range(0, CautiousLayout.ParameterCount).Select(i => Anchored(i) ? AnchorValue(i) : 0f).ToArray();

    public static TheoryData<bool, bool, bool> Options()
    {
        var data = new TheoryData<bool, bool, bool>();
        foreach (bool amsgrad in new[] { false, true })
        {
            foreach (bool maximize in new[] { false, true })
            {
                foreach (bool scheduleCoupled in new[] { false, true })
                {
                    data.Add(amsgrad, maximize, scheduleCoupled);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Steps_follow_the_double_reference_written_from_the_paper(bool amsgrad, bool maximize, bool scheduleCoupled)
    {
        var model = new CautiousLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = (float)Math.Sin((i * 2.3) + 0.5);
        }

        model.SetAnchorFrom(AnchorSource());
        LearningRateSchedule schedule = LearningRateSchedule.Step(10, 0.5f);
        const double LearningRate = 0.01;
        double lambda = scheduleCoupled ? 0.02 : 2; // 2% of the distance per step at the start, in both modes
        var optimizer = new CautiousLayout.AdamWOptimizer(model)
        {
            LearningRate = (float)LearningRate,
            WeightDecay = (float)lambda,
            Amsgrad = amsgrad,
            Maximize = maximize,
            Schedule = schedule,
            DecayMode = scheduleCoupled ? DecoupledDecay.ScheduleCoupled : DecoupledDecay.LearningRateCoupled,
        };
        bool[] decay = Enumerable.Range(0, model.Parameters.Length).Select(Decayed).ToArray();
        var reference = new ReferenceAdamW(model.Parameters, decay, new AdamOptions(LearningRate, 0.9, 0.999, 1e-8, lambda, amsgrad))
        {
            Anchor = Enumerable.Range(0, model.Parameters.Length).Select(i => Anchored(i) ? (double)AnchorValue(i) : 0.0).ToArray(),
            Cautious = true,
            Maximize = maximize,
        };

        for (int t = 1; t <= Steps; t++)
        {
            for (int i = 0; i < model.Gradients.Length; i++)
            {
                model.Gradients[i] = Frozen(i) ? 0f : (float)(Math.Sin((i * 0.7) + (t * 1.3)) + (0.3 * Math.Cos(i * 1.1)));
            }

            double multiplier = schedule.Multiplier(t - 1);
            reference.LearningRate = LearningRate * multiplier;
            reference.DecayRate = scheduleCoupled ? multiplier : null;
            reference.Step(model.Gradients);
            optimizer.Step();
            for (int i = 0; i < model.Parameters.Length; i++)
            {
                double expected = reference.Parameters[i];
                Assert.True(
                    Math.Abs(expected - model.Parameters[i]) <= 2e-5 * Math.Max(1.0, Math.Abs(expected)),
                    $"parameter {i} after step {t}: reference {expected:R}, generated {model.Parameters[i]:R}");
            }
        }

        // The mask really was mixed, and no decision was close enough to zero for float rounding (under 1e-6 here) to flip it.
        Assert.True(reference.CautiousSkipped > 300, $"{reference.CautiousSkipped} decays skipped");
        Assert.True(reference.CautiousDecayed > 300, $"{reference.CautiousDecayed} decays applied");
        Assert.True(reference.CautiousMargin > 1e-5, $"closest sign decision {reference.CautiousMargin:R}");
    }

    // The sign each coordinate's first moment (the update's direction) and its parameter (its distance from the anchor)
    // keep through the run: +1, -1, or 0 (exactly zero).
    private static (int Moment, int Parameter) Signs(string pattern, int i)
    {
        int parameter = (i % 2 == 0) ? 1 : -1;
        return pattern switch
        {
            "agree" => (parameter, parameter),
            "disagree" => (-parameter, parameter),
            _ => (new[] { 1, -1, 0 }[i % 3], new[] { 1, 1, -1, 1, 0 }[i % 5]),
        };
    }

    [Theory]
    [InlineData("agree", false, false, false)]
    [InlineData("agree", true, true, true)]
    [InlineData("disagree", false, false, false)]
    [InlineData("disagree", true, true, true)]
    [InlineData("mixed", false, false, false)]
    [InlineData("mixed", true, false, true)]
    [InlineData("mixed", false, true, false)]
    [InlineData("mixed", true, true, true)]
    public void Each_coordinate_is_AdamW_with_lambda_where_signs_agree_and_AdamW_without_decay_where_they_disagree_bit_for_bit(
        string pattern, bool amsgrad, bool maximize, bool scheduleCoupled)
    {
        var cautious = new CautiousLayout();
        var decayed = new CautiousTwinLayout();
        var undecayed = new CautiousTwinLayout();
        var expected = new float[CautiousLayout.ParameterCount];
        var gradientScale = new float[CautiousLayout.ParameterCount];
        for (int i = 0; i < expected.Length; i++)
        {
            (int moment, int parameter) = Signs(pattern, i);
            float magnitude = 0.5f + (0.1f * (i % 7));
            float value = Decayed(i) ? parameter * magnitude : (float)Math.Cos(i);
            cautious.Parameters[i] = Anchored(i) ? AnchorValue(i) + value : value;
            gradientScale[i] = Frozen(i) ? 0f : (maximize ? -1 : 1) * moment * (0.2f + (0.05f * (i % 5)));
        }

        decayed.CopyParametersFrom(cautious.Parameters);
        undecayed.CopyParametersFrom(cautious.Parameters);
        cautious.SetAnchorFrom(AnchorSource());
        decayed.SetAnchorFrom(AnchorSource());
        undecayed.SetAnchorFrom(AnchorSource());
        DecoupledDecay mode = scheduleCoupled ? DecoupledDecay.ScheduleCoupled : DecoupledDecay.LearningRateCoupled;
        float lambda = scheduleCoupled ? 0.01f : 1f;
        IOptimizer[] optimizers =
        {
            new CautiousLayout.AdamWOptimizer(cautious) { LearningRate = 0.01f, WeightDecay = lambda, Amsgrad = amsgrad, Maximize = maximize, DecayMode = mode },
            new CautiousTwinLayout.AdamWOptimizer(decayed) { LearningRate = 0.01f, WeightDecay = lambda, Amsgrad = amsgrad, Maximize = maximize, DecayMode = mode },
            new CautiousTwinLayout.AdamWOptimizer(undecayed) { LearningRate = 0.01f, WeightDecay = 0f, Amsgrad = amsgrad, Maximize = maximize, DecayMode = mode },
        };
        for (int t = 1; t <= 20; t++)
        {
            for (int i = 0; i < gradientScale.Length; i++)
            {
                // Magnitudes vary, signs do not: each first moment keeps its sign.
                cautious.Gradients[i] = gradientScale[i] * (1.5f + (float)Math.Sin((i * 0.3) + t));
            }

            decayed.CopyGradientsFrom(cautious.Gradients);
            undecayed.CopyGradientsFrom(cautious.Gradients);
            foreach (IOptimizer optimizer in optimizers)
            {
                optimizer.Step();
            }

            for (int i = 0; i < expected.Length; i++)
            {
                // I(u·x ≥ 0): a zero first moment is decayed. A zero parameter (or one on its anchor) is decayed by nothing
                // in the first step, and from then on sits on the side opposite to its update.
                (int moment, int parameter) = Signs(pattern, i);
                bool agree = parameter != 0 && (moment == 0 || moment == parameter);
                expected[i] = agree ? decayed.Parameters[i] : undecayed.Parameters[i];
            }

            FloatAssert.BitEqual(expected, cautious.Parameters, $"{pattern}, step {t}");
        }

        Assert.NotEqual(decayed.Parameters, undecayed.Parameters); // The decay is not negligible.
    }

    [Fact]
    public void A_sign_disagreement_whose_product_underflows_to_zero_is_still_not_decayed()
    {
        // m ≈ -1e-24 and p ≈ 1e-25: m·p ≈ -1e-49 is -0 in float, and "m·p ≥ 0" would decay. With ε = 1 the update, about
        // lr·1e-23, is small enough beside p for the decay it must not get (lr·λ·p ≈ 1e-26) to show in p's bits.
        var cautious = new CautiousLayout();
        var undecayed = new CautiousTwinLayout();
        for (int i = 0; i < cautious.Parameters.Length; i++)
        {
            bool towardZero = Decayed(i) && !Anchored(i);
            cautious.Parameters[i] = towardZero ? 1e-25f * (1 + (i % 3)) : 0.5f;
            cautious.Gradients[i] = towardZero ? -1e-23f : 0f;
        }

        undecayed.CopyParametersFrom(cautious.Parameters);
        undecayed.CopyGradientsFrom(cautious.Gradients);
        var first = new CautiousLayout.AdamWOptimizer(cautious) { LearningRate = 0.01f, WeightDecay = 10f, Epsilon = 1f };
        var second = new CautiousTwinLayout.AdamWOptimizer(undecayed) { LearningRate = 0.01f, WeightDecay = 0f, Epsilon = 1f };
        for (int t = 1; t <= 5; t++)
        {
            first.Step();
            second.Step();
            for (int i = 0; i < cautious.Parameters.Length; i++)
            {
                if (Decayed(i) && !Anchored(i))
                {
                    FloatAssert.BitEqual(undecayed.Parameters[i], cautious.Parameters[i], $"parameter {i} after step {t}");
                }
            }
        }

        Assert.True(cautious.Parameters[0] > 1e-25f); // moved away from zero by its update, and not decayed
    }

    [Fact]
    public void The_layout_hash_says_cautious_only_for_AdamW_of_the_layout_that_sets_it()
    {
        string[] lines =
        {
            "tensor W 4x5 decay=1 trainable=1",
            "tensor B 5 decay=0 trainable=1",
            "tensor F 2x3 decay=1 trainable=0",
            "tensor V 37 decay=1 trainable=1",
            "tensor U 3x7 decay=1 trainable=1 anchor=1",
            "tensor C 3 decay=0 trainable=1",
        };
        string tensors = string.Concat(lines.Select(line => line + "\n"));
        var cautious = new CautiousLayout.AdamWOptimizer(new CautiousLayout());
        var twin = new CautiousTwinLayout.AdamWOptimizer(new CautiousTwinLayout());
        const string Head = "WeightDecay.Edge checkpoint layout 1\n";

        Assert.Equal(CheckpointReader.Fnv1a64(Head + tensors + "optimizer AdamWOptimizer state=0 cautious=1\n"), cautious.CheckpointLayoutHash);
        Assert.Equal(CheckpointReader.Fnv1a64(Head + tensors + "optimizer AdamWOptimizer state=0\n"), twin.CheckpointLayoutHash);
        cautious.Amsgrad = true;
        Assert.Equal(CheckpointReader.Fnv1a64(Head + tensors + "optimizer AdamWOptimizer state=1 cautious=1\n"), cautious.CheckpointLayoutHash);
    }

    [Fact]
    public void A_checkpoint_round_trips_and_one_of_plain_AdamW_is_refused()
    {
        var model = new CautiousLayout();
        model.CaptureAnchor();
        var adamW = new CautiousLayout.AdamWOptimizer(model) { WeightDecay = 0.1f };
        TorchReferenceData.SetGradients(model.Gradients, 1);
        adamW.Step();
        byte[] checkpoint = new byte[adamW.CheckpointBytes];
        adamW.SaveCheckpoint(checkpoint, 0);

        var restored = new CautiousLayout();
        var restoredAdamW = new CautiousLayout.AdamWOptimizer(restored);
        restoredAdamW.LoadCheckpoint(checkpoint, 0, checkpoint.Length);
        restored.CopyGradientsFrom(model.Gradients);
        adamW.Step();
        restoredAdamW.Step();
        FloatAssert.BitEqual(model.Parameters, restored.Parameters, "parameters one step after the restore");

        var twin = new CautiousTwinLayout.AdamWOptimizer(new CautiousTwinLayout());
        byte[] plain = new byte[twin.CheckpointBytes];
        twin.SaveCheckpoint(plain, 0);
        var error = Assert.Throws<CheckpointMismatchException>(() => adamW.LoadCheckpoint(plain, 0, plain.Length));
        Assert.Equal(CheckpointError.LayoutMismatch, error.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cautious_steps_allocate_nothing(bool amsgrad)
    {
        var model = new CautiousLayout();
        model.CaptureAnchor();
        TorchReferenceData.SetGradients(model.Gradients, 3);
        var optimizer = new CautiousLayout.AdamWOptimizer(model) { WeightDecay = 0.1f, Amsgrad = amsgrad, Maximize = amsgrad };
        optimizer.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 100; t++)
        {
            optimizer.Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
