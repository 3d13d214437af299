using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Emits <c>SgdOptimizer</c>: torch.optim.SGD with coupled L2 weight decay, momentum, dampening
/// and Nesterov momentum. Per element, with every <c>add(alpha)</c> fused as torch's CPU kernel:
/// <code>
/// g = maximize ? -g : g                         (exact; see OptimizerEmitter.FoldsGradientSign)
/// d = g + weight_decay * p                      (decayed tensors only)
/// d = g + weight_decay * (p - anchor)           (instead, tensors decayed toward the anchor)
/// b = d on the first momentum step, else momentum * b + (1 - dampening) * d
/// d = nesterov ? d + momentum * b : b            (with momentum)
/// p = p - lr * d
/// </code>
/// </summary>
internal static class SgdEmitter
{
    private static readonly OptimizerDefinition Definition = OptimizerDefinitions.Sgd;

    public static void Emit(CodeWriter writer, LayoutSpec layout, TargetProfile profile, ScalarMath math)
    {
        string[] summary =
        {
            $"Stochastic gradient descent for <see cref=\"{layout.ClassName}\"/>, as torch.optim.SGD: optional momentum,",
            "dampening and Nesterov momentum, and coupled L2 weight decay (<see cref=\"WeightDecay\"/> times the",
            "parameter is added to its gradient). Tensors declared with <c>Decay = false</c> are never decayed.",
            "<see cref=\"Step\"/> allocates nothing.",
        };
        string[] options = { "private bool _momentumBufferInitialized;", "private bool _nesterov;", "private bool _decoupled;" };
        const string stateText = "the momentum buffer, one float per trainable scalar, allocated when Momentum is first set non-zero (none without momentum).";
        using (OptimizerEmitter.OpenClass(writer, layout, profile, Definition, summary, options, math, stateText))
        {
            WriteNesterovProperty(writer);
            WriteDecoupledProperty(writer);
            WriteStep(writer, layout, profile, math);
            if (UpdateLoopEmitter.TrainableRuns(layout).Any(run => run.Decayed) && !layout.SgdCautiousWeightDecay)
            {
                WriteDecoupledDecay(writer, layout, math);
            }

            WriteUpdate(writer, layout, profile, math, Variant.Plain);
            WriteUpdate(writer, layout, profile, math, Variant.Momentum);
            WriteUpdate(writer, layout, profile, math, Variant.Nesterov);
            if (layout.SgdCautiousWeightDecay)
            {
                WriteCautiousUpdate(writer, layout, profile, math, Variant.Plain);
                WriteCautiousUpdate(writer, layout, profile, math, Variant.Momentum);
                WriteCautiousUpdate(writer, layout, profile, math, Variant.Nesterov);
            }
            StateViewEmitter.Emit(writer, profile, Definition.States);
            if (OptimizerEmitter.HasCheckpoints(layout))
            {
                CheckpointEmitter.Emit(writer, layout, profile, Definition);
            }
        }
    }

    private enum Variant
    {
        Plain,
        Momentum,
        Nesterov,
    }

    private static void WriteDecoupledProperty(CodeWriter writer)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Whether weight decay is decoupled from the gradient (SGDW, Loshchilov and Hutter 2019, in torch.optim.AdamW's");
        writer.Line("/// parameterisation): each step first moves every decayed weight as AdamW does, p *= 1 - lr_t·λ_t (toward the anchor:");
        writer.Line("/// p -= lr_t·λ_t·(p - a)), then takes the SGD step without a decay term, so the decay does not enter the momentum");
        writer.Line("/// buffer. Default false (torch.optim.SGD's coupled L2). May be changed between steps; saved in checkpoints.");
        writer.Line("/// </summary>");
        writer.Line("public bool Decoupled { get { return _decoupled; } set { _decoupled = value; } }");
    }

    // SGDW's decay pass, before the update: p *= decayFactor on the runs decayed toward zero, p += negAnchorDecay·(p - a)
    // on the anchored ones (fused where the target has it, as AdamW's anchored kernels). Scalar, one pass per run.
    private static void WriteDecoupledDecay(CodeWriter writer, LayoutSpec layout, ScalarMath math)
    {
        bool anchored = AnchorEmitter.HasAnchor(layout);
        foreach (UpdateLoopEmitter.Group group in UpdateLoopEmitter.Groups(layout).Where(group => DecaysIn(layout, group)))
        {
            writer.Line();
            using (writer.OpenBlock($"private void DecayWeights{group.MethodSuffix}(float decayFactor{(anchored ? ", float negAnchorDecay" : string.Empty)})"))
            {
                WriteDecoupledDecayLoops(writer, layout, math, group, anchored);
            }
        }
    }

    // Whether some run of the group is decayed.
    private static bool DecaysIn(LayoutSpec layout, UpdateLoopEmitter.Group group) =>
        UpdateLoopEmitter.TrainableRuns(layout).Any(run => run.Group == group.Index && run.Decayed);

    // The group's coupled weight decay (float): the prologue's weightDecay, or the group's own when it scales it.
    private static string WeightDecayOf(UpdateLoopEmitter.Group group) =>
        group.WeightDecayScale != 1f ? "weightDecay" + group.LocalSuffix : "weightDecay";

    private static void WriteDecoupledDecayLoops(CodeWriter writer, LayoutSpec layout, ScalarMath math, UpdateLoopEmitter.Group group, bool anchored)
    {
        writer.Line("float[] p = _model.Parameters;");
        if (anchored)
        {
            writer.Line("float[] a = _model.Anchor;");
        }

        foreach (UpdateLoopEmitter.Run run in UpdateLoopEmitter.TrainableRuns(layout).Where(run => run.Group == group.Index && run.Decayed))
        {
            writer.Line($"// {run.Description}");
            if (run.Decay == UpdateLoopEmitter.DecayTarget.Zero)
            {
                using (writer.OpenBlock($"for (int i = {Literals.Int(run.Start)}; i < {Literals.Int(run.End)}; i++)"))
                {
                    writer.Line("p[i] *= decayFactor;");
                }

                continue;
            }

            using (writer.OpenBlock($"for (int i = {Literals.Int(run.Start)}, k = {Literals.Int(run.Start - run.AnchorShift)}; i < {Literals.Int(run.End)}; i++, k++)"))
            {
                writer.Line("float w = p[i];");
                writer.Line($"p[i] = {math.Fma("w - a[k]", "negAnchorDecay", "w")};");
            }
        }
    }

    private static void WriteNesterovProperty(CodeWriter writer)
    {
        writer.Line();
        writer.Line("/// <summary>Whether to use Nesterov momentum. torch.optim: <c>nesterov</c>; default false.</summary>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">Set to true while Momentum is 0 or Dampening is not 0; nothing changes.</exception>");
        using (writer.OpenBlock("public bool Nesterov"))
        {
            writer.Line("get { return _nesterov; }");
            using (writer.OpenBlock("set"))
            {
                writer.Line($"if (value && (_momentum == 0f || _dampening != 0f)) {{ throw new global::System.ArgumentException({OptimizerDefinitions.NesterovMessage}, \"Nesterov\"); }}");
                writer.Line("_nesterov = value;");
            }
        }
    }

    private static void WriteStep(CodeWriter writer, LayoutSpec layout, TargetProfile profile, ScalarMath math)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Updates the trainable <c>Parameters</c> in place from <c>Gradients</c>, as one call of torch.optim.SGD's <c>step()</c>");
        writer.Line("/// with lr = LearningRate·Schedule.Multiplier(StepCount), after clipping and the non-finite guard (see");
        writer.Line("/// <see cref=\"Optimizer.MaxGradientNorm\"/>, <see cref=\"Optimizer.SkipNonFiniteSteps\"/>). Allocates nothing.");
        writer.Line("/// </summary>");
        using (writer.OpenBlock("public override void Step()"))
        {
            TrainingLoopEmitter.WriteStepPrologue(writer, layout, withFloatDecay: true);
            IReadOnlyList<UpdateLoopEmitter.Group> groups = UpdateLoopEmitter.Groups(layout);
            bool grouped = UpdateLoopEmitter.HasGroups(layout);
            foreach (UpdateLoopEmitter.Group group in groups)
            {
                string x = group.LocalSuffix;
                if (grouped)
                {
                    OptimizerEmitter.WriteGroupRates(writer, group);
                    if (group.WeightDecayScale != 1f)
                    {
                        writer.Line($"float weightDecay{x} = (float)weightDecayRate{x};");
                    }
                }

                writer.Line($"float negLearningRate{x} = (float)(-{group.LearningRate});");
            }

            if (layout.SgdCautiousWeightDecay)
            {
                // Cautious SGDW decays inside the update, where the step's direction is known (see WriteCautiousUpdate).
                foreach (UpdateLoopEmitter.Group group in groups)
                {
                    string rate = $"{group.LearningRate} * {group.WeightDecayRate}";
                    writer.Line($"float decayFactor{group.LocalSuffix} = _decoupled ? (float)(1.0 - ({rate})) : 1f;");
                    if (AnchorEmitter.HasAnchor(layout))
                    {
                        writer.Line($"float negAnchorDecay{group.LocalSuffix} = _decoupled ? (float)(-({rate})) : 0f;");
                    }
                }
            }

            if (UpdateLoopEmitter.TrainableRuns(layout).Any(run => run.Decayed))
            {
                using (writer.OpenBlock("if (_decoupled)"))
                {
                    writer.Line("// SGDW: the decay moves the weights before the update and stays out of the gradient and the momentum buffer.");
                    foreach (UpdateLoopEmitter.Group group in groups.Where(group => DecaysIn(layout, group) && !layout.SgdCautiousWeightDecay))
                    {
                        using (writer.OpenBlock($"if ({group.WeightDecayRate} != 0.0)"))
                        {
                            string rate = $"{group.LearningRate} * {group.WeightDecayRate}";
                            string arguments = $"(float)(1.0 - ({rate}))" + (AnchorEmitter.HasAnchor(layout) ? $", (float)(-({rate}))" : string.Empty);
                            writer.Call("DecayWeights" + group.MethodSuffix, arguments);
                        }
                    }

                    foreach (string weightDecay in groups.Select(WeightDecayOf).Distinct())
                    {
                        writer.Line($"{weightDecay} = 0f;");
                    }
                }
            }

            OptimizerEmitter.WriteGradientSign(writer);
            bool fold = OptimizerEmitter.FoldsGradientSign(math);
            if (fold)
            {
                writer.Line("// The sign is folded into the scalars the gradient meets (see the update methods): exact negations.");
                foreach (UpdateLoopEmitter.Group group in groups)
                {
                    string x = group.LocalSuffix;
                    writer.Line($"float signedWeightDecay{x} = {WeightDecayOf(group)} * gradientSign;");
                    writer.Line($"float signedNegLearningRate{x} = negLearningRate{x} * gradientSign;");
                }
            }

            // Folded: d' = sign·d, so the buffer takes sign·(1 - dampening), the Nesterov term sign·momentum, and the step
            // sign·(-lr) wherever it meets d' rather than the (true) buffer.
            string Plain(UpdateLoopEmitter.Group group) => fold
                ? $"signedNegLearningRate{group.LocalSuffix}, signedWeightDecay{group.LocalSuffix}"
                : $"negLearningRate{group.LocalSuffix}, gradientSign, {WeightDecayOf(group)}";
            string Nesterov(UpdateLoopEmitter.Group group) => fold
                ? $"{Plain(group)}, bufferScale, bufferGradientScale * gradientSign, _momentum * gradientSign"
                : $"{Plain(group)}, bufferScale, bufferGradientScale, _momentum";
            string Momentum(UpdateLoopEmitter.Group group) => fold
                ? $"negLearningRate{group.LocalSuffix}, signedWeightDecay{group.LocalSuffix}, bufferScale, bufferGradientScale * gradientSign"
                : $"{Plain(group)}, bufferScale, bufferGradientScale";
            string Cautious(UpdateLoopEmitter.Group group, string name)
            {
                string x = group.LocalSuffix;
                string arguments = $"negLearningRate{x}, gradientSign, decayFactor{x}" + (AnchorEmitter.HasAnchor(layout) ? $", negAnchorDecay{x}" : string.Empty);
                return name == "UpdatePlain" ? arguments
                    : name == "UpdateMomentum" ? arguments + ", bufferScale, bufferGradientScale"
                    : arguments + ", bufferScale, bufferGradientScale, _momentum";
            }

            void Dispatch(string name, System.Func<UpdateLoopEmitter.Group, string> arguments)
            {
                if (!layout.SgdCautiousWeightDecay)
                {
                    foreach (UpdateLoopEmitter.Group group in groups)
                    {
                        writer.Call(name + group.MethodSuffix, arguments(group));
                    }

                    return;
                }

                using (writer.OpenBlock("if (_decoupled)"))
                {
                    foreach (UpdateLoopEmitter.Group group in groups)
                    {
                        writer.Call(name + "Cautious" + group.MethodSuffix, Cautious(group, name));
                    }
                }

                using (writer.OpenBlock("else"))
                {
                    foreach (UpdateLoopEmitter.Group group in groups)
                    {
                        writer.Call(name + group.MethodSuffix, arguments(group));
                    }
                }
            }

            using (writer.OpenBlock("if (_momentum == 0f)"))
            {
                Dispatch("UpdatePlain", Plain);
            }

            using (writer.OpenBlock("else"))
            {
                // torch starts the buffer as a copy of the first gradient (clone(d_p)). Here: the buffer cleared, scaled by -0
                // to -0 everywhere, plus 1 times the gradient, which is the gradient exactly, -0 included (+0 would turn a -0
                // gradient into +0).
                using (writer.OpenBlock("if (!_momentumBufferInitialized)"))
                {
                    writer.Line("global::System.Array.Clear(_momentumBuffer, 0, TrainableParameterCount);");
                }

                writer.Line("// torch starts the buffer as a copy of the first gradient: the cleared buffer times -0, plus the gradient.");
                writer.Line("float bufferScale = _momentumBufferInitialized ? _momentum : -0f;");
                writer.Line("float bufferGradientScale = _momentumBufferInitialized ? (float)(1.0 - _dampeningValue) : 1f;");
                using (writer.OpenBlock("if (_nesterov)"))
                {
                    Dispatch("UpdateNesterov", Nesterov);
                }

                using (writer.OpenBlock("else"))
                {
                    Dispatch("UpdateMomentum", Momentum);
                }

                writer.Line("_momentumBufferInitialized = true;");
            }

            TrainingLoopEmitter.WriteStepEpilogue(writer, layout);
            writer.Line("StepCount++;");
        }
    }

    // Cautious SGDW ([Sgd(CautiousWeightDecay = true)], Decoupled = true): the decoupled decay moves into the update, after
    // the step's direction is known, and applies only where the direction and the parameter (toward the anchor: p - a) do
    // not have strictly opposite signs (see CautiousDecayEmitter for the rule and its zeros and NaNs):
    //     old = p[i]; d = g * gradientSign; [b = ...; direction = b, or d + momentum * b]
    //     p = opposite(direction, old) ? old : old * decayFactor     (toward the anchor: fma(old - a, negAnchorDecay, old))
    //     p = fma(direction, negLearningRate, p)
    // Where every sign agrees, this is SGDW's decay pass followed by its update, bit for bit. The gradient's sign is never
    // folded here (the mask needs the true direction), which costs the device one multiply per element.
    private static void WriteCautiousUpdate(CodeWriter writer, LayoutSpec layout, TargetProfile profile, ScalarMath math, Variant variant)
    {
        bool anchored = AnchorEmitter.HasAnchor(layout);
        var parameters = new List<string> { "negLearningRate", "gradientSign", "decayFactor" };
        if (anchored)
        {
            parameters.Add("negAnchorDecay");
        }

        (string, string)[] buffers = AddMomentumArguments(parameters, variant);

        var method = new UpdateLoopEmitter.UpdateMethod("Update" + variant + "Cautious", SharedKernel.Sgd, parameters.ToArray(), buffers, (w, e) =>
        {
            KernelDialect k = e.Kernel;
            string type = k.Type, s = e.Suffix;
            w.Line($"{type} old{s} = {k.Load("p", e.Index)};");
            w.Line($"{type} d{s} = {k.Load("g", e.Index)} * {k.Scalar("gradientSign")};");
            string direction = $"d{s}";
            if (variant != Variant.Plain)
            {
                w.Line($"{type} b{s} = {k.Fma($"d{s}", k.Scalar("bufferGradientScale"), $"{k.Load("b", e.StateIndex)} * {k.Scalar("bufferScale")}")};");
                w.Line(k.Store("b", e.StateIndex, $"b{s}"));
                direction = $"b{s}";
                if (variant == Variant.Nesterov)
                {
                    w.Line($"{type} n{s} = {k.Fma($"b{s}", k.Scalar("momentum"), $"d{s}")};");
                    direction = $"n{s}";
                }
            }

            string decayed = $"old{s}";
            if (e.Decay != UpdateLoopEmitter.DecayTarget.None)
            {
                string sign = $"old{s}", target = $"old{s} * {k.Scalar("decayFactor")}";
                if (e.Decay == UpdateLoopEmitter.DecayTarget.Anchor)
                {
                    sign = e.WriteDrift(w, $"old{s}");
                    target = k.Fma(sign, k.Scalar("negAnchorDecay"), $"old{s}");
                }

                string opposite = k.WriteOppositeSigns(w, direction, sign, s);
                w.Line($"{type} p{s} = {k.Select(opposite, $"old{s}", target)};");
                decayed = $"p{s}";
            }

            w.Line(k.Store("p", e.Index, k.Fma(direction, k.Scalar("negLearningRate"), decayed)));
        }, ("decayFactor", "1f"), anchored ? "negAnchorDecay == 0f" : null);
        UpdateLoopEmitter.WriteMethods(writer, layout, profile, math, method);
    }

    // The parameters a variant adds after the decay scalars (the buffer's two scales; Nesterov's momentum) and the buffers
    // its kernels read and write: p and g, and the momentum buffer b.
    private static (string, string)[] AddMomentumArguments(List<string> parameters, Variant variant)
    {
        var buffers = new List<(string, string)> { ("p", "_model.Parameters"), ("g", "_model.Gradients") };
        if (variant != Variant.Plain)
        {
            parameters.AddRange(new[] { "bufferScale", "bufferGradientScale" });
            OptimizerState momentum = Definition.States.Single();
            buffers.Add((momentum.Local, momentum.Field));
        }

        if (variant == Variant.Nesterov)
        {
            parameters.Add("momentum");
        }

        return buffers.ToArray();
    }

    // private void UpdateMomentum(float negLearningRate, float weightDecay, float bufferScale, float bufferGradientScale)
    // {
    //     float[] p = _model.Parameters; float[] g = _model.Gradients; float[] b = _momentumBuffer;
    //     <one pass per run of tensors; see UpdateLoopEmitter>
    // }
    // ...and UpdateMomentumVector512, UpdateMomentumVector256, ... on desktop.
    private static void WriteUpdate(CodeWriter writer, LayoutSpec layout, TargetProfile profile, ScalarMath math, Variant variant)
    {
        var parameters = new List<string> { "negLearningRate", "weightDecay" };
        if (!OptimizerEmitter.FoldsGradientSign(math))
        {
            parameters.Insert(1, "gradientSign");
        }

        (string, string)[] buffers = AddMomentumArguments(parameters, variant);

        var method = new UpdateLoopEmitter.UpdateMethod("Update" + variant, SharedKernel.Sgd, parameters.ToArray(), buffers, (w, e) =>
        {
            KernelDialect k = e.Kernel;
            string type = k.Type, s = e.Suffix;
            w.Line($"{type} p{s} = {k.Load("p", e.Index)};");
            string signed = OptimizerEmitter.SignedGradient(k, e.Index, math);
            string gradient = e.Decay switch
            {
                UpdateLoopEmitter.DecayTarget.Zero => k.Fma($"p{s}", k.Scalar("weightDecay"), signed),
                UpdateLoopEmitter.DecayTarget.Anchor => k.Fma(e.WriteDrift(w, $"p{s}"), k.Scalar("weightDecay"), signed),
                _ => signed,
            };
            w.Line($"{type} d{s} = {gradient};");
            string direction = $"d{s}";
            if (variant != Variant.Plain)
            {
                w.Line($"{type} b{s} = {k.Fma($"d{s}", k.Scalar("bufferGradientScale"), $"{k.Load("b", e.StateIndex)} * {k.Scalar("bufferScale")}")};");
                w.Line(k.Store("b", e.StateIndex, $"b{s}"));
                direction = variant == Variant.Nesterov ? k.Fma($"b{s}", k.Scalar("momentum"), $"d{s}") : $"b{s}";
            }

            w.Line(k.Store("p", e.Index, k.Fma(direction, k.Scalar("negLearningRate"), $"p{s}")));
        }, SkipDecayWhen: "weightDecay == 0f");
        UpdateLoopEmitter.WriteMethods(writer, layout, profile, math, method);
    }
}
