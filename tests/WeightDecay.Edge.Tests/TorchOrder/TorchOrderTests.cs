using System;
using System.Collections.Generic;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests.TorchOrder;

/// <summary>A layout with runs long enough for every SIMD width, plus remainders and a no-decay run.</summary>
[ModelLayout]
[Tensor("Big", 40, 13)]
[Tensor("Bias", 40, Decay = false)]
[Tensor("Odd", 3, 7)]
[Sgd, Adam, AdamW]
public partial class WideLayout
{
}

/// <summary>
/// Bit-for-bit agreement with torch.optim's CPU arithmetic, as far as it can be checked without
/// torch: a float32 reference written in the test from torch 1.13's single-tensor optimizers and the
/// ATen CPU kernels they call, operation by operation (<c>add(alpha)</c> and <c>addcmul</c> fuse their
/// multiply-add, <c>addcdiv</c> and the division by <c>bias_correction2_sqrt</c> are true divisions,
/// the per-step scalars are computed in double from the decimal hyperparameters and rounded once).
/// Unlike the 1e-5 trajectory tests, this one fails on a single differing bit, so it checks that the
/// SIMD lanes, the scalar remainders and the division-free quotient all round exactly like torch.
/// </summary>
public class TorchOrderTests
{
    private const int Steps = 300;

    public static TheoryData<bool, bool, double> AdamCases()
    {
        var data = new TheoryData<bool, bool, double>();
        foreach (bool decoupled in new[] { false, true })
        {
            foreach (bool amsgrad in new[] { false, true })
            {
                foreach (double weightDecay in new[] { 0.0, 0.01, 0.3 })
                {
                    data.Add(decoupled, amsgrad, weightDecay);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AdamCases))]
    public void Adam_and_AdamW_match_torch_arithmetic_bit_for_bit(bool decoupled, bool amsgrad, double weightDecay)
    {
        const double lr = 0.003, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var model = new WideLayout();
        bool[] decay = DecayMask(model);
        var random = new Random(decoupled ? 11 : 12);
        Fill(model.Parameters, random, 1.0);
        float[] p = (float[])model.Parameters.Clone();
        float[] m = new float[p.Length], v = new float[p.Length], vmax = new float[p.Length];
        Action step = decoupled
            ? new WideLayout.AdamWOptimizer(model) { LearningRate = (float)lr, WeightDecay = (float)weightDecay, Amsgrad = amsgrad }.Step
            : new WideLayout.AdamOptimizer(model) { LearningRate = (float)lr, WeightDecay = (float)weightDecay, Amsgrad = amsgrad }.Step;

        for (int t = 1; t <= Steps; t++)
        {
            // Gradients over several orders of magnitude, so the quotients cover many binades.
            for (int i = 0; i < p.Length; i++)
            {
                model.Gradients[i] = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 3)));
            }

            // torch 1.13 _single_tensor_adam / _single_tensor_adamw, in float32 on the CPU.
            double bc1 = 1 - Math.Pow(beta1, t), bc2 = 1 - Math.Pow(beta2, t);
            float stepSize = (float)-(lr / bc1), bc2Sqrt = (float)Math.Sqrt(bc2);
            float decayFactor = (float)(1 - (lr * weightDecay));
            for (int i = 0; i < p.Length; i++)
            {
                float g = model.Gradients[i];
                if (decay[i] && decoupled)
                {
                    p[i] *= decayFactor; // param.mul_(1 - lr * weight_decay)
                }
                else if (decay[i])
                {
                    g = MathF.FusedMultiplyAdd(p[i], (float)weightDecay, g); // grad.add(param, alpha=wd)
                }

                m[i] = MathF.FusedMultiplyAdd(g, (float)(1 - beta1), m[i] * (float)beta1); // mul_(b1).add_(g, alpha=1-b1)
                v[i] = MathF.FusedMultiplyAdd((float)(1 - beta2) * g, g, v[i] * (float)beta2); // mul_(b2).addcmul_(g, g, value=1-b2)
                float second = v[i];
                if (amsgrad)
                {
                    vmax[i] = MathF.Max(vmax[i], v[i]); // torch.maximum(max_exp_avg_sq, exp_avg_sq, out=...)
                    second = vmax[i];
                }

                float denom = (MathF.Sqrt(second) / bc2Sqrt) + (float)eps; // (sqrt / bc2_sqrt).add_(eps)
                p[i] += stepSize * m[i] / denom; // addcdiv_(m, denom, value=-step_size)
            }

            step();
            AssertBitwise(p, model.Parameters, t);
        }
    }

    public static TheoryData<double, double, bool, double> SgdCases() => new()
    {
        { 0.0, 0.0, false, 0.01 },
        { 0.9, 0.0, false, 0.01 },
        { 0.9, 0.25, false, 0.3 },
        { 0.9, 0.0, true, 0.01 },
        { 0.5, 0.0, true, 0.0 },
    };

    [Theory]
    [MemberData(nameof(SgdCases))]
    public void Sgd_matches_torch_arithmetic_bit_for_bit(double momentum, double dampening, bool nesterov, double weightDecay)
    {
        const double lr = 0.01;
        var model = new WideLayout();
        bool[] decay = DecayMask(model);
        var random = new Random(13);
        Fill(model.Parameters, random, 1.0);
        float[] p = (float[])model.Parameters.Clone();
        float[] buffer = new float[p.Length];
        var optimizer = new WideLayout.SgdOptimizer(model)
        {
            LearningRate = (float)lr,
            Momentum = (float)momentum,
            Dampening = (float)dampening,
            WeightDecay = (float)weightDecay,
        };
        optimizer.Nesterov = nesterov;

        for (int t = 1; t <= Steps; t++)
        {
            Fill(model.Gradients, random, 1.0);
            for (int i = 0; i < p.Length; i++)
            {
                float d = decay[i] ? MathF.FusedMultiplyAdd(p[i], (float)weightDecay, model.Gradients[i]) : model.Gradients[i];
                if (momentum != 0)
                {
                    buffer[i] = t == 1 ? d : MathF.FusedMultiplyAdd(d, (float)(1 - dampening), buffer[i] * (float)momentum);
                    d = nesterov ? MathF.FusedMultiplyAdd(buffer[i], (float)momentum, d) : buffer[i];
                }

                p[i] = MathF.FusedMultiplyAdd(d, (float)-lr, p[i]); // param.add_(d_p, alpha=-lr)
            }

            optimizer.Step();
            AssertBitwise(p, model.Parameters, t);
        }
    }

    private static bool[] DecayMask(IModelLayout layout)
    {
        bool[] mask = new bool[layout.Parameters.Length];
        foreach (TensorInfo tensor in layout.Tensors)
        {
            for (int i = tensor.Offset; i < tensor.Offset + tensor.Length; i++)
            {
                mask[i] = tensor.Decay;
            }
        }

        return mask;
    }

    private static void Fill(float[] values, Random random, double scale)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }
    }

    private static void AssertBitwise(IReadOnlyList<float> expected, float[] actual, int step)
    {
        for (int i = 0; i < actual.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"step {step}, parameter {i}: torch order gives {expected[i]:R}, the generated step {actual[i]:R}");
            }
        }
    }
}
