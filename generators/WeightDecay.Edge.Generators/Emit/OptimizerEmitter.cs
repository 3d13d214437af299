using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>The parts every generated optimizer shares: fields, constructor, properties, ZeroGrad.</summary>
internal static class OptimizerEmitter
{
    public const string HyperParametersClass = "global::WeightDecay.Edge.Generated.HyperParameters";

    // /// <summary>...</summary>
    // public sealed class AdamWOptimizer : global::WeightDecay.Edge.IOptimizer
    // {
    //     private static readonly float[] NoState = new float[0];
    //     private readonly DigitsHead _model;
    //     <state fields>  <hyperparameter fields>
    //     public AdamWOptimizer(DigitsHead model) { ... }
    //     public DigitsHead Model { get; }  public long StepCount { get; private set; }
    //     <hyperparameter properties>  ZeroGrad()
    //     ...the caller writes Step() and the update methods, then disposes the block
    // }
    public static CodeWriter.Block OpenClass(
        CodeWriter writer,
        LayoutSpec layout,
        TargetProfile profile,
        string className,
        string[] summary,
        IEnumerable<string> stateFields,
        IReadOnlyList<HyperParameter> hyperParameters,
        ScalarMath math,
        int stateFloatsPerParameter,
        string stateExplanation)
    {
        var allParameters = new List<HyperParameter>(hyperParameters) { TrainingLoopEmitter.MaxGradientNorm };
        writer.Line();
        writer.Line("/// <summary>");
        foreach (string line in summary)
        {
            writer.Line("/// " + line);
        }

        writer.Line("/// </summary>");
        var bases = new List<string>();
        if (profile.HasRuntimeLibrary)
        {
            bases.Add("global::WeightDecay.Edge.IOptimizer");
        }

        if (CheckpointEmitter.Fits(layout, stateFloatsPerParameter))
        {
            bases.Add("global::WeightDecay.Edge.Generated.ICheckpointCodec");
        }

        string baseList = bases.Count == 0 ? string.Empty : " : " + string.Join(", ", bases);
        if (LayoutEmitter.GeneratedCodeAttribute(profile) is { } generatedCode)
        {
            writer.Line(generatedCode);
        }

        CodeWriter.Block block = writer.OpenBlock($"public sealed class {className}{baseList}");
        writer.Line("private static readonly float[] NoState = new float[0];");
        UpdateLoopEmitter.WriteRunTables(writer, layout, profile);
        writer.Line($"private readonly {layout.ClassName} _model;");
        foreach (string field in stateFields.Concat(TrainingLoopEmitter.StateFields()).Concat(GradientAccumulationEmitter.StateFields(layout))
            .Concat(WeightAverageEmitter.StateFields(layout)))
        {
            writer.Line(field);
        }

        foreach (HyperParameter parameter in allParameters)
        {
            writer.Line($"private float {parameter.Field} = {Literals.Float(parameter.Default)};");
            writer.Line($"private double {parameter.DecimalField} = {Literals.DecimalOf(parameter.Default)};");
        }

        if (layout.AccumulatesGradients)
        {
            stateExplanation += " The gradient sum of GradientAccumulationSteps adds 4 per trainable scalar, allocated by the constructor.";
        }

        if (layout.HasEma)
        {
            stateExplanation += " The moving average of the weights (EmaDecay) adds 4 per trainable scalar, allocated by the constructor.";
        }

        int floats = stateFloatsPerParameter + GradientAccumulationEmitter.StateFloatsPerParameter(layout) + WeightAverageEmitter.StateFloatsPerParameter(layout);
        TrainingLoopEmitter.WriteStateBytes(writer, layout, floats, stateExplanation);
        WriteConstructorAndCommonMembers(writer, layout, className);
        foreach (HyperParameter parameter in allParameters)
        {
            WriteProperty(writer, parameter);
        }

        TrainingLoopEmitter.WriteOptimizerMembers(writer, layout, profile, math);
        GradientAccumulationEmitter.WriteMembers(writer, layout);
        WeightAverageEmitter.WriteMembers(writer, layout, math);
        if (profile.HasRuntimeLibrary)
        {
            WriteInterfaceOnlyMembers(writer, CheckpointEmitter.Fits(layout, stateFloatsPerParameter));
        }

        return block;
    }

    private static void WriteConstructorAndCommonMembers(CodeWriter writer, LayoutSpec layout, string className)
    {
        writer.Line();
        writer.Line($"/// <summary>Creates the optimizer for <paramref name=\"model\"/> and allocates all of its state, once.</summary>");
        writer.Line("/// <param name=\"model\">The layout whose <c>Parameters</c> this optimizer updates from its <c>Gradients</c>.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"model\"/> is null.</exception>");
        using (writer.OpenBlock($"public {className}({layout.ClassName} model)"))
        {
            using (writer.OpenBlock("if (model == null)"))
            {
                writer.Line("throw new global::System.ArgumentNullException(\"model\");");
            }

            writer.Line();
            writer.Line("_model = model;");
        }

        writer.Line();
        writer.Line("/// <summary>The layout this optimizer updates.</summary>");
        writer.Line($"public {layout.ClassName} Model => _model;");
        writer.Line();
        writer.Line("/// <summary>Number of completed <see cref=\"Step\"/> calls (torch: <c>state[\"step\"]</c>).</summary>");
        writer.Line("public long StepCount { get; private set; }");
        writer.Line();
        writer.Line("/// <summary>Sets every gradient of <see cref=\"Model\"/> to zero (torch: <c>optimizer.zero_grad(set_to_none=False)</c>).</summary>");
        writer.Arrow("public void ZeroGrad()", "_model.ZeroGrad()");
    }

    /// <summary>
    /// Writes the learning rate and weight decay of a parameter group that scales them (see
    /// <see cref="UpdateLoopEmitter.Group"/>), as torch computes a param group's: the group's lr is the base decimal times
    /// the scale, times the schedule's multiplier (LambdaLR's <c>initial_lr * lambda(step)</c>), in double.
    /// </summary>
    public static void WriteGroupRates(CodeWriter writer, UpdateLoopEmitter.Group group)
    {
        writer.Line($"// Group {Literals.Int(group.Index)}: {group.Description}; lr × {Literals.DecimalOf(group.LearningRateScale)}, weight_decay × {Literals.DecimalOf(group.WeightDecayScale)}.");
        if (group.LearningRateScale != 1f)
        {
            writer.Line($"double {group.LearningRate} = _learningRateValue * {Literals.DecimalOf(group.LearningRateScale)} * multiplier;");
        }

        if (group.WeightDecayScale != 1f)
        {
            writer.Line($"double {group.WeightDecayRate} = _weightDecayValue * {Literals.DecimalOf(group.WeightDecayScale)} * decayMultiplier;");
        }
    }

    /// <summary>The field behind <c>Maximize</c>, in every optimizer's state list.</summary>
    public const string MaximizeField = "private bool _maximize;";

    /// <summary>
    /// <c>Maximize</c>'s bit in the checkpoint option word, the same bit (16) in every optimizer. Checkpoints
    /// written before it existed have the bit clear, so they load as minimizing, which is what they did.
    /// </summary>
    public static readonly CheckpointOption MaximizeOption = new(16, "_maximize", "_maximize = {0};");

    /// <summary>Writes the <c>Maximize</c> property, torch.optim's <c>maximize</c> flag.</summary>
    public static void WriteMaximizeProperty(CodeWriter writer)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Whether to maximize the objective instead of minimizing it: each step uses the negated gradient, before weight");
        writer.Line("/// decay and momentum, exactly as torch.optim's <c>maximize</c> (default false). <c>Gradients</c> are not changed.");
        writer.Line("/// May be changed between steps; saved in checkpoints.");
        writer.Line("/// </summary>");
        writer.Line("public bool Maximize { get { return _maximize; } set { _maximize = value; } }");
    }

    /// <summary>
    /// Whether the update methods leave the gradient's sign to the per-step scalars instead of multiplying each
    /// gradient by <c>gradientSign</c>. With a fused multiply-add (desktop) the multiply is kept: it is exactly
    /// torch's <c>-grad</c> in every case, including the sign of an exactly cancelling zero, and costs one
    /// vector multiply that the loads hide. Without one (the device, where each IL instruction is paid and the
    /// results are not torch's bit for bit anyway, see DeviceMatchesDesktopTests) the sign is folded into the
    /// coefficients the gradient meets (weight decay, 1 - beta1, the buffer's gradient scale, the step), which
    /// negates every value that depends on the gradient exactly (rounding to nearest is symmetric) and costs
    /// nothing per element.
    /// </summary>
    public static bool FoldsGradientSign(ScalarMath math) => !math.HasFusedMultiplyAdd;

    /// <summary>Writes the per-step local <c>gradientSign</c>: -1 when maximizing, else 1.</summary>
    public static void WriteGradientSign(CodeWriter writer)
    {
        writer.Line("float gradientSign = _maximize ? -1f : 1f; // torch: grad = -grad if maximize, before decay and momentum");
    }

    /// <summary>
    /// The gradient at <paramref name="index"/> as the update reads it: times the per-step <c>gradientSign</c>,
    /// unless the sign is folded into the scalars (see <see cref="FoldsGradientSign"/>).
    /// </summary>
    public static string SignedGradient(KernelDialect kernel, string index, ScalarMath math) =>
        FoldsGradientSign(math) ? kernel.Load("g", index) : $"{kernel.Load("g", index)} * {kernel.Scalar("gradientSign")}";

    /// <summary>Writes a validated float property that also records the decimal the user typed.</summary>
    public static void WriteProperty(CodeWriter writer, HyperParameter parameter)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// {parameter.Summary} torch.optim: <c>{parameter.TorchName}</c>; default {Literals.DecimalOf(parameter.Default)}.");
        writer.Line("/// </summary>");
        string? rule = parameter.Validation switch
        {
            Validation.NonNegative => "RequireNonNegative",
            Validation.Beta => "RequireBeta",
            Validation.Positive => "RequirePositive",
            _ => null,
        };
        if (rule is not null)
        {
            string range = parameter.Validation switch
            {
                Validation.Beta => "outside [0, 1)",
                Validation.Positive => "zero, negative or NaN",
                _ => "negative or NaN",
            };
            writer.Line($"/// <exception cref=\"global::System.ArgumentOutOfRangeException\">The value is {range}; the optimizer is left unchanged.</exception>");
        }

        using (writer.OpenBlock($"public float {parameter.Name}"))
        {
            writer.Line($"get {{ return {parameter.Field}; }}");
            using (writer.OpenBlock("set"))
            {
                if (rule is not null)
                {
                    writer.Line($"{HyperParametersClass}.{rule}(value, \"{parameter.Name}\");");
                }

                foreach (string line in parameter.ExtraCheck ?? new string[0])
                {
                    writer.Line(line);
                }

                writer.Line($"{parameter.Field} = value;");
                writer.Line($"{parameter.DecimalField} = {HyperParametersClass}.ToDecimal(value);");
            }
        }
    }

    // long global::WeightDecay.Edge.IOptimizer.StateBytes => StateBytes;
    // and, for a layout too large for a checkpoint, the checkpoint members of IOptimizer throwing NotSupportedException.
    private static void WriteInterfaceOnlyMembers(CodeWriter writer, bool checkpointsFit)
    {
        const string Interface = "global::WeightDecay.Edge.IOptimizer";
        writer.Line();
        writer.Line($"long {Interface}.StateBytes => StateBytes;");
        if (checkpointsFit)
        {
            return;
        }

        const string Throw = " => throw new global::System.NotSupportedException(\"This layout is too large for a checkpoint (over 2 GiB).\");";
        writer.Line();
        writer.Line($"int {Interface}.CheckpointBytes{Throw}");
        writer.Line($"int {Interface}.SaveCheckpoint(byte[] destination, int offset){Throw}");
        writer.Line($"void {Interface}.LoadCheckpoint(byte[] source, int offset, int count){Throw}");
        writer.Line($"void {Interface}.SaveCheckpoint(global::System.IO.Stream stream){Throw}");
        writer.Line($"void {Interface}.LoadCheckpoint(global::System.IO.Stream stream){Throw}");
        writer.Line($"ulong {Interface}.SaveCheckpoint(global::WeightDecay.Edge.ICheckpointStorage storage, byte[] scratch){Throw}");
        writer.Line($"int {Interface}.LoadCheckpoint(global::WeightDecay.Edge.ICheckpointStorage storage, byte[] scratch){Throw}");
    }
}
