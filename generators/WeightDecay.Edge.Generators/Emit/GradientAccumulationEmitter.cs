using System.Collections.Generic;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Declared gradient accumulation (<c>[ModelLayout(GradientAccumulationSteps = k)]</c>, as Keras's
/// <c>gradient_accumulation_steps</c> and Optax's <c>MultiSteps</c>): each optimizer keeps its own sum of the trainable
/// gradients, and each <c>Step()</c> adds <c>Gradients</c> to it; the k-th replaces <c>Gradients</c> with the mean and
/// takes the step. The sum is torch's: a torch user accumulates by calling <c>backward()</c> k times into <c>.grad</c>
/// (g₁, then + g₂, ...) and divides by k before <c>step()</c>; here the first micro-batch is copied (a −0 stays −0, as
/// in <c>.grad</c>), the next ones added in order, and the last one added while dividing. Nothing is emitted for k = 1.
/// </summary>
internal static class GradientAccumulationEmitter
{
    /// <summary>The optimizer fields: the running sum and how many micro-batches it holds.</summary>
    public static IEnumerable<string> StateFields(LayoutSpec layout) => !layout.AccumulatesGradients
        ? System.Array.Empty<string>()
        : new[]
        {
            "private readonly float[] _gradientSum = new float[TrainableParameterCount];",
            "private int _accumulatedMicroBatches;",
        };

    /// <summary>The floats of state per trainable parameter the sum adds: 1 when the layout accumulates.</summary>
    public static int StateFloatsPerParameter(LayoutSpec layout) => layout.AccumulatesGradients ? 1 : 0;

    // if (!AccumulateGradients()) { return; }: in Step(), after the schedules' checks (which throw before anything
    // changes) and before clipping and the guard, which see the mean.
    public static void WriteStepCall(CodeWriter writer, LayoutSpec layout)
    {
        if (!layout.AccumulatesGradients)
        {
            return;
        }

        using (writer.OpenBlock("if (!AccumulateGradients())"))
        {
            writer.Line($"return; // a micro-batch of the {Literals.Int(layout.GradientAccumulationSteps)} that make one step: added to the sum");
        }
    }

    // In the checkpoint codec's Commit: a loaded checkpoint starts a new accumulation, as torch's .grad is not in a
    // state_dict either.
    public static void WriteCommitReset(CodeWriter writer, LayoutSpec layout)
    {
        if (layout.AccumulatesGradients)
        {
            writer.Line("_accumulatedMicroBatches = 0; // the sum of a partial accumulation is not saved, as torch's .grad");
        }
    }

    /// <summary>The public members and <c>AccumulateGradients()</c>.</summary>
    public static void WriteMembers(CodeWriter writer, LayoutSpec layout)
    {
        if (!layout.AccumulatesGradients)
        {
            return;
        }

        string k = Literals.Int(layout.GradientAccumulationSteps);
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// How many <see cref=\"Step\"/> calls make one update: {k} (<c>[ModelLayout(GradientAccumulationSteps = {k})]</c>).");
        writer.Line("/// </summary>");
        writer.Line($"public const int GradientAccumulationSteps = {k};");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// Micro-batches in the gradient sum now, 0 to {Literals.Int(layout.GradientAccumulationSteps - 1)}: the next <see cref=\"Step\"/> updates when this is");
        writer.Line($"/// {Literals.Int(layout.GradientAccumulationSteps - 1)}. Not saved in checkpoints (as torch's <c>.grad</c>); loading one sets it to 0.");
        writer.Line("/// </summary>");
        writer.Line("public int AccumulatedMicroBatches { get { return _accumulatedMicroBatches; } }");
        writer.Line();
        writer.Line("/// <summary>Drops the micro-batches summed so far: the next <see cref=\"Step\"/> starts a new sum. Allocates nothing.</summary>");
        using (writer.OpenBlock("public void ResetAccumulation()"))
        {
            writer.Line("_accumulatedMicroBatches = 0;");
        }

        List<(int Start, int End)> stretches = TrainingLoopEmitter.TrainableStretches(layout);
        writer.Line();
        writer.Line("// Adds the trainable gradients to the sum; the last micro-batch of a step instead replaces them with the mean,");
        writer.Line("// (g1 + g2 + ... + gk) / k in float, summed in order as torch's .grad, and returns true: the step goes on.");
        using (writer.OpenBlock("private bool AccumulateGradients()"))
        {
            writer.Line("float[] g = _model.Gradients;");
            writer.Line("float[] sum = _gradientSum;");
            writer.Line("int count = _accumulatedMicroBatches + 1;");
            using (writer.OpenBlock($"if (count < {k})"))
            {
                using (writer.OpenBlock("if (count == 1)"))
                {
                    WriteLoops(writer, stretches, "sum[j] = g[i];");
                }

                using (writer.OpenBlock("else"))
                {
                    WriteLoops(writer, stretches, "sum[j] += g[i];");
                }

                writer.Line("_accumulatedMicroBatches = count;");
                writer.Line("return false;");
            }

            writer.Line();
            WriteLoops(writer, stretches, $"g[i] = (sum[j] + g[i]) / {Literals.Int(layout.GradientAccumulationSteps)}f;");
            writer.Line("_accumulatedMicroBatches = 0;");
            writer.Line("return true;");
        }
    }

    // One loop per stretch of adjacent trainable tensors; j indexes the sum, which holds only trainable parameters.
    private static void WriteLoops(CodeWriter writer, List<(int Start, int End)> stretches, string body)
    {
        int trainableBefore = 0;
        foreach ((int start, int end) in stretches)
        {
            int frozenBefore = start - trainableBefore;
            string header = $"for (int i = {Literals.Int(start)}, j = {Literals.Int(start - frozenBefore)}; i < {Literals.Int(end)}; i++, j++)";
            using (writer.OpenBlock(header))
            {
                writer.Line(body);
            }

            trainableBefore += end - start;
        }
    }
}
