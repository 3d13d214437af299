using System;
using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.TorchReference;

namespace WeightDecay.Edge.Tests.Regularisers;

/// <summary>
/// One parameter group with both scales, on every regulariser a tensor can declare: an anchored tensor with a proximal
/// L1 step and a row-norm limit, its undecayed bias, a frozen tensor, and a tensor decayed toward zero.
/// </summary>
[ModelLayout]
[Tensor("W", 4, 5, LearningRateScale = 0.5f, WeightDecayScale = 4f, DecayTowardAnchor = true, L1 = 0.01f, MaxNorm = 1.5f)]
[Tensor("B", 5, Decay = false, LearningRateScale = 0.5f)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7, LearningRateScale = 0.5f, WeightDecayScale = 4f)]
[Sgd, Adam, AdamW]
public partial class ScaledGroupLayout
{
}

/// <summary>ScaledGroupLayout without the scales.</summary>
[ModelLayout]
[Tensor("W", 4, 5, DecayTowardAnchor = true, L1 = 0.01f, MaxNorm = 1.5f)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7)]
[Sgd, Adam, AdamW]
public partial class UnscaledGroupLayout
{
}

/// <summary>
/// <c>LearningRateScale</c> and <c>WeightDecayScale</c> where torch has no counterpart to compare with (decay toward an
/// anchor, proximal L1, max-norm, SGDW, AdamW's schedule-coupled decay, a decay schedule): a layout whose every trainable
/// tensor is in one group with lr × 0.5 and weight_decay × 4, trained with LearningRate 0.02 and WeightDecay 0.25, must
/// take bit for bit the steps of the same layout without scales trained with 0.01 and 1 (halving and quadrupling are exact
/// in binary, so lr_t·0.5 and λ_t·4 are exactly the unscaled run's lr_t and λ_t). Also: the penalty, the checkpoint
/// layout hash and allocation. The bitwise comparison with torch's param groups is ParamGroupReferenceTests.
/// </summary>
public class ParameterGroupTests
{
    private const int Steps = 30;

    public static TheoryData<string> Kinds() => new()
    {
        "sgd", "sgd-momentum", "sgdw-nesterov-maximize", "adam-amsgrad", "adamw", "adamw-schedule-coupled",
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_scaled_group_takes_the_steps_of_the_unscaled_layout_at_the_scaled_values(string kind)
    {
        var scaled = new ScaledGroupLayout();
        var unscaled = new UnscaledGroupLayout();
        var anchor = new float[ScaledGroupLayout.ParameterCount];
        for (int i = 0; i < anchor.Length; i++)
        {
            scaled.Parameters[i] = unscaled.Parameters[i] = TorchReferenceData.InitialParameter(i);
            anchor[i] = (float)Math.Sin(i);
        }

        scaled.SetAnchorFrom(anchor);
        unscaled.SetAnchorFrom(anchor);
        IOptimizer a = Create(scaled, kind, learningRate: 0.02f, weightDecay: 0.25f);
        IOptimizer b = Create(unscaled, kind, learningRate: 0.01f, weightDecay: 1f);
        for (int t = 1; t <= Steps; t++)
        {
            TorchReferenceData.SetGradients(scaled.Gradients, t);
            Array.Copy(scaled.Gradients, unscaled.Gradients, scaled.Gradients.Length);
            a.Step();
            b.Step();
            for (int i = 0; i < scaled.Parameters.Length; i++)
            {
                FloatAssert.BitEqual(unscaled.Parameters[i], scaled.Parameters[i], $"{kind}, parameter {i} after step {t}");
            }

            Assert.Equal(BitConverter.DoubleToInt64Bits(b.L2Penalty()), BitConverter.DoubleToInt64Bits(a.L2Penalty()));
        }

        // The scales did something: at the unscaled values the scaled layout moves differently.
        var other = new ScaledGroupLayout();
        Array.Copy(TorchReferenceDataInitial(), other.Parameters, other.Parameters.Length);
        other.SetAnchorFrom(anchor);
        IOptimizer c = Create(other, kind, learningRate: 0.01f, weightDecay: 1f);
        TorchReferenceData.SetGradients(other.Gradients, 1);
        c.Step();
        var first = new UnscaledGroupLayout();
        Array.Copy(TorchReferenceDataInitial(), first.Parameters, first.Parameters.Length);
        first.SetAnchorFrom(anchor);
        IOptimizer d = Create(first, kind, learningRate: 0.01f, weightDecay: 1f);
        TorchReferenceData.SetGradients(first.Gradients, 1);
        d.Step();
        Assert.Contains(System.Linq.Enumerable.Range(0, ScaledGroupLayout.WLength), i => other.Parameters[i] != first.Parameters[i]);
    }

    [Fact]
    public void The_scales_are_part_of_the_checkpoint_layout()
    {
        var scaled = new ScaledGroupLayout();
        var optimizer = new ScaledGroupLayout.AdamWOptimizer(scaled);
        var checkpoint = new byte[optimizer.CheckpointBytes];
        optimizer.SaveCheckpoint(checkpoint, 0);

        var unscaled = new UnscaledGroupLayout();
        var other = new UnscaledGroupLayout.AdamWOptimizer(unscaled);
        Assert.Equal(checkpoint.Length, other.CheckpointBytes);
        float before = unscaled.Parameters[0];
        Assert.Throws<CheckpointMismatchException>(() => other.LoadCheckpoint(checkpoint, 0, checkpoint.Length));
        Assert.Equal(before, unscaled.Parameters[0]);

        // And the scaled layout reads its own back.
        optimizer.LoadCheckpoint(checkpoint, 0, checkpoint.Length);
    }

    [Fact]
    public void A_step_of_a_layout_with_groups_allocates_nothing()
    {
        var model = new ParamGroupReferenceLayout();
        var optimizers = new IOptimizer[]
        {
            new ParamGroupReferenceLayout.SgdOptimizer(model) { Momentum = 0.9f, WeightDecay = 0.1f },
            new ParamGroupReferenceLayout.AdamOptimizer(model) { WeightDecay = 0.1f, Amsgrad = true },
            new ParamGroupReferenceLayout.AdamWOptimizer(model),
        };
        foreach (IOptimizer optimizer in optimizers)
        {
            TorchReferenceData.SetGradients(model.Gradients, 1);
            optimizer.Step(); // the first step of each: nothing is allocated later either
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 2; t < 50; t++)
            {
                optimizer.Step();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    private static float[] TorchReferenceDataInitial()
    {
        var values = new float[ScaledGroupLayout.ParameterCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = TorchReferenceData.InitialParameter(i);
        }

        return values;
    }

    private static IOptimizer Create(IModelLayout model, string kind, float learningRate, float weightDecay)
    {
        dynamic optimizer = (model, kind) switch
        {
            (ScaledGroupLayout m, "adam-amsgrad") => new ScaledGroupLayout.AdamOptimizer(m) { Amsgrad = true },
            (ScaledGroupLayout m, _) when kind.StartsWith("adamw", StringComparison.Ordinal) => new ScaledGroupLayout.AdamWOptimizer(m),
            (ScaledGroupLayout m, _) => new ScaledGroupLayout.SgdOptimizer(m),
            (UnscaledGroupLayout m, "adam-amsgrad") => new UnscaledGroupLayout.AdamOptimizer(m) { Amsgrad = true },
            (UnscaledGroupLayout m, _) when kind.StartsWith("adamw", StringComparison.Ordinal) => new UnscaledGroupLayout.AdamWOptimizer(m),
            (UnscaledGroupLayout m, _) => (object)new UnscaledGroupLayout.SgdOptimizer(m),
            _ => throw new ArgumentException(kind),
        };
        optimizer.LearningRate = learningRate;
        optimizer.WeightDecay = weightDecay;
        optimizer.Schedule = LearningRateSchedule.Step(7, 0.3f);
        optimizer.DecaySchedule = LearningRateSchedule.Step(11, 0.5f);
        if (kind.StartsWith("sgd", StringComparison.Ordinal))
        {
            optimizer.Decoupled = kind.StartsWith("sgdw", StringComparison.Ordinal);
            optimizer.Momentum = kind == "sgd" ? 0f : 0.9f;
            optimizer.Nesterov = kind.Contains("nesterov", StringComparison.Ordinal);
            optimizer.Maximize = kind.Contains("maximize", StringComparison.Ordinal);
        }

        if (kind == "adamw-schedule-coupled")
        {
            optimizer.DecayMode = DecoupledDecay.ScheduleCoupled;
        }

        return (IOptimizer)optimizer;
    }
}
