using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// An exponential moving average of the weights (<c>[ModelLayout(EmaDecay = d)]</c>), kept by each optimizer as torch's
/// <c>AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(d))</c> with <c>update_parameters(model)</c> after every
/// step: the first update copies the trainable parameters (torch: <c>n_averaged == 0</c>), each later one is
/// <c>avg.lerp_(p, 1 - d)</c>, element by element as torch 1.13's CPU lerp: with w = 1 − d (a float),
/// <c>avg + w·(p − avg)</c> when w &lt; 0.5, else <c>p − (1 − w)·(p − avg)</c>, each one fused multiply-add (unfused on
/// the device, which has none). The average is optimizer state: a state array in checkpoints, 4 bytes per trainable
/// parameter. Nothing is emitted without <c>EmaDecay</c>.
/// </summary>
internal static class WeightAverageEmitter
{
    private const string Field = "_averagedParameters";

    /// <summary>The optimizer field holding the average, packed like the other state arrays (trainable parameters only).</summary>
    public static IEnumerable<string> StateFields(LayoutSpec layout) => !layout.HasEma
        ? System.Array.Empty<string>()
        : new[] { $"private readonly float[] {Field} = new float[TrainableParameterCount];" };

    /// <summary>The floats of state per trainable parameter the average adds: 1 when the layout has one.</summary>
    public static int StateFloatsPerParameter(LayoutSpec layout) => layout.HasEma ? 1 : 0;

    /// <summary>
    /// The checkpoint shape with the average as a state array before the optional one (<c>ema</c>, any sign), or the
    /// shape itself for a layout without an average.
    /// </summary>
    public static OptimizerDefinition WithAverage(LayoutSpec layout, OptimizerDefinition shape)
    {
        if (!layout.HasEma)
        {
            return shape;
        }

        var states = shape.States.Where(state => !state.Optional).ToList();
        states.Add(new OptimizerState("ema", Field, "Average", "ema", Optional: false, NonNegative: false, "The moving average of the weights"));
        states.AddRange(shape.States.Where(state => state.Optional));
        return shape with { States = states };
    }

    // UpdateAverage(StepCount == 0);: last in every optimizer's Step, after the update, the regularisers and the flush,
    // where torch's loop calls ema.update_parameters(model) after optimizer.step().
    public static void WriteStepCall(CodeWriter writer, LayoutSpec layout)
    {
        if (layout.HasEma)
        {
            writer.Line("UpdateAverage(StepCount == 0); // the moving average of the weights, after the step (EmaDecay)");
        }
    }

    /// <summary>The weight w of the lerp, 1 − d as torch passes it: the double 1 − d (d the decimal its float stands for) rounded to float.</summary>
    public static float LerpWeight(LayoutSpec layout) =>
        (float)(1.0 - double.Parse(Literals.DecimalOf(layout.EmaDecay), CultureInfo.InvariantCulture));

    /// <summary><c>EmaDecay</c>, <c>CopyAveragedTo</c> and the private <c>UpdateAverage</c>.</summary>
    public static void WriteMembers(CodeWriter writer, LayoutSpec layout, ScalarMath math)
    {
        if (!layout.HasEma)
        {
            return;
        }

        writer.Line();
        writer.Line($"/// <summary>The decay of the moving average of the weights: {Literals.DecimalOf(layout.EmaDecay)} (<c>[ModelLayout(EmaDecay = ...)]</c>).</summary>");
        writer.Line($"public const float EmaDecay = {Literals.Float(layout.EmaDecay)};");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Writes the moving average of the weights into <paramref name=\"destination\"/>, in the flat layout of <c>Parameters</c>,");
        writer.Line("/// ready for <c>CopyParametersFrom</c> of an evaluation model (torch: the <c>AveragedModel</c>'s parameters). Frozen");
        writer.Line("/// tensors, which no step changes, are copied from the model; before the first step the average is the model as it is,");
        writer.Line("/// as torch's <c>AveragedModel</c> starts as a copy. Allocates nothing.");
        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"destination\">Exactly <c>ParameterCount</c> floats.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"destination\"/> is null.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">Its length is not <c>ParameterCount</c>; it is left unchanged.</exception>");
        List<(int Start, int End)> stretches = TrainingLoopEmitter.TrainableStretches(layout);
        using (writer.OpenBlock("public void CopyAveragedTo(float[] destination)"))
        {
            writer.Line($"global::WeightDecay.Edge.Generated.Buffers.RequireLength(destination, {layout.ClassName}.ParameterCount, \"destination\");");
            writer.Line($"global::System.Array.Copy(_model.Parameters, destination, {layout.ClassName}.ParameterCount);");
            using (writer.OpenBlock("if (StepCount == 0)"))
            {
                writer.Line("return;");
            }

            int trainableBefore = 0;
            foreach ((int start, int end) in stretches)
            {
                writer.Line($"global::System.Array.Copy({Field}, {Literals.Int(trainableBefore)}, destination, {Literals.Int(start)}, {Literals.Int(end - start)});");
                trainableBefore += end - start;
            }
        }

        float w = LerpWeight(layout);
        writer.Line();
        writer.Line(w < 0.5f
            ? $"// avg = avg + w·(p - avg), w = 1 - EmaDecay = {Literals.Float(w)} (< 0.5), as torch's lerp_; the first update copies."
            : $"// avg = p - (1 - w)·(p - avg), w = 1 - EmaDecay = {Literals.Float(w)} (>= 0.5), as torch's lerp_; the first update copies.");
        using (writer.OpenBlock("private void UpdateAverage(bool first)"))
        {
            writer.Line("float[] p = _model.Parameters;");
            writer.Line($"float[] a = {Field};");
            using (writer.OpenBlock("if (first)"))
            {
                int before = 0;
                foreach ((int start, int end) in stretches)
                {
                    writer.Line($"global::System.Array.Copy(p, {Literals.Int(start)}, a, {Literals.Int(before)}, {Literals.Int(end - start)});");
                    before += end - start;
                }

                writer.Line("return;");
            }

            int trainableBefore = 0;
            foreach ((int start, int end) in stretches)
            {
                using (writer.OpenBlock($"for (int i = {Literals.Int(start)}, j = {Literals.Int(trainableBefore)}; i < {Literals.Int(end)}; i++, j++)"))
                {
                    writer.Line("float average = a[j];");
                    writer.Line(w < 0.5f
                        ? $"a[j] = {math.Fma("p[i] - average", Literals.Float(w), "average")};"
                        : $"a[j] = {math.Fma("p[i] - average", Literals.Float(-(1f - w)), "p[i]")};");
                }

                trainableBefore += end - start;
            }
        }
    }
}
