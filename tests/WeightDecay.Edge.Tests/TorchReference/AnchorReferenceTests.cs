using System;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.TorchReference;

/// <summary>The layout make_anchor_reference.py runs torch on: two anchored tensors around a frozen one and one decayed toward zero.</summary>
[ModelLayout]
[Tensor("W", 4, 5, DecayTowardAnchor = true)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7)]
[Tensor("U", 2, 6, DecayTowardAnchor = true)]
[Sgd, Adam, AdamW]
public partial class AnchorReferenceLayout
{
}

/// <summary>
/// Decay toward an anchor against trajectories recorded from real torch (see make_anchor_reference.py: torch.optim's step
/// with the anchored tensors in a weight_decay-0 group, and the term λ·(p − a) added in torch operations where torch adds
/// its own λ·p, or p moved by −lr·λ·(p − a) where AdamW multiplies by 1 − lr·λ). Every case must match bit for bit, on
/// whichever SIMD path this machine runs: W (20 floats) has whole vectors and a remainder on every width, U (12) has a
/// remainder only, and the frozen F shifts the state and anchor indices of U. The <c>-decay-schedule</c> cases also give
/// the weight decay a schedule of its own (<c>DecaySchedule</c>), which torch gets as each group's weight_decay set per step.
/// </summary>
public class AnchorReferenceTests
{
    private const string File = "anchor.json";

    public static TheoryData<string> Cases() => new(TorchReferenceData.Cases(File).Select(c => c.Name));

    /// <summary>make_anchor_reference.py's anchor value for the flat parameter index <paramref name="i"/>.</summary>
    private static float AnchorValue(int i) => (float)((((i * 7331L) + 5) % 1999 - 999) / 1000.0);

    [Fact]
    public void The_reference_was_written_by_torch_1_13_from_the_documented_parameters_and_anchor()
    {
        Assert.StartsWith("1.13", TorchReferenceData.TorchVersion(File), StringComparison.Ordinal);
        float[] initial = TorchReferenceData.Initial(File);
        float[] anchor = TorchReferenceData.TopLevelFloats(File, "anchor");
        Assert.Equal(AnchorReferenceLayout.ParameterCount, initial.Length);
        Assert.Equal(AnchorReferenceLayout.ParameterCount, anchor.Length);
        for (int i = 0; i < initial.Length; i++)
        {
            FloatAssert.BitEqual(TorchReferenceData.InitialParameter(i), initial[i], $"initial parameter {i}");
            FloatAssert.BitEqual(AnchorValue(i), anchor[i], $"anchor {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Trajectory_matches_torch_bit_for_bit(string name)
    {
        TorchCase reference = TorchReferenceData.Case(File, name);
        var model = new AnchorReferenceLayout();
        var anchorSource = new float[AnchorReferenceLayout.ParameterCount];
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
            anchorSource[i] = AnchorValue(i);
        }

        model.SetAnchorFrom(anchorSource);
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

    /// <summary>make_anchor_reference.py's gradients: scale W 1, B 0.01, V 10, U 0.1; F gets one too, which must be ignored.</summary>
    private static void SetGradients(float[] gradients, int step) => TorchReferenceData.SetGradients(gradients, step, i =>
        i < AnchorReferenceLayout.BOffset ? 1f
        : i < AnchorReferenceLayout.FOffset ? 0.01f
        : i < AnchorReferenceLayout.VOffset ? 100f
        : i < AnchorReferenceLayout.UOffset ? 10f
        : 0.1f);

    private static Action CreateStep(AnchorReferenceLayout model, TorchCase c)
    {
        float lr = (float)c.Number("lr"), weightDecay = (float)c.Number("weight_decay");
        double gamma = c.Number("decay_gamma", 1);

        // The script's wd_t = weight_decay * gamma ** ((t - 1) // 10), with Python's pow, as a schedule of completed steps.
        LearningRateSchedule decaySchedule = LearningRateSchedule.Lambda(step => Math.Pow(gamma, step / 10));
        IOptimizer optimizer = c.Optimizer switch
        {
            "sgd" or "sgdw" => new AnchorReferenceLayout.SgdOptimizer(model)
            {
                Decoupled = c.Optimizer == "sgdw",
                LearningRate = lr,
                Momentum = (float)c.Number("momentum"),
                Nesterov = c.Flag("nesterov"),
                WeightDecay = weightDecay,
                Maximize = c.Flag("maximize"),
            },
            "adam" => new AnchorReferenceLayout.AdamOptimizer(model) { LearningRate = lr, WeightDecay = weightDecay, Amsgrad = c.Flag("amsgrad") },
            _ => new AnchorReferenceLayout.AdamWOptimizer(model) { LearningRate = lr, WeightDecay = weightDecay, Amsgrad = c.Flag("amsgrad") },
        };
        if (gamma != 1)
        {
            ((dynamic)optimizer).DecaySchedule = decaySchedule;
        }

        return optimizer.Step;
    }
}
