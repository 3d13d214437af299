using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// The training-loop members shared by every generated optimizer (schedule, gradient clipping,
/// non-finite guard, state size, L2 penalty) and the layout members they rely on (trainable and
/// frozen counts, the squared norm of the decayed weights). All per-step work is loops over
/// constant ranges of the trainable runs: no allocation, nothing the device lacks.
/// </summary>
internal static class TrainingLoopEmitter
{
    // /// <summary>Number of scalars in trainable tensors: 6.</summary>
    // public const int TrainableParameterCount = 6;
    // public const int FrozenParameterCount = 2;
    // public double DecayedSquaredNorm() { double sum = 0.0; float[] p = Parameters; for (int i = 0; i < 6; i++) { double w = p[i]; sum += w * w; } return sum; }
    public static void WriteLayoutMembers(CodeWriter writer, LayoutSpec layout)
    {
        writer.Line();
        writer.Line($"/// <summary>Number of scalars in trainable tensors, the ones optimizers update and keep state for: {Literals.Int(layout.TrainableParameterCount)}.</summary>");
        writer.Line($"public const int TrainableParameterCount = {Literals.Int(layout.TrainableParameterCount)};");
        writer.Line();
        writer.Line($"/// <summary>Number of scalars in frozen (<c>Trainable = false</c>) tensors, which optimizers leave alone: {Literals.Int(layout.FrozenParameterCount)}.</summary>");
        writer.Line($"public const int FrozenParameterCount = {Literals.Int(layout.FrozenParameterCount)};");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Σw² over the trainable tensors that are decayed, accumulated in double. With torch's convention");
        writer.Line("/// (<c>weight_decay = λ</c> adds λw to the gradient) the matching penalty is (λ/2)·Σw²; each optimizer's");
        writer.Line("/// <c>L2Penalty()</c> returns that. Allocates nothing.");
        if (AnchorEmitter.HasAnchor(layout))
        {
            writer.Line("/// Tensors decayed toward the anchor count Σ(w − a)², their distance from <c>Anchor</c>, instead.");
        }

        if (UpdateLoopEmitter.Groups(layout).Any(group => group.WeightDecayScale != 1f))
        {
            writer.Line("/// Each tensor's sum is weighted by its <c>WeightDecayScale</c>, so (λ/2)·DecayedSquaredNorm() stays the penalty.");
        }

        writer.Line("/// </summary>");
        using (writer.OpenBlock("public double DecayedSquaredNorm()"))
        {
            writer.Line("double sum = 0.0;");
            writer.Line("float[] p = Parameters;");
            foreach (UpdateLoopEmitter.Run run in UpdateLoopEmitter.TrainableRuns(layout).Where(run => run.Decayed))
            {
                if (run.Decay == UpdateLoopEmitter.DecayTarget.Anchor)
                {
                    AnchorEmitter.WriteSquaredDistance(writer, run, DecayFactor(layout, run));
                    continue;
                }

                writer.Line($"// {run.Description}");
                using (writer.OpenBlock($"for (int i = {Literals.Int(run.Start)}; i < {Literals.Int(run.End)}; i++)"))
                {
                    writer.Line("double w = p[i];");
                    writer.Line($"sum += {DecayFactor(layout, run)}w * w;");
                }
            }

            writer.Line("return sum;");
        }
    }

    // A run's weight-decay scale as a factor on its squared terms ("2.0 * "), or nothing.
    private static string DecayFactor(LayoutSpec layout, UpdateLoopEmitter.Run run)
    {
        float scale = UpdateLoopEmitter.Groups(layout)[run.Group].WeightDecayScale;
        return scale == 1f ? string.Empty : Literals.DecimalOf(scale) + " * ";
    }

    /// <summary>Fields every optimizer adds for the training-loop members.</summary>
    public static IEnumerable<string> StateFields() => new[]
    {
        "private global::WeightDecay.Edge.LearningRateSchedule _schedule = global::WeightDecay.Edge.LearningRateSchedule.Constant();",
        "private global::WeightDecay.Edge.LearningRateSchedule _decaySchedule = global::WeightDecay.Edge.LearningRateSchedule.Constant();",
        "private bool _flushSubnormals;",
    };

    /// <summary>
    /// The last lines of every update, before the step count moves: the tensors' constraints (proximal L1, row norms),
    /// then the opt-in flush, which also catches subnormals the constraints make.
    /// </summary>
    public static void WriteStepEpilogue(CodeWriter writer, LayoutSpec layout)
    {
        ConstraintEmitter.WriteStepCall(writer, layout);
        using (writer.OpenBlock("if (_flushSubnormals)"))
        {
            writer.Line("_model.FlushSubnormalParameters();");
        }

        WeightAverageEmitter.WriteStepCall(writer, layout);
    }

    /// <summary>
    /// The <c>StateBytes</c> constant: <paramref name="floatsPerParameter"/> floats of state per trainable
    /// parameter at most, explained by <paramref name="explanation"/>.
    /// </summary>
    public static void WriteStateBytes(CodeWriter writer, LayoutSpec layout, int floatsPerParameter, string explanation)
    {
        long bytes = 4L * floatsPerParameter * layout.TrainableParameterCount;
        long frozenSaving = 4L * floatsPerParameter * layout.FrozenParameterCount;
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// The most bytes of optimizer state this optimizer allocates: {Literals.Int(bytes)} = {Literals.Int(4 * floatsPerParameter)}·TrainableParameterCount,");
        writer.Line($"/// {explanation} Frozen tensors get no state: freezing saves {Literals.Int(frozenSaving)} bytes here");
        writer.Line($"/// ({Literals.Int(4 * floatsPerParameter)}·FrozenParameterCount). Array headers and the optimizer object itself are not counted.");
        writer.Line("/// </summary>");
        writer.Line(bytes <= int.MaxValue
            ? $"public const int StateBytes = {Literals.Int(bytes)};"
            : $"public const long StateBytes = {Literals.Int(bytes)}; // Too large for int.");
    }

    // Schedule, SkipNonFiniteSteps, SkippedStepCount, LastGradientNorm, L2Penalty(), and the private
    // PrepareGradients() that Step() calls first (clipping and the non-finite guard).
    public static void WriteOptimizerMembers(CodeWriter writer, LayoutSpec layout, TargetProfile profile, ScalarMath math)
    {
        WriteScheduleProperty(writer, profile);
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Whether <see cref=\"Step\"/> skips the whole step when any trainable gradient is NaN or infinite: parameters, state and");
        writer.Line("/// <see cref=\"StepCount\"/> stay as they were and <see cref=\"SkippedStepCount\"/> goes up by one. Default false, as torch.optim,");
        writer.Line("/// which applies such a step. Costs one pass over the gradients per step (shared with clipping).");
        writer.Line("/// </summary>");
        writer.Line("public bool SkipNonFiniteSteps { get; set; }");
        writer.Line();
        writer.Line("/// <summary>Number of steps skipped because of a non-finite gradient (see <see cref=\"SkipNonFiniteSteps\"/>).</summary>");
        writer.Line("public long SkippedStepCount { get; private protected set; }");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The global L2 norm of the trainable gradients before clipping, as last computed by <see cref=\"Step\"/> (what");
        writer.Line("/// clip_grad_norm_ returns): only while <see cref=\"MaxGradientNorm\"/> is positive or <see cref=\"SkipNonFiniteSteps\"/> is on.");
        writer.Line("/// </summary>");
        writer.Line("public double LastGradientNorm { get; private set; }");
        WriteFlushSubnormalsProperty(writer);
        WriteL2Penalty(writer);
        WritePrepareGradients(writer, math, profile);
    }

    /// <summary>
    /// The layout's private loops over its trainable stretches that every optimizer's step calls (its optimizers are nested
    /// in it, so they see them): the squared gradient sum and the scaling of clipping, and the subnormal flush.
    /// </summary>
    public static void WriteLayoutHelpers(CodeWriter writer, LayoutSpec layout, TargetProfile profile)
    {
        WriteGradientLoops(writer, layout, profile);
        WriteFlushLoops(writer, layout, profile);
    }

    private static void WriteFlushSubnormalsProperty(CodeWriter writer)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Whether each <see cref=\"Step\"/> ends by setting to +0 every trainable parameter below float.MinNormal in magnitude");
        writer.Line("/// (subnormals, on which x86 arithmetic is many times slower, and zeros of either sign). Default false. On, it deviates");
        writer.Line("/// from torch, whose CPU kernels keep subnormals. NaN, infinities and optimizer state are left alone; saved in checkpoints.");
        writer.Line("/// </summary>");
        writer.Line("public bool FlushSubnormals { get { return _flushSubnormals; } set { _flushSubnormals = value; } }");
    }

    // Desktop: private void FlushSubnormalParameters() { float[] p = _model.Parameters; Subnormals.Flush(p, 0, 6); }
    // Device:  ... for (int i = 0; i < 6; i++) { float w = p[i]; if (w < 1.17549435E-38f && -1.17549435E-38f < w && !IsNaN(w)) { p[i] = 0f; } }
    private static void WriteFlushLoops(CodeWriter writer, LayoutSpec layout, TargetProfile profile)
    {
        writer.Line();
        using (writer.OpenBlock("private void FlushSubnormalParameters()"))
        {
            writer.Line("float[] p = Parameters;");
            foreach ((int start, int end) in TrainableStretches(layout))
            {
                if (UsesVectorNorm(profile))
                {
                    writer.Line($"global::WeightDecay.Edge.Generated.Subnormals.Flush(p, {Literals.Int(start)}, {Literals.Int(end)});");
                    continue;
                }

                using (writer.OpenBlock($"for (int i = {Literals.Int(start)}; i < {Literals.Int(end)}; i++)"))
                {
                    writer.Line("float w = p[i];");
                    // nanoCLR may find NaN below and above any bound (device/README.md): IsNaN keeps NaN as it is.
                    using (writer.OpenBlock($"if (w < 1.17549435E-38f && -1.17549435E-38f < w && !{OptimizerEmitter.HyperParametersClass}.IsNaN(w))"))
                    {
                        writer.Line("p[i] = 0f;");
                    }
                }
            }
        }
    }

    /// <summary>
    /// The first lines of every <c>Step()</c>: both schedules' multipliers (checked before anything changes: a user-defined
    /// schedule can return anything; the check uses IsNaN and &lt; only, which nanoCLR evaluates correctly for NaN), clipping and
    /// the guard, then lr_t in double, λ_t in double (<c>weightDecayRate</c>) and, where <paramref name="withFloatDecay"/>,
    /// λ_t as the float the coupled decay multiplies by (<c>weightDecay</c>: exactly <c>WeightDecay</c> under the default
    /// constant decay schedule, as torch's <c>alpha=weight_decay</c>).
    /// </summary>
    public static void WriteStepPrologue(CodeWriter writer, LayoutSpec layout, bool withFloatDecay)
    {
        WriteMultiplier(writer, "multiplier", "_schedule", "Schedule");
        WriteMultiplier(writer, "decayMultiplier", "_decaySchedule", "DecaySchedule");
        GradientAccumulationEmitter.WriteStepCall(writer, layout);
        writer.Line("if (!PrepareGradients()) { return; } // skipped: a non-finite gradient (SkipNonFiniteSteps)");

        writer.Line();
        writer.Line("double learningRate = _learningRateValue * multiplier;");
        writer.Line("double weightDecayRate = _weightDecayValue * decayMultiplier; // λ_t");
        if (withFloatDecay)
        {
            writer.Line("float weightDecay = decayMultiplier == 1.0 ? _weightDecay : (float)weightDecayRate;");
        }
    }

    // double multiplier = HyperParameters.RequireMultiplier(_schedule.Multiplier(StepCount), "Schedule", StepCount);
    private static void WriteMultiplier(CodeWriter writer, string local, string field, string property) =>
        writer.Line($"double {local} = {OptimizerEmitter.HyperParametersClass}.RequireMultiplier({field}.Multiplier(StepCount), \"{property}\", StepCount);");

    private static void WriteScheduleProperty(CodeWriter writer, TargetProfile profile)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The learning-rate schedule: each step uses lr_t = LearningRate · Schedule.Multiplier(StepCount), computed in");
        writer.Line("/// double. Default <see cref=\"global::WeightDecay.Edge.LearningRateSchedule.Constant\"/>.");
        if (!profile.HasRuntimeLibrary)
        {
            writer.Line("/// Internal where the schedule type is emitted internal (no runtime library: the device).");
        }

        writer.Line("/// </summary>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\">Set to null; nothing changes.</exception>");
        using (writer.OpenBlock(profile.SharedAccessibility + " global::WeightDecay.Edge.LearningRateSchedule Schedule"))
        {
            writer.Line("get { return _schedule; }");
            using (writer.OpenBlock("set"))
            {
                writer.Line("if (value == null) { throw new global::System.ArgumentNullException(\"value\", \"Schedule cannot be null; use LearningRateSchedule.Constant().\"); }");
                writer.Line("_schedule = value;");
            }
        }

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// A schedule of the weight decay of its own, separate from <see cref=\"Schedule\"/>: each step decays with");
        writer.Line("/// λ_t = WeightDecay · DecaySchedule.Multiplier(StepCount), in double (as a torch user who sets each param group's");
        writer.Line("/// <c>weight_decay</c> before each step). AdamW's decoupled factor becomes 1 - lr_t·λ_t. Default");
        writer.Line("/// <see cref=\"global::WeightDecay.Edge.LearningRateSchedule.Constant\"/>: λ_t = WeightDecay. Not saved in checkpoints,");
        writer.Line("/// as <see cref=\"Schedule\"/> is not.");
        if (!profile.HasRuntimeLibrary)
        {
            writer.Line("/// Internal where the schedule type is emitted internal (no runtime library: the device).");
        }

        writer.Line("/// </summary>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\">Set to null; nothing changes.</exception>");
        using (writer.OpenBlock(profile.SharedAccessibility + " global::WeightDecay.Edge.LearningRateSchedule DecaySchedule"))
        {
            writer.Line("get { return _decaySchedule; }");
            using (writer.OpenBlock("set"))
            {
                writer.Line("if (value == null) { throw new global::System.ArgumentNullException(\"value\", \"DecaySchedule cannot be null; use LearningRateSchedule.Constant().\"); }");
                writer.Line("_decaySchedule = value;");
            }
        }
    }

    private static void WriteL2Penalty(CodeWriter writer)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The L2 penalty (WeightDecay / 2)·Σw² over the decayed, trainable tensors, in double, for reporting the regularised loss:");
        writer.Line("/// torch's <c>weight_decay = λ</c> adds λw to the gradient, the gradient of (λ/2)·Σw². (AdamW's decoupled decay has no such");
        writer.Line("/// penalty under Adam's scaling; the same value is reported for comparison.) Allocates nothing.");
        writer.Line("/// </summary>");
        writer.Arrow("public double L2Penalty()", "0.5 * _weightDecayValue * _decaySchedule.Multiplier(StepCount) * _model.DecayedSquaredNorm()");
    }

    // private bool PrepareGradients()
    // {
    //     if (_maxGradientNorm == 0f && !SkipNonFiniteSteps) { return true; }
    //     double norm = sqrt(SquaredGradientSum());  LastGradientNorm = norm;
    //     if (SkipNonFiniteSteps && !finite(norm)) { SkippedStepCount++; return false; }
    //     if (_maxGradientNorm != 0f) { coefficient = max / (norm + 1e-6); if (coefficient < 1.0 || HyperParameters.IsNaN(coefficient)) ScaleGradients((float)coefficient); }
    //     return true;
    // }
    private static void WritePrepareGradients(CodeWriter writer, ScalarMath math, TargetProfile profile)
    {
        writer.Line();
        writer.Line("// Clipping and the non-finite guard; false when the step is skipped. As clip_grad_norm_(params, max_norm): clip_coef =");
        writer.Line("// max_norm / (sqrt(Σg²) + 1e-6) multiplies the gradients when below 1, so a NaN norm makes them NaN and an infinite one");
        writer.Line("// zeroes the finite ones. Σg² is summed in double (torch: float32), so norms can differ in the last bits.");
        using (writer.OpenBlock("private protected bool PrepareGradients()"))
        {
            using (writer.OpenBlock("if (_maxGradientNorm == 0f && !SkipNonFiniteSteps)"))
            {
                writer.Line("return true;");
            }

            writer.Line();
            writer.Line("// In double, a sum of squared floats cannot overflow, so it is finite exactly when every gradient is.");
            writer.Line($"double norm = {math.SqrtDouble("_model.SquaredGradientSum()")};");
            writer.Line("LastGradientNorm = norm;");
            using (writer.OpenBlock("if (SkipNonFiniteSteps && (double.IsNaN(norm) || double.IsInfinity(norm)))"))
            {
                writer.Line("SkippedStepCount++;");
                writer.Line("return false;");
            }

            using (writer.OpenBlock("if (_maxGradientNorm != 0f)"))
            {
                writer.Line("double coefficient = _maxGradientNormValue / (norm + 1e-6);");
                // A NaN coefficient (a NaN gradient) scales every gradient to NaN, as torch's clip_grad_norm_ does.
                // Tested explicitly: nanoCLR evaluates "!(c >= 1.0)" wrongly with NaN (device/README.md).
                using (writer.OpenBlock($"if (coefficient < 1.0 || {OptimizerEmitter.HyperParametersClass}.IsNaN(coefficient))"))
                {
                    writer.Line("_model.ScaleGradients((float)coefficient);");
                }
            }

            writer.Line("return true;");
        }
    }

    // Device:  private double SquaredGradientSum() { ... for (int i = 0; i < 6; i++) { double x = g[i]; sum += x * x; } ... }
    //          private void ScaleGradients(float scale) { ... for (int i = 0; i < 6; i++) { g[i] *= scale; } ... }
    // Desktop: private double SquaredGradientSum() { ... sum += GradientNorm.SquaredSum(g, 0, 6); ... }
    //          private void ScaleGradients(float scale) { ... GradientNorm.Scale(g, 0, 6, scale); ... }
    private static void WriteGradientLoops(CodeWriter writer, LayoutSpec layout, TargetProfile profile)
    {
        List<(int Start, int End)> runs = TrainableStretches(layout);
        bool vectorised = UsesVectorNorm(profile);
        writer.Line();
        if (vectorised)
        {
            writer.Line("// Each stretch in GradientNorm's fixed order (the same bits on every SIMD width), the stretches in layout order.");
        }

        using (writer.OpenBlock("private double SquaredGradientSum()"))
        {
            writer.Line("double sum = 0.0;");
            writer.Line("float[] g = Gradients;");
            foreach ((int start, int end) in runs)
            {
                if (vectorised)
                {
                    writer.Line($"sum += {GradientNormClass}.SquaredSum(g, {Literals.Int(start)}, {Literals.Int(end)});");
                    continue;
                }

                using (writer.OpenBlock($"for (int i = {Literals.Int(start)}; i < {Literals.Int(end)}; i++)"))
                {
                    writer.Line("double x = g[i];");
                    writer.Line("sum += x * x;");
                }
            }

            writer.Line("return sum;");
        }

        writer.Line();
        using (writer.OpenBlock("private void ScaleGradients(float scale)"))
        {
            writer.Line("float[] g = Gradients;");
            foreach ((int start, int end) in runs)
            {
                if (vectorised)
                {
                    writer.Line($"{GradientNormClass}.Scale(g, {Literals.Int(start)}, {Literals.Int(end)}, scale);");
                    continue;
                }

                using (writer.OpenBlock($"for (int i = {Literals.Int(start)}; i < {Literals.Int(end)}; i++)"))
                {
                    writer.Line("g[i] *= scale;");
                }
            }
        }
    }

    private const string GradientNormClass = "global::WeightDecay.Edge.Generated.GradientNorm";

    // GradientNorm is desktop-only (#if NETCOREAPP in its shared file); MathF.FusedMultiplyAdd marks .NET Core 3+,
    // as for the running bias correction. The device keeps the serial loops chosen by interpreter measurements.
    private static bool UsesVectorNorm(TargetProfile profile) => profile.HasMathF;

    // Decay does not matter here: one loop per stretch of trainable tensors (frozen ones end it).
    internal static List<(int Start, int End)> TrainableStretches(LayoutSpec layout)
    {
        var runs = new List<(int Start, int End)>();
        foreach (UpdateLoopEmitter.Run run in UpdateLoopEmitter.TrainableRuns(layout))
        {
            if (runs.Count > 0 && runs[runs.Count - 1].End == run.Start)
            {
                runs[runs.Count - 1] = (runs[runs.Count - 1].Start, run.End);
            }
            else
            {
                runs.Add((run.Start, run.End));
            }
        }

        return runs;
    }
}
