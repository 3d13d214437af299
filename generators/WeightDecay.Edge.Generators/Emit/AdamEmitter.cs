using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Emits <c>AdamOptimizer</c> (torch.optim.Adam, coupled L2 decay) and <c>AdamWOptimizer</c>
/// (torch.optim.AdamW, decoupled decay), both with AMSGrad. Per element at step t, following
/// torch's single-tensor CPU path operation by operation:
/// <code>
/// g = maximize ? -g : g                         (exact; see OptimizerEmitter.FoldsGradientSign)
/// Adam:  g = g + weight_decay * p                (decayed tensors only)
/// AdamW: p = p * (1 - lr * weight_decay)         (decayed tensors only)
/// Adam:  g = g + weight_decay * (p - anchor)      (instead, tensors decayed toward the anchor)
/// AdamW: p = p - lr * weight_decay * (p - anchor) (the same)
/// m = beta1 * m + (1 - beta1) * g                (fused)
/// v = beta2 * v + (1 - beta2) * g * g            (fused, as addcmul)
/// v̂ = amsgrad ? (vmax = max(vmax, v)) : v
/// p = p + (-lr / (1 - beta1^t)) * m / (sqrt(v̂) / sqrt(1 - beta2^t) + eps)
/// </code>
/// The per-step scalars are computed once per step in double from the decimals the user typed and
/// rounded to float, as Python does. Divisions stay divisions rather than multiplications by a
/// reciprocal: that would save a few cycles but break agreement with torch in the last bit.
/// </summary>
internal static class AdamEmitter
{
    public static void Emit(CodeWriter writer, LayoutSpec layout, TargetProfile profile, ScalarMath math, bool decoupled)
    {
        OptimizerDefinition definition = decoupled ? OptimizerDefinitions.AdamW(profile) : OptimizerDefinitions.Adam(profile);
        string[] summary = decoupled
            ? new[]
            {
                $"AdamW for <see cref=\"{layout.ClassName}\"/>, as torch.optim.AdamW: decoupled weight decay multiplies each",
                "decayed parameter by (1 - LearningRate * WeightDecay) before the Adam update, so decay does not pass",
                "through Adam's per-parameter scaling. Tensors declared with <c>Decay = false</c> are never decayed.",
                "<see cref=\"Step\"/> allocates nothing.",
            }
            : new[]
            {
                $"Adam for <see cref=\"{layout.ClassName}\"/>, as torch.optim.Adam: coupled L2 weight decay adds",
                "WeightDecay times the parameter to its gradient, so decay is rescaled by Adam's per-parameter step size.",
                "Tensors declared with <c>Decay = false</c> are never decayed. <see cref=\"Step\"/> allocates nothing.",
            };
        if (decoupled && layout.CautiousWeightDecay)
        {
            summary = summary.Concat(new[]
            {
                "Cautious weight decay (<c>[AdamW(CautiousWeightDecay = true)]</c>, Chen et al. 2025): a decayed parameter is decayed",
                "only in the steps where its Adam update and its value (its distance from the anchor, when anchored) do not have opposite signs.",
            }).ToArray();
        }

        string[] state = { "private bool _amsgrad;" };
        if (decoupled)
        {
            state = state.Concat(new[] { "private global::WeightDecay.Edge.DecoupledDecay _decayMode = global::WeightDecay.Edge.DecoupledDecay.LearningRateCoupled;" }).ToArray();
        }

        if (UsesRunningBiasCorrection(profile))
        {
            state = state.Concat(new[]
            {
                $"private {BiasCorrectionType} _biasCorrection1; // 1 - beta1^step as Math.Pow gives it, kept running",
                $"private {BiasCorrectionType} _biasCorrection2;",
            }).ToArray();
        }
        const string stateText = "exp_avg and exp_avg_sq (8 bytes per trainable scalar, allocated by the constructor) plus "
            + "max_exp_avg_sq (4 more, allocated only when Amsgrad is set).";
        using (OptimizerEmitter.OpenClass(writer, layout, profile, definition, summary, state, math, stateText))
        {
            WriteAmsgradProperty(writer);
            if (decoupled)
            {
                WriteDecayModeProperty(writer, profile);
            }

            WriteStep(writer, layout, profile, math, decoupled);
            WriteUpdate(writer, layout, profile, math, decoupled, amsgrad: false);
            WriteUpdate(writer, layout, profile, math, decoupled, amsgrad: true);
            StateViewEmitter.Emit(writer, profile, definition.States);
            if (OptimizerEmitter.HasCheckpoints(layout))
            {
                CheckpointEmitter.Emit(writer, layout, profile, definition);
            }
        }
    }

    private const string BiasCorrectionType = "global::WeightDecay.Edge.Generated.BiasCorrection";

    // Desktop (System.Math with FusedMultiplyAdd and BitIncrement): the bias corrections come from a running
    // double-double product, bitwise equal to 1 - Math.Pow (see Shared/Generated/BiasCorrection.cs). The device
    // keeps its pow: its behaviour and flash size stay as they were.
    private static bool UsesRunningBiasCorrection(TargetProfile profile) => profile.HasMathF;


    private static void WriteAmsgradProperty(CodeWriter writer)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Whether to use the AMSGrad variant (the running maximum of the second moment). torch.optim:");
        writer.Line("/// <c>amsgrad</c>; default false. Turning it on allocates its state here, never in <see cref=\"Step\"/>.");
        writer.Line("/// </summary>");
        writer.Line("/// <exception cref=\"global::System.InvalidOperationException\">Changed after the first <see cref=\"Step\"/>; nothing changes.</exception>");
        using (writer.OpenBlock("public bool Amsgrad"))
        {
            writer.Line("get { return _amsgrad; }");
            using (writer.OpenBlock("set"))
            {
                writer.Line("if (value == _amsgrad) { return; }");
                writer.Line("if (StepCount != 0) { throw new global::System.InvalidOperationException(\"Amsgrad must be set before the first Step(): its state starts with the first step.\"); }");
                writer.Line("if (value && _maxExpAvgSq.Length == 0) { _maxExpAvgSq = new float[TrainableParameterCount]; }");
                writer.Line("_amsgrad = value;");
            }
        }
    }

    private static void WriteDecayModeProperty(CodeWriter writer, TargetProfile profile)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// How the decoupled decay is scaled each step, with η_t = Schedule.Multiplier(StepCount) and λ = WeightDecay:");
        writer.Line("/// <see cref=\"global::WeightDecay.Edge.DecoupledDecay.LearningRateCoupled\"/> (default, torch.optim.AdamW):");
        writer.Line("/// <c>p *= 1 - LearningRate·η_t·λ</c>; <see cref=\"global::WeightDecay.Edge.DecoupledDecay.ScheduleCoupled\"/>");
        writer.Line("/// (Loshchilov and Hutter 2019, Algorithm 2): <c>p *= 1 - η_t·λ</c>, independent of the base learning rate.");
        if (!profile.HasRuntimeLibrary)
        {
            writer.Line("/// Internal where the enum is emitted internal (no runtime library: the device).");
        }

        writer.Line("/// </summary>");
        writer.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">Not a defined mode; nothing changes.</exception>");
        using (writer.OpenBlock(profile.SharedAccessibility + " global::WeightDecay.Edge.DecoupledDecay DecayMode"))
        {
            writer.Line("get { return _decayMode; }");
            using (writer.OpenBlock("set"))
            {
                const string Mode = "global::WeightDecay.Edge.DecoupledDecay";
                using (writer.OpenBlock($"if (value != {Mode}.LearningRateCoupled && value != {Mode}.ScheduleCoupled)"))
                {
                    writer.Line("throw new global::System.ArgumentOutOfRangeException(\"DecayMode\", \"DecayMode must be LearningRateCoupled or ScheduleCoupled.\");");
                }

                writer.Line("_decayMode = value;");
            }
        }
    }

    private static void WriteStep(CodeWriter writer, LayoutSpec layout, TargetProfile profile, ScalarMath math, bool decoupled)
    {
        string torch = decoupled ? "torch.optim.AdamW" : "torch.optim.Adam";
        string decay = decoupled ? "decayFactor" : "weightDecay";
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// Updates the trainable <c>Parameters</c> in place from <c>Gradients</c>, as one call of {torch}'s <c>step()</c>");
        writer.Line("/// with lr = LearningRate·Schedule.Multiplier(StepCount), after clipping and the non-finite guard (see");
        writer.Line("/// <see cref=\"Optimizer.MaxGradientNorm\"/>, <see cref=\"Optimizer.SkipNonFiniteSteps\"/>). Allocates nothing.");
        writer.Line("/// </summary>");
        using (writer.OpenBlock("public override void Step()"))
        {
            TrainingLoopEmitter.WriteStepPrologue(writer, layout, withFloatDecay: !decoupled);
            writer.Line("long step = StepCount + 1;");
            if (UsesRunningBiasCorrection(profile))
            {
                writer.Line("double biasCorrection1 = _biasCorrection1.Next(_beta1Value, step);");
                writer.Line("double biasCorrection2 = _biasCorrection2.Next(_beta2Value, step);");
            }
            else
            {
                writer.Line($"double biasCorrection1 = 1.0 - {math.PowDouble("_beta1Value", "step")};");
                writer.Line($"double biasCorrection2 = 1.0 - {math.PowDouble("_beta2Value", "step")};");
            }
            IReadOnlyList<UpdateLoopEmitter.Group> groups = UpdateLoopEmitter.Groups(layout);
            bool grouped = UpdateLoopEmitter.HasGroups(layout);
            if (!grouped)
            {
                writer.Line("float negStepSize = (float)(-(learningRate / biasCorrection1));");
            }

            writer.Line($"float biasCorrection2Sqrt = (float)({math.SqrtDouble("biasCorrection2")});");
            writer.Line("float invBiasCorrection2Sqrt = (float)(1.0 / biasCorrection2Sqrt); // correctly rounded: see DivideByStepConstant");
            writer.Line("float oneMinusBeta1 = (float)(1.0 - _beta1Value);");
            writer.Line("float oneMinusBeta2 = (float)(1.0 - _beta2Value);");
            OptimizerEmitter.WriteGradientSign(writer);
            if (decoupled)
            {
                writer.Line("// torch: p *= 1 - lr_t·λ; the paper (ScheduleCoupled): p *= 1 - η_t·λ.");
            }

            foreach (UpdateLoopEmitter.Group group in groups)
            {
                string x = group.LocalSuffix;
                if (grouped)
                {
                    OptimizerEmitter.WriteGroupRates(writer, group);
                    writer.Line($"float negStepSize{x} = (float)(-({group.LearningRate} / biasCorrection1));");
                }

                if (decoupled)
                {
                    writer.Line($"double decayRate{x} = _decayMode == global::WeightDecay.Edge.DecoupledDecay.ScheduleCoupled ? multiplier : {group.LearningRate};");
                    writer.Line($"float decayFactor{x} = (float)(1.0 - (decayRate{x} * {group.WeightDecayRate}));");
                    if (AnchorEmitter.HasAnchor(layout))
                    {
                        writer.Line($"float negAnchorDecay{x} = (float)(-(decayRate{x} * {group.WeightDecayRate})); // toward the anchor: p -= lr_t·λ·(p - a)");
                    }
                }
                else if (grouped && group.WeightDecayScale != 1f)
                {
                    writer.Line($"float weightDecay{x} = (float)weightDecayRate{x};");
                }
            }

            // Folded (see OptimizerEmitter.FoldsGradientSign): the gradient meets the coupled decay and 1 - beta1 with its
            // sign; the second moment squares it, so it needs no sign.
            bool fold = OptimizerEmitter.FoldsGradientSign(math);
            string Arguments(UpdateLoopEmitter.Group group)
            {
                string x = group.LocalSuffix;
                string decay = decoupled ? "decayFactor" + x : group.WeightDecayScale != 1f ? "weightDecay" + x : "weightDecay";
                string decayArgument = fold && !decoupled ? $"{decay} * gradientSign" : decay;
                if (decoupled && AnchorEmitter.HasAnchor(layout))
                {
                    decayArgument += ", negAnchorDecay" + x;
                    decay += ", negAnchorDecay" + x;
                }

                string signArguments = fold ? $"{decayArgument}, _beta1, oneMinusBeta1 * gradientSign" : $"gradientSign, {decay}, _beta1, oneMinusBeta1";
                return $"{signArguments}, _beta2, oneMinusBeta2, negStepSize{x}, biasCorrection2Sqrt, invBiasCorrection2Sqrt, _epsilon";
            }

            using (writer.OpenBlock("if (_amsgrad)"))
            {
                foreach (UpdateLoopEmitter.Group group in groups)
                {
                    writer.Call("UpdateAmsgrad" + group.MethodSuffix, Arguments(group));
                }
            }

            using (writer.OpenBlock("else"))
            {
                foreach (UpdateLoopEmitter.Group group in groups)
                {
                    writer.Call("Update" + group.MethodSuffix, Arguments(group));
                }
            }

            TrainingLoopEmitter.WriteStepEpilogue(writer, layout);
            writer.Line("StepCount = step;");
        }
    }

    // private void Update(float decayFactor, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
    //                     float negStepSize, float biasCorrection2Sqrt, float invBiasCorrection2Sqrt, float epsilon)
    // {
    //     float[] p = _model.Parameters; float[] g = _model.Gradients; float[] m = _expAvg; float[] v = _expAvgSq;
    //     <one pass per run of tensors; see UpdateLoopEmitter>
    // }
    // ...and UpdateVector512, UpdateVector256, ... on desktop.
    // torch skips its decay term when weight_decay is 0 (see UpdateMethod.SkipDecayWhen). AdamW's own term needs no skip:
    // p * (1 - lr * 0) is p * 1, exact for every float; its anchored term p + (-lr * 0) * (p - a) is not (an infinite
    // weight would become NaN).
    private static string? SkipDecay(LayoutSpec layout, bool decoupled) =>
        !decoupled ? "weightDecay == 0f" : AnchorEmitter.HasAnchor(layout) ? "negAnchorDecay == 0f" : null;

    private static void WriteUpdate(CodeWriter writer, LayoutSpec layout, TargetProfile profile, ScalarMath math, bool decoupled, bool amsgrad)
    {
        string decay = decoupled ? "decayFactor" : "weightDecay";
        string[] parameters = { decay, "beta1", "oneMinusBeta1", "beta2", "oneMinusBeta2", "negStepSize", "biasCorrection2Sqrt", "invBiasCorrection2Sqrt", "epsilon" };
        if (decoupled && AnchorEmitter.HasAnchor(layout))
        {
            parameters = new[] { decay, "negAnchorDecay" }.Concat(parameters.Skip(1)).ToArray();
        }

        if (!OptimizerEmitter.FoldsGradientSign(math))
        {
            parameters = new[] { "gradientSign" }.Concat(parameters).ToArray();
        }

        // p and g, then the moments (m, v) and, with AMSGrad, their running maximum (vmax), as the definition names them.
        var buffers = new List<(string, string)> { ("p", "_model.Parameters"), ("g", "_model.Gradients") };
        OptimizerDefinition definition = decoupled ? OptimizerDefinitions.AdamW(profile) : OptimizerDefinitions.Adam(profile);
        buffers.AddRange(definition.States.Where(array => amsgrad || !array.Optional).Select(array => (array.Local, array.Field)));

        string kernelClass = !decoupled ? SharedKernel.Adam : layout.CautiousWeightDecay ? SharedKernel.CautiousAdamW : SharedKernel.AdamW;
        var method = new UpdateLoopEmitter.UpdateMethod(amsgrad ? "UpdateAmsgrad" : "Update", kernelClass, parameters, buffers.ToArray(), (w, e) =>
        {
            KernelDialect k = e.Kernel;
            string type = k.Type, s = e.Suffix, i = e.Index, j = e.StateIndex;
            string parameter = k.Load("p", i);
            // Cautious decay (see CautiousDecayEmitter) decays p later, once the first moment gives the update's sign.
            string? old = CautiousDecayEmitter.Applies(layout, decoupled, e) ? CautiousDecayEmitter.WriteOld(w, e) : null;
            if (old is null && decoupled && e.Decay == UpdateLoopEmitter.DecayTarget.Zero)
            {
                parameter = $"{parameter} * {k.Scalar("decayFactor")}";
            }
            else if (old is null && decoupled && e.Decay == UpdateLoopEmitter.DecayTarget.Anchor)
            {
                w.Line($"{type} old{s} = {parameter};");
                parameter = k.Fma(e.WriteDrift(w, $"old{s}"), k.Scalar("negAnchorDecay"), $"old{s}");
            }

            if (old is null)
            {
                w.Line($"{type} p{s} = {parameter};");
            }

            string signed = OptimizerEmitter.SignedGradient(k, i, math);
            string gradient = decoupled ? signed : e.Decay switch
            {
                UpdateLoopEmitter.DecayTarget.Zero => k.Fma($"p{s}", k.Scalar("weightDecay"), signed),
                UpdateLoopEmitter.DecayTarget.Anchor => k.Fma(e.WriteDrift(w, $"p{s}"), k.Scalar("weightDecay"), signed),
                _ => signed,
            };
            w.Line($"{type} g{s} = {gradient};");
            w.Line($"{type} m{s} = {k.Fma($"g{s}", k.Scalar("oneMinusBeta1"), $"{k.Load("m", j)} * {k.Scalar("beta1")}")};");
            if (old is not null)
            {
                CautiousDecayEmitter.WriteDecay(w, e, old, $"m{s}");
            }

            w.Line($"{type} v{s} = {k.Fma($"{k.Scalar("oneMinusBeta2")} * g{s}", $"g{s}", $"{k.Load("v", j)} * {k.Scalar("beta2")}")};");
            w.Line(k.Store("m", j, $"m{s}"));
            w.Line(k.Store("v", j, $"v{s}"));
            if (amsgrad)
            {
                k.WriteRunningMax(w, $"v{s}", "vmax", j, s);
            }

            // torch: denom = (v.sqrt() / bias_correction2_sqrt).add_(eps), a true division; see DivideByStepConstant.
            string quotient = k.DivideByStepConstant(w, k.Sqrt($"v{s}"), k.Scalar("biasCorrection2Sqrt"), k.Scalar("invBiasCorrection2Sqrt"), s);
            string denominator = $"{quotient} + {k.Scalar("epsilon")}";
            w.Line(k.Store("p", i, $"p{s} + ({k.Scalar("negStepSize")} * m{s} / ({denominator}))"));
        }, decoupled ? ("decayFactor", "1f") : null, SkipDecay(layout, decoupled));
        UpdateLoopEmitter.WriteMethods(writer, layout, profile, math, method);
    }
}
