using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Benchmarks.Baselines;

/// <summary>
/// (b) The hand-written fused <see cref="Vector{T}"/> loop: one pass per tensor that loads p, g, m
/// (and v) once and stores each written array once, with FMA, no bounds checks, and the loop
/// specialised per decay flag at JIT time (a struct type argument), so tensors that are not decayed
/// do no decay arithmetic. A scalar FMA loop finishes the last <c>length % Vector&lt;float&gt;.Count</c>
/// elements. Uses one reciprocal multiply instead of dividing by sqrt(1 - beta2^t).
/// </summary>
public sealed class FusedVectorOptimizer(IModelLayout model, OptimizerKind kind) : BaselineOptimizer(model, kind)
{
    /// <inheritdoc/>
    protected override void StepAdam(bool decoupled)
    {
        long step = StepCount + 1;
        var c = new AdamStepConstants(AdamHyper, step);
        ref float p = ref MemoryMarshal.GetArrayDataReference(Parameters);
        ref float g = ref MemoryMarshal.GetArrayDataReference(Gradients);
        ref float m = ref MemoryMarshal.GetArrayDataReference(First);
        ref float v = ref MemoryMarshal.GetArrayDataReference(Second);
        foreach (TensorRange t in Ranges)
        {
            nuint o = (nuint)t.Offset;
            ref float pt = ref Unsafe.Add(ref p, o);
            ref float gt = ref Unsafe.Add(ref g, o);
            ref float mt = ref Unsafe.Add(ref m, o);
            ref float vt = ref Unsafe.Add(ref v, o);
            if (!t.Decay)
            {
                Adam<Off, Off>(ref pt, ref gt, ref mt, ref vt, t.Length, in c);
            }
            else if (decoupled)
            {
                Adam<On, Off>(ref pt, ref gt, ref mt, ref vt, t.Length, in c);
            }
            else
            {
                Adam<Off, On>(ref pt, ref gt, ref mt, ref vt, t.Length, in c);
            }
        }

        StepCount = step;
    }

    /// <summary>Adam/AdamW over one tensor. TDecoupled: multiply p by 1 - lr*wd. TCoupled: add wd*p to g.</summary>
    private static void Adam<TDecoupled, TCoupled>(ref float p, ref float g, ref float m, ref float v, int length, in AdamStepConstants c)
        where TDecoupled : struct, IFlag
        where TCoupled : struct, IFlag
    {
        nuint n = (nuint)length;
        nuint i = 0;
        nuint width = (nuint)Vector<float>.Count;
        if (Vector.IsHardwareAccelerated && n >= width)
        {
            var decay = new Vector<float>(c.DecoupledDecayFactor);
            var l2 = new Vector<float>(c.WeightDecay);
            var beta1 = new Vector<float>(c.Beta1);
            var beta2 = new Vector<float>(c.Beta2);
            var oneMinusBeta1 = new Vector<float>(c.OneMinusBeta1);
            var oneMinusBeta2 = new Vector<float>(c.OneMinusBeta2);
            var invCorrection2 = new Vector<float>(c.InvBiasCorrection2Sqrt);
            var epsilon = new Vector<float>(c.Epsilon);
            var negStepSize = new Vector<float>(c.NegStepSize);
            for (nuint last = n - width; i <= last; i += width)
            {
                Vector<float> pv = Vector.LoadUnsafe(ref p, i);
                Vector<float> gv = Vector.LoadUnsafe(ref g, i);
                if (TCoupled.Value)
                {
                    gv = Vector.FusedMultiplyAdd(pv, l2, gv);
                }

                if (TDecoupled.Value)
                {
                    pv *= decay;
                }

                Vector<float> mv = Vector.FusedMultiplyAdd(gv, oneMinusBeta1, Vector.LoadUnsafe(ref m, i) * beta1);
                Vector<float> vv = Vector.FusedMultiplyAdd(oneMinusBeta2 * gv, gv, Vector.LoadUnsafe(ref v, i) * beta2);
                mv.StoreUnsafe(ref m, i);
                vv.StoreUnsafe(ref v, i);
                Vector<float> denominator = Vector.FusedMultiplyAdd(Vector.SquareRoot(vv), invCorrection2, epsilon);
                Vector.FusedMultiplyAdd(negStepSize, mv / denominator, pv).StoreUnsafe(ref p, i);
            }
        }

        for (; i < n; i++)
        {
            float pi = Unsafe.Add(ref p, i);
            float gi = Unsafe.Add(ref g, i);
            if (TCoupled.Value)
            {
                gi = MathF.FusedMultiplyAdd(pi, c.WeightDecay, gi);
            }

            if (TDecoupled.Value)
            {
                pi *= c.DecoupledDecayFactor;
            }

            float mi = MathF.FusedMultiplyAdd(gi, c.OneMinusBeta1, Unsafe.Add(ref m, i) * c.Beta1);
            float vi = MathF.FusedMultiplyAdd(c.OneMinusBeta2 * gi, gi, Unsafe.Add(ref v, i) * c.Beta2);
            Unsafe.Add(ref m, i) = mi;
            Unsafe.Add(ref v, i) = vi;
            float denominator = MathF.FusedMultiplyAdd(MathF.Sqrt(vi), c.InvBiasCorrection2Sqrt, c.Epsilon);
            Unsafe.Add(ref p, i) = MathF.FusedMultiplyAdd(c.NegStepSize, mi / denominator, pi);
        }
    }

    /// <inheritdoc/>
    protected override void StepSgd()
    {
        SgdHyper h = SgdHyper;
        float negLearningRate = (float)-h.LearningRate;
        float l2 = (float)h.WeightDecay;
        float bufferScale = StepCount == 0 ? 0f : (float)h.Momentum; // torch: the first buffer is the gradient itself
        ref float p = ref MemoryMarshal.GetArrayDataReference(Parameters);
        ref float g = ref MemoryMarshal.GetArrayDataReference(Gradients);
        ref float b = ref MemoryMarshal.GetArrayDataReference(First);
        foreach (TensorRange t in Ranges)
        {
            nuint o = (nuint)t.Offset;
            if (t.Decay)
            {
                Sgd<On>(ref Unsafe.Add(ref p, o), ref Unsafe.Add(ref g, o), ref Unsafe.Add(ref b, o), t.Length, l2, bufferScale, negLearningRate);
            }
            else
            {
                Sgd<Off>(ref Unsafe.Add(ref p, o), ref Unsafe.Add(ref g, o), ref Unsafe.Add(ref b, o), t.Length, l2, bufferScale, negLearningRate);
            }
        }

        StepCount++;
    }

    /// <summary>SGD with momentum (no dampening) over one tensor; TDecay adds wd*p to g.</summary>
    private static void Sgd<TDecay>(ref float p, ref float g, ref float b, int length, float weightDecay, float bufferScale, float negLearningRate)
        where TDecay : struct, IFlag
    {
        nuint n = (nuint)length;
        nuint i = 0;
        nuint width = (nuint)Vector<float>.Count;
        if (Vector.IsHardwareAccelerated && n >= width)
        {
            var l2 = new Vector<float>(weightDecay);
            var momentum = new Vector<float>(bufferScale);
            var negLr = new Vector<float>(negLearningRate);
            for (nuint last = n - width; i <= last; i += width)
            {
                Vector<float> pv = Vector.LoadUnsafe(ref p, i);
                Vector<float> dv = Vector.LoadUnsafe(ref g, i);
                if (TDecay.Value)
                {
                    dv = Vector.FusedMultiplyAdd(pv, l2, dv);
                }

                Vector<float> bv = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref b, i), momentum, dv);
                bv.StoreUnsafe(ref b, i);
                Vector.FusedMultiplyAdd(bv, negLr, pv).StoreUnsafe(ref p, i);
            }
        }

        for (; i < n; i++)
        {
            float pi = Unsafe.Add(ref p, i);
            float di = Unsafe.Add(ref g, i);
            if (TDecay.Value)
            {
                di = MathF.FusedMultiplyAdd(pi, weightDecay, di);
            }

            float bi = MathF.FusedMultiplyAdd(Unsafe.Add(ref b, i), bufferScale, di);
            Unsafe.Add(ref b, i) = bi;
            Unsafe.Add(ref p, i) = MathF.FusedMultiplyAdd(bi, negLearningRate, pi);
        }
    }
}

/// <summary>A compile-time boolean: the JIT specialises generic code per struct type argument and folds the constant.</summary>
public interface IFlag
{
    /// <summary>The flag's value.</summary>
    static abstract bool Value { get; }
}

/// <summary>true.</summary>
public readonly struct On : IFlag
{
    /// <inheritdoc/>
    public static bool Value => true;
}

/// <summary>false.</summary>
public readonly struct Off : IFlag
{
    /// <inheritdoc/>
    public static bool Value => false;
}
