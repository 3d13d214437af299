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
        CodeWriter.Block block = writer.OpenBlock($"public sealed class {className}{baseList}");
        writer.Line("private static readonly float[] NoState = new float[0];");
        writer.Line($"private readonly {layout.ClassName} _model;");
        foreach (string field in stateFields.Concat(TrainingLoopEmitter.StateFields()))
        {
            writer.Line(field);
        }

        foreach (HyperParameter parameter in allParameters)
        {
            writer.Line($"private float {parameter.Field} = {Literals.Float(parameter.Default)};");
            writer.Line($"private double {parameter.DecimalField} = {Literals.DecimalOf(parameter.Default)};");
        }

        TrainingLoopEmitter.WriteStateBytes(writer, layout, stateFloatsPerParameter, stateExplanation);
        WriteConstructorAndCommonMembers(writer, layout, className);
        foreach (HyperParameter parameter in allParameters)
        {
            WriteProperty(writer, parameter);
        }

        TrainingLoopEmitter.WriteOptimizerMembers(writer, layout, profile, math);
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
        writer.Line($"public {layout.ClassName} Model {{ get {{ return _model; }} }}");
        writer.Line();
        writer.Line("/// <summary>Number of completed <see cref=\"Step\"/> calls (torch: <c>state[\"step\"]</c>).</summary>");
        writer.Line("public long StepCount { get; private set; }");
        writer.Line();
        writer.Line("/// <summary>Sets every gradient of <see cref=\"Model\"/> to zero (torch: <c>optimizer.zero_grad(set_to_none=False)</c>).</summary>");
        using (writer.OpenBlock("public void ZeroGrad()"))
        {
            writer.Line("_model.ZeroGrad();");
        }
    }

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
            _ => null,
        };
        if (rule is not null)
        {
            string range = parameter.Validation == Validation.Beta ? "outside [0, 1)" : "negative or NaN";
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
