using System;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.TorchReference;

/// <summary>
/// The layout make_param_group_reference.py runs torch on: four parameter groups (a halved learning rate on W and its
/// undecayed bias B, a quadrupled weight decay on V, both scales on U, and C in the base group) around a frozen F.
/// </summary>
[ModelLayout]
[Tensor("W", 4, 5, LearningRateScale = 0.5f)]
[Tensor("B", 5, Decay = false, LearningRateScale = 0.5f)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7, WeightDecayScale = 4f)]
[Tensor("U", 2, 6, LearningRateScale = 0.1f, WeightDecayScale = 0.25f)]
[Tensor("C", 17)]
[Sgd, Adam, AdamW]
public partial class ParamGroupReferenceLayout
{
}

/// <summary>
/// Per-tensor <c>LearningRateScale</c> and <c>WeightDecayScale</c> against torch.optim param groups (see
/// make_param_group_reference.py: one group per tensor, lr = lr·scale and weight_decay = weight_decay·scale as Python
/// doubles). Every case must match bit for bit, on whichever SIMD path this machine runs: W and V (20 and 21 floats)
/// have whole vectors and remainders, U (12) a remainder only, C (17) one more than a 16-float vector, and the frozen F
/// shifts the state of V, U and C. The <c>-lambda</c> cases run LambdaLR (each group's own initial lr times the lambda),
/// the <c>-decay-schedule</c> ones a weight-decay schedule of its own on every group.
/// </summary>
public class ParamGroupReferenceTests
{
    private const string File = "param_groups.json";

    public static TheoryData<string> Cases() => new(TorchReferenceData.Cases(File).Select(c => c.Name));

    [Fact]
    public void The_reference_was_written_by_torch_1_13_from_the_documented_parameters()
    {
        TorchReferenceData.AssertWrittenByTorchFromTheInitialParameters(File, ParamGroupReferenceLayout.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Trajectory_matches_torch_param_groups_bit_for_bit(string name)
    {
        TorchCase reference = TorchReferenceData.Case(File, name);
        var model = new ParamGroupReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        Action step = CreateStep(model, reference);
        for (int t = 1; t <= reference.Steps; t++)
        {
            SetGradients(model.Gradients, t);
            step();
            if (!reference.Parameters.TryGetValue(t, out float[]? expected))
            {
                continue;
            }

            for (int i = 0; i < expected.Length; i++)
            {
                FloatAssert.BitEqual(expected[i], model.Parameters[i], $"{name}, parameter {i} after step {t}");
            }
        }
    }

    [Fact]
    public void The_groups_differ_from_one_run_at_the_base_values()
    {
        // Without the scales each case would be a different trajectory: the reference is not the base run (a test that
        // would still pass if the scales were dropped proves nothing).
        TorchCase reference = TorchReferenceData.Case(File, "adamw");
        var model = new TorchReferenceLayoutWithoutScales();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        var optimizer = new TorchReferenceLayoutWithoutScales.AdamWOptimizer(model) { LearningRate = 0.01f, WeightDecay = 2f };
        for (int t = 1; t <= 10; t++)
        {
            SetGradients(model.Gradients, t);
            optimizer.Step();
        }

        float[] expected = reference.Parameters[10];
        foreach ((int offset, int length) in new[]
        {
            (ParamGroupReferenceLayout.WOffset, ParamGroupReferenceLayout.WLength),
            (ParamGroupReferenceLayout.BOffset, ParamGroupReferenceLayout.BLength),
            (ParamGroupReferenceLayout.VOffset, ParamGroupReferenceLayout.VLength),
            (ParamGroupReferenceLayout.UOffset, ParamGroupReferenceLayout.ULength),
        })
        {
            Assert.Contains(Enumerable.Range(offset, length), i => expected[i] != model.Parameters[i]);
        }

        // C is in the base group: the same bits with or without the other groups' scales.
        for (int i = ParamGroupReferenceLayout.COffset; i < ParamGroupReferenceLayout.ParameterCount; i++)
        {
            FloatAssert.BitEqual(expected[i], model.Parameters[i], $"C, parameter {i}");
        }
    }

    /// <summary>make_param_group_reference.py's gradients: scale W 1, B 0.01, V 10, U 0.1, C 1; F gets one too, which must be ignored.</summary>
    private static void SetGradients(float[] gradients, int step) => TorchReferenceData.SetGradients(gradients, step, i =>
        i < ParamGroupReferenceLayout.BOffset ? 1f
        : i < ParamGroupReferenceLayout.FOffset ? 0.01f
        : i < ParamGroupReferenceLayout.VOffset ? 100f
        : i < ParamGroupReferenceLayout.UOffset ? 10f
        : i < ParamGroupReferenceLayout.COffset ? 0.1f
        : 1f);

    private static Action CreateStep(ParamGroupReferenceLayout model, TorchCase c)
    {
        float lr = (float)c.Number("lr"), weightDecay = (float)c.Number("weight_decay");
        double gamma = c.Number("decay_gamma", 1);
        IOptimizer optimizer = c.Optimizer switch
        {
            "sgd" or "sgdw" => new ParamGroupReferenceLayout.SgdOptimizer(model)
            {
                Decoupled = c.Optimizer == "sgdw",
                LearningRate = lr,
                Momentum = (float)c.Number("momentum"),
                Nesterov = c.Flag("nesterov"),
                WeightDecay = weightDecay,
                Maximize = c.Flag("maximize"),
            },
            "adam" => new ParamGroupReferenceLayout.AdamOptimizer(model)
            {
                LearningRate = lr, WeightDecay = weightDecay, Amsgrad = c.Flag("amsgrad"), Maximize = c.Flag("maximize"),
            },
            _ => new ParamGroupReferenceLayout.AdamWOptimizer(model)
            {
                LearningRate = lr, WeightDecay = weightDecay, Amsgrad = c.Flag("amsgrad"), Maximize = c.Flag("maximize"),
            },
        };
        dynamic settable = optimizer;
        if (c.Flag("lambda"))
        {
            settable.Schedule = LearningRateSchedule.Lambda(LambdaLrReferenceTests.Lambda);
        }

        if (gamma != 1)
        {
            // The script's wd_t = weight_decay * gamma ** ((t - 1) // 10), with Python's pow, as a schedule of completed steps.
            settable.DecaySchedule = LearningRateSchedule.Lambda(step => Math.Pow(gamma, step / 10));
        }

        return optimizer.Step;
    }
}

/// <summary>ParamGroupReferenceLayout's tensors without any scale: one group at the base values.</summary>
[ModelLayout]
[Tensor("W", 4, 5)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7)]
[Tensor("U", 2, 6)]
[Tensor("C", 17)]
[AdamW]
public partial class TorchReferenceLayoutWithoutScales
{
}
