using System.Collections.Generic;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Emits read-only, allocation-free views of an optimizer's state by tensor: on desktop
/// <c>ReadOnlySpan&lt;float&gt; ExpAvg(int tensorIndex)</c> and friends, on both profiles
/// <c>CopyExpAvg(int tensorIndex, float[] destination, int destinationIndex)</c> (the device has no Span, and
/// the copy keeps one API that compiles on both). The state is packed over trainable parameters, so a
/// tensor's slice starts at its offset minus the frozen parameters before it; a frozen tensor has no
/// state, as in torch, and asking for it throws (torch: <c>KeyError</c>).
/// </summary>
internal static class StateViewEmitter
{
    /// <summary>
    /// The layout's private helpers every optimizer's views share (its optimizers are nested in it, so they see them):
    /// <c>StateSlice</c>, a tensor's place in the packed state, and <c>CopyState</c>.
    /// </summary>
    public static void WriteLayoutHelpers(CodeWriter writer, LayoutSpec layout)
    {
        WriteSlice(writer, layout);
        WriteCopyState(writer);
    }

    public static void Emit(CodeWriter writer, TargetProfile profile, IReadOnlyList<OptimizerState> views)
    {
        foreach (OptimizerState view in views)
        {
            if (profile.HasSpan)
            {
                WriteSpan(writer, view);
            }

            WriteCopy(writer, view, profile.HasSpan);
        }
    }

    // private static int StateSlice(int tensorIndex, string key, out int start)
    // {
    //     switch (tensorIndex) { case 0: start = 0; return 2048; ... case 2: throw (frozen); default: throw; }
    // }
    private static void WriteSlice(CodeWriter writer, LayoutSpec layout)
    {
        writer.Line();
        writer.Line("// The packed state slice of a tensor (see the state views): its length, and its first index in `start`.");
        using (writer.OpenBlock("private static int StateSlice(int tensorIndex, string key, out int start)"))
        {
            using (writer.OpenBlock("switch (tensorIndex)"))
            {
                int frozenBefore = 0;
                for (int t = 0; t < layout.Tensors.Count; t++)
                {
                    TensorSpec tensor = layout.Tensors[t];
                    if (tensor.Trainable)
                    {
                        writer.Line($"case {Literals.Int(t)}: start = {Literals.Int(tensor.Offset - frozenBefore)}; return {Literals.Int(tensor.Length)}; // {tensor.Name}");
                        continue;
                    }

                    frozenBefore += tensor.Length;
                    writer.Line($"case {Literals.Int(t)}: throw new global::System.ArgumentException(\"Tensor {Literals.Int(t)} ({tensor.Name}) is frozen (Trainable = false): the optimizer keeps no \" + key + \" for it.\", \"tensorIndex\");");
                }

                writer.Line($"default: throw new global::System.ArgumentOutOfRangeException(\"tensorIndex\", \"The layout has {Literals.Int(layout.Tensors.Count)} tensors; tensorIndex must be in [0, {Literals.Int(layout.Tensors.Count)}).\");");
            }
        }
    }

    private static void WriteSpan(CodeWriter writer, OptimizerState view)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// {view.Meaning} of tensor <paramref name=\"tensorIndex\"/>, read-only, in the tensor's row-major order: torch's");
        writer.Line($"/// <c>optimizer.state[p][\"{view.TorchName}\"]</c>, flattened. A view of the live state (the next step changes it), not a copy;");
        writer.Line("/// allocates nothing.");
        WriteCommonDocs(writer, view, "Empty");
        writer.Line("/// <param name=\"tensorIndex\">The tensor's index in declaration order, torch's parameter order.</param>");
        using (writer.OpenBlock($"public global::System.ReadOnlySpan<float> {view.Member}(int tensorIndex)"))
        {
            writer.Line("int start;");
            writer.Line($"int length = StateSlice(tensorIndex, \"{view.TorchName}\", out start);");
            if (view.ViewPresent is not null)
            {
                writer.Line($"if (!({view.ViewPresent})) {{ return global::System.ReadOnlySpan<float>.Empty; }}");
            }

            writer.Line($"return new global::System.ReadOnlySpan<float>({view.Field}, start, length);");
        }
    }

    private static void WriteCopy(CodeWriter writer, OptimizerState view, bool besideSpan)
    {
        writer.Line();
        writer.Line("/// <summary>");
        if (besideSpan)
        {
            // The view beside it says what the state is and when it exists.
            writer.Line($"/// Copies <see cref=\"{view.Member}(int)\"/> of tensor <paramref name=\"tensorIndex\"/> into <paramref name=\"destination\"/> at");
            writer.Line("/// <paramref name=\"destinationIndex\"/> and returns the number of floats copied: the tensor's length, or 0 where the view is");
            writer.Line("/// empty. Allocates nothing.");
            writer.Line("/// </summary>");
            writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"destination\"/> is null.</exception>");
            writer.Line("/// <exception cref=\"global::System.ArgumentException\">The tensor does not fit in <paramref name=\"destination\"/> from <paramref name=\"destinationIndex\"/>, or the tensor is frozen; nothing is copied.</exception>");
            writer.Line($"/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"tensorIndex\"/> is no tensor's index.</exception>");
            writer.Arrow(
                $"public int Copy{view.Member}(int tensorIndex, float[] destination, int destinationIndex)",
                $"CopyState({view.Field}, {view.ViewPresent ?? "true"}, tensorIndex, \"{view.TorchName}\", destination, destinationIndex)");
            return;
        }

        writer.Line($"/// Copies {char.ToLowerInvariant(view.Meaning[0])}{view.Meaning.Substring(1)} of tensor <paramref name=\"tensorIndex\"/> (torch's");
        writer.Line($"/// <c>optimizer.state[p][\"{view.TorchName}\"]</c>, flattened, row-major) into <paramref name=\"destination\"/> at");
        writer.Line("/// <paramref name=\"destinationIndex\"/>. Allocates nothing.");
        WriteCommonDocs(writer, view, "Nothing is copied (0 is returned)");
        writer.Line("/// <param name=\"tensorIndex\">The tensor's index in declaration order (the order of torch's parameters).</param>");
        writer.Line("/// <param name=\"destination\">Receives the values.</param>");
        writer.Line("/// <param name=\"destinationIndex\">Where the first value goes.</param>");
        writer.Line("/// <returns>The number of floats copied: the tensor's length, or 0 when the state does not exist.</returns>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"destination\"/> is null.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The tensor does not fit in <paramref name=\"destination\"/> from <paramref name=\"destinationIndex\"/>; nothing is copied.</exception>");
        using (writer.OpenBlock($"public int Copy{view.Member}(int tensorIndex, float[] destination, int destinationIndex)"))
        {
            writer.Line($"return CopyState({view.Field}, {view.ViewPresent ?? "true"}, tensorIndex, \"{view.TorchName}\", destination, destinationIndex);");
        }
    }

    // One body for every Copy* method of the layout's optimizers: on the device each method costs flash, and this one is
    // written once instead of once per state array and optimizer.
    private static void WriteCopyState(CodeWriter writer)
    {
        writer.Line();
        using (writer.OpenBlock("private static int CopyState(float[] state, bool present, int tensorIndex, string key, float[] destination, int destinationIndex)"))
        {
            writer.Line("int start;");
            writer.Line("int length = StateSlice(tensorIndex, key, out start);");
            writer.Line("if (destination == null) { throw new global::System.ArgumentNullException(\"destination\"); }");
            writer.Line("if (destinationIndex < 0 || destinationIndex > destination.Length - length) { throw new global::System.ArgumentException(\"The tensor's \" + length.ToString() + \" values do not fit in destination from destinationIndex.\", \"destination\"); }");
            writer.Line("if (!present) { return 0; }");
            writer.Line("global::System.Array.Copy(state, start, destination, destinationIndex, length);");
            writer.Line("return length;");
        }
    }

    private static void WriteCommonDocs(CodeWriter writer, OptimizerState view, string whenAbsent)
    {
        if (view.ViewPresent is not null)
        {
            writer.Line($"/// {whenAbsent} when torch would hold no {view.TorchName}: see the optimizer's remarks.");
        }

        writer.Line("/// </summary>");
        writer.Line("/// <remarks>");
        writer.Line("/// The state is kept for trainable tensors only, so a frozen tensor (<c>Trainable = false</c>) has none, as torch keeps");
        writer.Line("/// none for a parameter that never had a gradient. " + StateRemark(view));
        writer.Line("/// </remarks>");
        writer.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"tensorIndex\"/> is no tensor's index.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The tensor is frozen (torch: <c>KeyError</c>).</exception>");
    }

    private static string StateRemark(OptimizerState view) => view.TorchName switch
    {
        "momentum_buffer" => "The buffer exists once a step with non-zero Momentum has run (torch's <c>None</c> before that, and with Momentum 0 from the start).",
        "max_exp_avg_sq" => "It exists only while Amsgrad is on.",
        _ => "Zeros before the first step (torch creates its state lazily, at the first step).",
    };
}
