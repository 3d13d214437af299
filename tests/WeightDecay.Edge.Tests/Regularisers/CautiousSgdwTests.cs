using System;
using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.TorchReference;

namespace WeightDecay.Edge.Tests.Regularisers;

/// <summary>A layout for cautious SGDW: decayed toward zero (W, V), undecayed (B), frozen (F) and anchored (U) tensors.</summary>
[ModelLayout]
[Tensor("W", 4, 5)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7)]
[Tensor("U", 2, 6, DecayTowardAnchor = true)]
[Sgd(CautiousWeightDecay = true)]
public partial class CautiousSgdLayout
{
}

/// <summary>CautiousSgdLayout without the option: plain SGDW.</summary>
[ModelLayout]
[Tensor("W", 4, 5)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7)]
[Tensor("U", 2, 6, DecayTowardAnchor = true)]
[Sgd]
public partial class PlainSgdwLayout
{
}

/// <summary>
/// <c>[Sgd(CautiousWeightDecay = true)]</c> with <c>Decoupled = true</c> (Chen et al. 2025 on SGDW): in every step, each
/// coordinate must be bit for bit what plain SGDW gives from the same state, with its weight decay where the step's
/// direction and the weight (toward the anchor: w − a) do not have strictly opposite signs, and without it (λ = 0) where
/// they do. The direction's sign is read from the λ = 0 twin's own step (w − w'), so the test does not recompute the
/// kernel's mask. Three twins run in lockstep from the cautious layout's parameters each step; the momentum buffers
/// agree because SGDW's decay never enters them. Coupled SGD (<c>Decoupled = false</c>) must be unaffected.
/// </summary>
public class CautiousSgdwTests
{
    private const int Steps = 30;

    public static TheoryData<string> Variants() => new() { "plain", "momentum", "nesterov", "nesterov-maximize", "momentum-dampening" };

    private static void Configure(dynamic optimizer, string variant, float weightDecay, bool decoupled)
    {
        optimizer.Decoupled = decoupled;
        optimizer.LearningRate = 0.05f;
        optimizer.WeightDecay = weightDecay;
        optimizer.Momentum = variant == "plain" ? 0f : 0.9f;
        optimizer.Dampening = variant == "momentum-dampening" ? 0.3f : 0f;
        optimizer.Nesterov = variant.StartsWith("nesterov", StringComparison.Ordinal);
        optimizer.Maximize = variant.EndsWith("maximize", StringComparison.Ordinal);
        optimizer.Schedule = LearningRateSchedule.Step(10, 0.5f);
    }

    private static float Anchor(int i) => (float)Math.Cos(i * 0.7) * 0.5f;

    [Theory]
    [MemberData(nameof(Variants))]
    public void Each_coordinate_is_SGDW_with_or_without_its_decay_by_the_signs(string variant)
    {
        var cautious = new CautiousSgdLayout();
        var decayed = new PlainSgdwLayout();
        var undecayed = new PlainSgdwLayout();
        var anchor = new float[CautiousSgdLayout.ParameterCount];
        for (int i = 0; i < anchor.Length; i++)
        {
            cautious.Parameters[i] = TorchReferenceData.InitialParameter(i);
            anchor[i] = Anchor(i);
        }

        cautious.SetAnchorFrom(anchor);
        decayed.SetAnchorFrom(anchor);
        undecayed.SetAnchorFrom(anchor);
        var c = new CautiousSgdLayout.SgdOptimizer(cautious);
        var d = new PlainSgdwLayout.SgdOptimizer(decayed);
        var u = new PlainSgdwLayout.SgdOptimizer(undecayed);
        Configure(c, variant, 2f, decoupled: true);
        Configure(d, variant, 2f, decoupled: true);
        Configure(u, variant, 0f, decoupled: true);
        int agreeing = 0, opposite = 0;
        for (int t = 1; t <= Steps; t++)
        {
            float[] before = (float[])cautious.Parameters.Clone();
            Array.Copy(before, decayed.Parameters, before.Length);
            Array.Copy(before, undecayed.Parameters, before.Length);
            TorchReferenceData.SetGradients(cautious.Gradients, t);
            Array.Copy(cautious.Gradients, decayed.Gradients, before.Length);
            Array.Copy(cautious.Gradients, undecayed.Gradients, before.Length);
            c.Step();
            d.Step();
            u.Step();
            for (int i = 0; i < before.Length; i++)
            {
                bool frozen = i >= CautiousSgdLayout.FOffset && i < CautiousSgdLayout.VOffset;
                bool isDecayed = !frozen && !(i >= CautiousSgdLayout.BOffset && i < CautiousSgdLayout.FOffset);
                float step = before[i] - undecayed.Parameters[i]; // lr·direction, with the direction's sign
                float target = i >= CautiousSgdLayout.UOffset ? before[i] - anchor[i] : before[i];
                bool against = isDecayed && ((step < 0f && target > 0f) || (step > 0f && target < 0f));
                if (isDecayed)
                {
                    if (against)
                    {
                        opposite++;
                    }
                    else
                    {
                        agreeing++;
                    }
                }

                float expected = against ? undecayed.Parameters[i] : decayed.Parameters[i];
                FloatAssert.BitEqual(expected, cautious.Parameters[i], $"{variant}, parameter {i} in step {t}{(against ? " (opposite signs)" : string.Empty)}");
            }
        }

        Assert.True(agreeing > 200 && opposite > 200, $"{agreeing} coordinates decayed, {opposite} not: the test must see both");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Coupled_SGD_is_unaffected(string variant)
    {
        var cautious = new CautiousSgdLayout();
        var plain = new PlainSgdwLayout();
        for (int i = 0; i < cautious.Parameters.Length; i++)
        {
            cautious.Parameters[i] = plain.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        var c = new CautiousSgdLayout.SgdOptimizer(cautious);
        var p = new PlainSgdwLayout.SgdOptimizer(plain);
        Configure(c, variant, 0.5f, decoupled: false);
        Configure(p, variant, 0.5f, decoupled: false);
        for (int t = 1; t <= Steps; t++)
        {
            TorchReferenceData.SetGradients(cautious.Gradients, t);
            Array.Copy(cautious.Gradients, plain.Gradients, plain.Gradients.Length);
            c.Step();
            p.Step();
        }

        Assert.Equal(plain.Parameters, cautious.Parameters);
    }

    [Fact]
    public void A_step_allocates_nothing_and_the_option_is_in_the_checkpoint_layout()
    {
        var model = new CautiousSgdLayout();
        var optimizer = new CautiousSgdLayout.SgdOptimizer(model) { Decoupled = true, Momentum = 0.9f, WeightDecay = 0.1f };
        TorchReferenceData.SetGradients(model.Gradients, 1);
        optimizer.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 50; t++)
        {
            optimizer.Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        var checkpoint = new byte[optimizer.CheckpointBytes];
        optimizer.SaveCheckpoint(checkpoint, 0);
        var other = new PlainSgdwLayout.SgdOptimizer(new PlainSgdwLayout()) { Momentum = 0.9f };
        Assert.Throws<CheckpointMismatchException>(() => other.LoadCheckpoint(checkpoint, 0, checkpoint.Length));
    }
}
