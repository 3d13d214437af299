using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// The parts every generated optimizer shares: the layout's abstract <c>Optimizer</c> class (torch.optim.Optimizer: the
/// model, the step count, the learning rate, clipping, the schedules, the non-finite guard, the subnormal flush,
/// <c>Maximize</c> and the checkpoint overloads, written once per layout), and each optimizer class's opening: its state,
/// constructor and hyperparameters.
/// </summary>
internal static class OptimizerEmitter
{
    public const string HyperParametersClass = "global::WeightDecay.Edge.Generated.HyperParameters";

    /// <summary>The name of the layout's nested base class of its optimizers.</summary>
    public const string BaseClass = "Optimizer";

    // The hyperparameters whose fields the base class holds (it reads them: the step's lr, the penalty, clipping), and the
    // ones whose properties it declares too (WeightDecay's docs and default differ between optimizers).
    private static bool FieldInBase(HyperParameter parameter) => parameter.Name is "LearningRate" or "WeightDecay" or "MaxGradientNorm";

    private static bool PropertyInBase(HyperParameter parameter) => parameter.Name is "LearningRate" or "MaxGradientNorm";

    /// <summary>
    /// Whether the layout's optimizers have checkpoints: when a checkpoint of its optimizer with the most state arrays (Adam's
    /// three) fits in a .NET array. The base class declares the checkpoint members for all of them, so on a layout too large
    /// for Adam's, SGD has none either.
    /// </summary>
    public static bool HasCheckpoints(LayoutSpec layout) => CheckpointEmitter.Fits(layout, OptimizerDefinitions.MostStateArrays(layout.Optimizers));

    // /// <summary>...</summary>
    // public abstract class Optimizer
    // {
    //     private protected static readonly float[] NoState = new float[0];
    //     <run tables>  private protected readonly DigitsHead _model;  <schedules, flags, lr, weight decay, clipping>
    //     private protected Optimizer(DigitsHead model, float weightDecay, double weightDecayValue) { ... }
    //     Model, StepCount, ZeroGrad(), LearningRate, MaxGradientNorm, Schedule, DecaySchedule, SkipNonFiniteSteps, ...
    //     public abstract void Step();  <the checkpoint overloads, over the derived class's codec>
    // }
    public static void EmitBase(CodeWriter writer, LayoutSpec layout, TargetProfile profile, ScalarMath math)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// What every optimizer of <see cref=\"{layout.ClassName}\"/> has, as torch.optim.Optimizer: the model, the step count, the");
        writer.Line("/// learning rate and its schedule, gradient clipping, the non-finite guard and checkpoints. The optimizers derive from it.");
        writer.Line("/// </summary>");
        if (LayoutEmitter.GeneratedCodeAttribute(profile) is { } generatedCode)
        {
            writer.Line(generatedCode);
        }

        using (writer.OpenBlock($"public abstract class {BaseClass}"))
        {
            writer.Line("private protected static readonly float[] NoState = new float[0];");
            UpdateLoopEmitter.WriteRunTables(writer, layout, profile);
            writer.Line($"private protected readonly {layout.ClassName} _model;");
            foreach (string field in TrainingLoopEmitter.StateFields().Concat(new[] { MaximizeField }))
            {
                writer.Line("private protected " + field.Substring("private ".Length));
            }

            foreach (HyperParameter parameter in new[] { OptimizerDefinitions.LearningRate, OptimizerDefinitions.MaxGradientNorm })
            {
                writer.Line($"private protected float {parameter.Field} = {Literals.Float(parameter.Default)};");
                writer.Line($"private protected double {parameter.DecimalField} = {Literals.DecimalOf(parameter.Default)};");
            }

            writer.Line("private protected float _weightDecay;");
            writer.Line("private protected double _weightDecayValue;");
            writer.Line();
            writer.Line("/// <summary>Starts an optimizer of <paramref name=\"model\"/> with the optimizer's default weight decay.</summary>");
            writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"model\"/> is null.</exception>");
            using (writer.OpenBlock($"private protected {BaseClass}({layout.ClassName} model, float weightDecay, double weightDecayValue)"))
            {
                writer.Line("if (model == null) { throw new global::System.ArgumentNullException(\"model\"); }");
                writer.Line("_model = model;");
                writer.Line("_weightDecay = weightDecay;");
                writer.Line("_weightDecayValue = weightDecayValue;");
            }

            writer.Line();
            writer.Line("/// <summary>The layout this optimizer updates.</summary>");
            writer.Line($"public {layout.ClassName} Model => _model;");
            writer.Line();
            writer.Line("/// <summary>Number of completed <see cref=\"Step\"/> calls (torch: <c>state[\"step\"]</c>).</summary>");
            writer.Line("public long StepCount { get; private protected set; }");
            writer.Line();
            writer.Line("/// <summary>Sets every gradient of <see cref=\"Model\"/> to zero (torch: <c>optimizer.zero_grad(set_to_none=False)</c>).</summary>");
            writer.Arrow("public void ZeroGrad()", "_model.ZeroGrad()");
            WriteProperty(writer, OptimizerDefinitions.LearningRate);
            WriteProperty(writer, OptimizerDefinitions.MaxGradientNorm);
            TrainingLoopEmitter.WriteOptimizerMembers(writer, layout, profile, math);
            WriteMaximizeProperty(writer);
            writer.Line();
            writer.Line("/// <summary>");
            writer.Line("/// Updates the trainable <c>Parameters</c> in place from <c>Gradients</c>, as one call of the torch optimizer's <c>step()</c>");
            writer.Line("/// with lr = LearningRate·Schedule.Multiplier(StepCount), after clipping and the non-finite guard. Allocates nothing.");
            writer.Line("/// </summary>");
            writer.Line("public abstract void Step();");
            if (HasCheckpoints(layout))
            {
                CheckpointEmitter.EmitBase(writer, profile);
            }
        }
    }

    // /// <summary>...</summary>
    // public sealed class AdamWOptimizer : Optimizer, global::WeightDecay.Edge.IOptimizer, ...ICheckpointCodec
    // {
    //     <state arrays and option fields>  <hyperparameter fields>
    //     public AdamWOptimizer(DigitsHead model) : base(model, 0.01f, 0.01) { }
    //     <hyperparameter properties>
    //     ...the caller writes Step() and the update methods, then disposes the block
    // }
    public static CodeWriter.Block OpenClass(
        CodeWriter writer,
        LayoutSpec layout,
        TargetProfile profile,
        OptimizerDefinition definition,
        string[] summary,
        IEnumerable<string> optionFields,
        ScalarMath math,
        string stateExplanation)
    {
        string className = definition.ClassName;
        IReadOnlyList<HyperParameter> hyperParameters = definition.HyperParameters;
        writer.Line();
        writer.Line("/// <summary>");
        foreach (string line in summary)
        {
            writer.Line("/// " + line);
        }

        writer.Line("/// </summary>");
        var bases = new List<string> { BaseClass };
        if (profile.HasRuntimeLibrary)
        {
            bases.Add("global::WeightDecay.Edge.IOptimizer");
        }

        if (HasCheckpoints(layout))
        {
            bases.Add("global::WeightDecay.Edge.Generated.ICheckpointCodec");
        }

        if (LayoutEmitter.GeneratedCodeAttribute(profile) is { } generatedCode)
        {
            writer.Line(generatedCode);
        }

        CodeWriter.Block block = writer.OpenBlock($"public sealed class {className} : {string.Join(", ", bases)}");
        IEnumerable<string> fields = definition.States.Select(array => array.Declaration).Concat(optionFields)
            .Concat(GradientAccumulationEmitter.StateFields(layout)).Concat(WeightAverageEmitter.StateFields(layout));
        foreach (string field in fields)
        {
            writer.Line(field);
        }

        foreach (HyperParameter parameter in hyperParameters.Where(parameter => !FieldInBase(parameter)))
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

        int floats = definition.States.Count + GradientAccumulationEmitter.StateFloatsPerParameter(layout) + WeightAverageEmitter.StateFloatsPerParameter(layout);
        TrainingLoopEmitter.WriteStateBytes(writer, layout, floats, stateExplanation);
        HyperParameter weightDecay = hyperParameters.Single(parameter => parameter.Name == "WeightDecay");
        writer.Line();
        writer.Line($"/// <summary>Creates the optimizer for <paramref name=\"model\"/> and allocates all of its state, once.</summary>");
        writer.Line("/// <param name=\"model\">The layout whose <c>Parameters</c> this optimizer updates from its <c>Gradients</c>.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"model\"/> is null.</exception>");
        writer.Line($"public {className}({layout.ClassName} model) : base(model, {Literals.Float(weightDecay.Default)}, {Literals.DecimalOf(weightDecay.Default)}) {{ }}");
        foreach (HyperParameter parameter in hyperParameters.Where(parameter => !PropertyInBase(parameter)))
        {
            WriteProperty(writer, parameter);
        }

        GradientAccumulationEmitter.WriteMembers(writer, layout);
        WeightAverageEmitter.WriteMembers(writer, layout, math);
        if (profile.HasRuntimeLibrary)
        {
            WriteInterfaceOnlyMembers(writer, HasCheckpoints(layout));
        }

        return block;
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
            writer.Line($"/// <exception cref=\"global::System.ArgumentOutOfRangeException\">The value is {range}; nothing changes.</exception>");
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
