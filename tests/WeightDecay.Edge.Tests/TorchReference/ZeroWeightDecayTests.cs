using System;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.TorchReference;

/// <summary>
/// With <c>WeightDecay = 0</c> torch.optim has no decay term at all (<c>if weight_decay != 0</c> guards
/// <c>grad.add(param, alpha=weight_decay)</c>), and adding <c>0 * p</c> instead is not the same: it turns an infinite
/// weight into NaN (∞ · 0) and a −0 gradient into +0 (−0 + +0). Checked in torch 1.13 (SGD with momentum 0.9, Adam and
/// AdamW, lr 0.1, weight_decay 0, one step from p = [1, ∞, 0.5] and g = [−0, 1, 2]): torch keeps ∞, and SGD's
/// momentum_buffer is [−0, 1, 2], −0 included. The same here, on tensors decayed toward zero (V) and toward an anchor
/// (W), on whichever SIMD path runs.
/// </summary>
public class ZeroWeightDecayTests
{
    private static AnchorReferenceLayout ModelWithEdgeValues()
    {
        var model = new AnchorReferenceLayout();
        model.Parameters.AsSpan().Fill(0.5f);
        model.Gradients.AsSpan().Fill(2f);
        foreach (int tensorStart in new[] { AnchorReferenceLayout.WOffset, AnchorReferenceLayout.VOffset + 17 })
        {
            model.Parameters[tensorStart] = 1f;
            model.Gradients[tensorStart] = -0f;
            model.Parameters[tensorStart + 1] = float.PositiveInfinity;
            model.Gradients[tensorStart + 1] = 1f;
        }

        model.CaptureAnchor();
        model.Parameters[AnchorReferenceLayout.WOffset + 1] = float.PositiveInfinity;
        return model;
    }

    [Fact]
    public void SGD_keeps_an_infinite_weight_and_a_negative_zero_gradient_in_its_momentum_buffer()
    {
        AnchorReferenceLayout model = ModelWithEdgeValues();
        var sgd = new AnchorReferenceLayout.SgdOptimizer(model) { LearningRate = 0.1f, Momentum = 0.9f, WeightDecay = 0f };
        sgd.Step();
        foreach (int start in new[] { AnchorReferenceLayout.WOffset, AnchorReferenceLayout.VOffset + 17 })
        {
            Assert.Equal(float.PositiveInfinity, model.Parameters[start + 1]);
            FloatAssert.BitEqual(1f, model.Parameters[start], $"parameter {start}");
        }

        FloatAssert.BitEqual(-0f, sgd.MomentumBuffer(0)[0], "W's momentum buffer for the -0 gradient");
        FloatAssert.BitEqual(-0f, sgd.MomentumBuffer(3)[17], "V's momentum buffer for the -0 gradient");
        FloatAssert.BitEqual(0.3f, model.Parameters[AnchorReferenceLayout.VOffset], "V[0]: 0.5 - 0.1 * 2");
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void Adam_and_AdamW_keep_an_infinite_weight(string kind)
    {
        AnchorReferenceLayout model = ModelWithEdgeValues();
        IOptimizer optimizer = kind == "adam"
            ? new AnchorReferenceLayout.AdamOptimizer(model) { LearningRate = 0.1f, WeightDecay = 0f }
            : new AnchorReferenceLayout.AdamWOptimizer(model) { LearningRate = 0.1f, WeightDecay = 0f };
        optimizer.Step();
        foreach (int start in new[] { AnchorReferenceLayout.WOffset, AnchorReferenceLayout.VOffset + 17 })
        {
            Assert.Equal(float.PositiveInfinity, model.Parameters[start + 1]);
            FloatAssert.BitEqual(1f, model.Parameters[start], $"parameter {start}");
        }

        // torch: 0.5 - 0.1 * 0.2 / (sqrt(0.004) / sqrt(0.001) + 1e-8) = 0.4 after one step.
        FloatAssert.BitEqual(0.4f, model.Parameters[AnchorReferenceLayout.VOffset], "V[0]");
    }
}
