using System;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.TorchReference;

/// <summary>The layout make_constraint_reference.py runs torch on.</summary>
[ModelLayout]
[Tensor("W", 4, 5, L1 = 0.01f, MaxNorm = 1f)]
[Tensor("B", 5, Decay = false)]
[Tensor("V", 3, 7, MaxNorm = 1.25f)]
[Tensor("U", 2, 6, L1 = 1f)]
[Sgd, Adam, AdamW]
public partial class ConstraintReferenceLayout
{
}

/// <summary>
/// The proximal L1 step and the max-norm limit against trajectories recorded from real torch (torch.optim's step, then
/// <c>sign(p)·clamp(|p| − lr·λ₁, min=0)</c> and <c>torch.renorm</c>; see make_constraint_reference.py). Tensors with only
/// L1 (U) or nothing (B) match bit for bit: the threshold is the same float and the arithmetic is exact. Tensors with a
/// row-norm limit (W, V) match to float rounding: torch sums the norm in float, the generated code in double, so the
/// scale factor can differ in its last bit.
/// </summary>
public class ConstraintReferenceTests
{
    private const string File = "constraints.json";

    public static TheoryData<string> Cases() => new(TorchReferenceData.Cases(File).Select(c => c.Name));

    [Fact]
    public void The_reference_was_written_by_torch_1_13_from_the_documented_initial_parameters()
    {
        Assert.StartsWith("1.13", TorchReferenceData.TorchVersion(File), StringComparison.Ordinal);
        float[] initial = TorchReferenceData.Initial(File);
        Assert.Equal(ConstraintReferenceLayout.ParameterCount, initial.Length);
        for (int i = 0; i < initial.Length; i++)
        {
            FloatAssert.BitEqual(TorchReferenceData.InitialParameter(i), initial[i], $"initial parameter {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Trajectory_matches_torch(string name)
    {
        TorchCase reference = TorchReferenceData.Case(File, name);
        var model = new ConstraintReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        Action step = CreateStep(model, reference);
        int zerosSeen = 0;
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
                string where = $"{name}, parameter {i} after step {t}";
                if (i < ConstraintReferenceLayout.BOffset || (i >= ConstraintReferenceLayout.VOffset && i < ConstraintReferenceLayout.UOffset))
                {
                    Assert.True(Math.Abs(expected[i] - model.Parameters[i]) <= 2e-6f * Math.Max(1f, Math.Abs(expected[i])), $"{where}: torch {expected[i]:R}, generated {model.Parameters[i]:R}");
                }
                else
                {
                    FloatAssert.BitEqual(expected[i], model.Parameters[i], where);
                }
            }

            zerosSeen = model.CountZeros(3);
            Assert.Equal(expected.Skip(ConstraintReferenceLayout.UOffset).Count(v => v == 0f), zerosSeen);
        }

        Assert.True(zerosSeen > 0, "the L1 tensor should end with exact zeros");
    }

    /// <summary>make_constraint_reference.py's gradients: scale W 1, B 0.01, V 10, U 0.1.</summary>
    private static void SetGradients(float[] gradients, int step)
    {
        for (int i = 0; i < gradients.Length; i++)
        {
            float scale = i < ConstraintReferenceLayout.BOffset ? 1f
                : i < ConstraintReferenceLayout.VOffset ? 0.01f
                : i < ConstraintReferenceLayout.UOffset ? 10f
                : 0.1f;
            gradients[i] = (float)((((i * 7919L) + (step * 104729L)) % 2001 - 1000) / 1000.0) * scale;
        }
    }

    private static Action CreateStep(ConstraintReferenceLayout model, TorchCase c)
    {
        float lr = (float)c.Number("lr"), weightDecay = (float)c.Number("weight_decay");
        return c.Optimizer switch
        {
            "sgd" => new ConstraintReferenceLayout.SgdOptimizer(model) { LearningRate = lr, Momentum = (float)c.Number("momentum"), WeightDecay = weightDecay }.Step,
            "adam" => new ConstraintReferenceLayout.AdamOptimizer(model) { LearningRate = lr, WeightDecay = weightDecay, Amsgrad = c.Flag("amsgrad") }.Step,
            _ => new ConstraintReferenceLayout.AdamWOptimizer(model) { LearningRate = lr, WeightDecay = weightDecay, Amsgrad = c.Flag("amsgrad") }.Step,
        };
    }
}
