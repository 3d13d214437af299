using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Benchmarks.Baselines;

/// <summary>
/// (d) A non-generated, general-purpose optimizer, as a library without a source generator would ship
/// one: it works for any <see cref="IModelLayout"/> and walks <see cref="IModelLayout.Tensors"/>
/// (offset, length, decay) at run time on every step, then runs a fused <see cref="Vector{T}"/> kernel
/// over the tensor's spans (<see cref="MemoryMarshal.Cast{TFrom, TTo}(Span{TFrom})"/>). The decay
/// flag becomes a per-tensor factor, so the kernel is the same for decayed and undecayed tensors.
/// The difference from the generated code is what compile-time knowledge of the layout buys.
/// </summary>
public sealed class RuntimeDescriptorOptimizer(IModelLayout model, OptimizerKind kind) : BaselineOptimizer(model, kind)
{
    /// <inheritdoc/>
    protected override void StepAdam(bool decoupled)
    {
        long step = StepCount + 1;
        var c = new AdamStepConstants(AdamHyper, step);
        float[] parameters = Model.Parameters, gradients = Model.Gradients;
        IReadOnlyList<TensorInfo> tensors = Model.Tensors;
        for (int k = 0; k < tensors.Count; k++)
        {
            TensorInfo t = tensors[k];
            float decayFactor = decoupled && t.Decay ? c.DecoupledDecayFactor : 1f;
            float l2 = !decoupled && t.Decay ? c.WeightDecay : 0f;
            AdamKernel(
                parameters.AsSpan(t.Offset, t.Length),
                gradients.AsSpan(t.Offset, t.Length),
                First.AsSpan(t.Offset, t.Length),
                Second.AsSpan(t.Offset, t.Length),
                decayFactor,
                l2,
                in c);
        }

        StepCount = step;
    }

    private static void AdamKernel(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float decayFactor, float l2, in AdamStepConstants c)
    {
        int vectorized = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> pv = MemoryMarshal.Cast<float, Vector<float>>(p);
            ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            Span<Vector<float>> mv = MemoryMarshal.Cast<float, Vector<float>>(m);
            Span<Vector<float>> vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            var decay = new Vector<float>(decayFactor);
            var weightDecay = new Vector<float>(l2);
            var beta1 = new Vector<float>(c.Beta1);
            var beta2 = new Vector<float>(c.Beta2);
            var oneMinusBeta1 = new Vector<float>(c.OneMinusBeta1);
            var oneMinusBeta2 = new Vector<float>(c.OneMinusBeta2);
            var invCorrection2 = new Vector<float>(c.InvBiasCorrection2Sqrt);
            var epsilon = new Vector<float>(c.Epsilon);
            var negStepSize = new Vector<float>(c.NegStepSize);
            for (int i = 0; i < pv.Length; i++)
            {
                Vector<float> pi = pv[i];
                Vector<float> gi = Vector.FusedMultiplyAdd(pi, weightDecay, gv[i]);
                Vector<float> mi = Vector.FusedMultiplyAdd(gi, oneMinusBeta1, mv[i] * beta1);
                Vector<float> vi = Vector.FusedMultiplyAdd(oneMinusBeta2 * gi, gi, vv[i] * beta2);
                mv[i] = mi;
                vv[i] = vi;
                Vector<float> denominator = Vector.FusedMultiplyAdd(Vector.SquareRoot(vi), invCorrection2, epsilon);
                pv[i] = Vector.FusedMultiplyAdd(negStepSize, mi / denominator, pi * decay);
            }

            vectorized = pv.Length * Vector<float>.Count;
        }

        for (int i = vectorized; i < p.Length; i++)
        {
            float pi = p[i];
            float gi = MathF.FusedMultiplyAdd(pi, l2, g[i]);
            float mi = MathF.FusedMultiplyAdd(gi, c.OneMinusBeta1, m[i] * c.Beta1);
            float vi = MathF.FusedMultiplyAdd(c.OneMinusBeta2 * gi, gi, v[i] * c.Beta2);
            m[i] = mi;
            v[i] = vi;
            float denominator = MathF.FusedMultiplyAdd(MathF.Sqrt(vi), c.InvBiasCorrection2Sqrt, c.Epsilon);
            p[i] = MathF.FusedMultiplyAdd(c.NegStepSize, mi / denominator, pi * decayFactor);
        }
    }

    /// <inheritdoc/>
    protected override void StepSgd()
    {
        SgdHyper h = SgdHyper;
        float negLearningRate = (float)-h.LearningRate;
        float bufferScale = StepCount == 0 ? 0f : (float)h.Momentum; // torch: the first buffer is the gradient itself
        float[] parameters = Model.Parameters, gradients = Model.Gradients;
        IReadOnlyList<TensorInfo> tensors = Model.Tensors;
        for (int k = 0; k < tensors.Count; k++)
        {
            TensorInfo t = tensors[k];
            SgdKernel(
                parameters.AsSpan(t.Offset, t.Length),
                gradients.AsSpan(t.Offset, t.Length),
                First.AsSpan(t.Offset, t.Length),
                t.Decay ? (float)h.WeightDecay : 0f,
                bufferScale,
                negLearningRate);
        }

        StepCount++;
    }

    private static void SgdKernel(Span<float> p, ReadOnlySpan<float> g, Span<float> b, float l2, float bufferScale, float negLearningRate)
    {
        int vectorized = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> pv = MemoryMarshal.Cast<float, Vector<float>>(p);
            ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            Span<Vector<float>> bv = MemoryMarshal.Cast<float, Vector<float>>(b);
            var weightDecay = new Vector<float>(l2);
            var momentum = new Vector<float>(bufferScale);
            var negLr = new Vector<float>(negLearningRate);
            for (int i = 0; i < pv.Length; i++)
            {
                Vector<float> pi = pv[i];
                Vector<float> di = Vector.FusedMultiplyAdd(pi, weightDecay, gv[i]);
                Vector<float> bi = Vector.FusedMultiplyAdd(bv[i], momentum, di);
                bv[i] = bi;
                pv[i] = Vector.FusedMultiplyAdd(bi, negLr, pi);
            }

            vectorized = pv.Length * Vector<float>.Count;
        }

        for (int i = vectorized; i < p.Length; i++)
        {
            float pi = p[i];
            float di = MathF.FusedMultiplyAdd(pi, l2, g[i]);
            float bi = MathF.FusedMultiplyAdd(b[i], bufferScale, di);
            b[i] = bi;
            p[i] = MathF.FusedMultiplyAdd(bi, negLearningRate, pi);
        }
    }
}
