using System;
using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Writes the per-element update of an optimizer over the whole layout, specialised for the
/// layout's sizes. Adjacent tensors with the same decay flag share one pass (their update is the
/// same code), so a layout is a few runs of constant length. Each run becomes a loop unrolled by
/// <see cref="UnrollFactor"/> with a constant bound, followed by the remainder written out at
/// constant indices: no run-time remainder loop and no run-time sizes anywhere.
/// </summary>
internal static class UpdateLoopEmitter
{
    /// <summary>
    /// Elements per loop iteration. Four amortises the loop's compare, branch and increment (about
    /// five IL instructions, which nanoFramework's interpreter pays one by one) over four element
    /// updates of 25-40 instructions each, keeping that overhead under 5%, while each variant of
    /// the loop body stays small enough to be cheap in a microcontroller's flash.
    /// </summary>
    public const int UnrollFactor = 4;

    /// <summary>A run of adjacent tensors that share a decay flag.</summary>
    internal sealed record Run(int Start, int Length, bool Decay, string Description);

    /// <summary>Writes the element update for the element at <c>index</c>, naming its locals with <c>suffix</c>.</summary>
    public delegate void ElementWriter(CodeWriter writer, string index, string suffix, bool decay);

    public static IReadOnlyList<Run> Runs(LayoutSpec layout)
    {
        var runs = new List<Run>();
        int i = 0;
        while (i < layout.Tensors.Count)
        {
            int first = i;
            bool decay = layout.Tensors[i].Decay;
            while (i < layout.Tensors.Count && layout.Tensors[i].Decay == decay)
            {
                i++;
            }

            TensorSpec start = layout.Tensors[first];
            TensorSpec last = layout.Tensors[i - 1];
            string names = string.Join(", ", Enumerable.Range(first, i - first).Select(t => Describe(layout.Tensors[t])));
            runs.Add(new Run(start.Offset, last.Offset + last.Length - start.Offset, decay, names));
        }

        return runs;
    }

    /// <summary>The tensor as a reader would write it: <c>W1 (64x32)</c>.</summary>
    public static string Describe(TensorSpec tensor) =>
        tensor.Name + " (" + string.Join("x", tensor.Shape.Select(Literals.Int)) + ")";

    // For a run of 10 decayed elements starting at 40, with UnrollFactor 4:
    //
    //     // W (2x5): [40, 50), decayed
    //     for (int i = 40; i < 48; i += 4)
    //     {
    //         <element i>  <element i + 1>  <element i + 2>  <element i + 3>
    //     }
    //     {
    //         <element 48>  <element 49>
    //     }
    public static void Emit(CodeWriter writer, LayoutSpec layout, ElementWriter element)
    {
        foreach (Run run in Runs(layout))
        {
            writer.Line($"// {run.Description}: [{Literals.Int(run.Start)}, {Literals.Int(run.Start + run.Length)}), {(run.Decay ? "decayed" : "not decayed")}");
            int iterations = run.Length / UnrollFactor;
            int straightFrom = run.Start;
            if (iterations >= 2)
            {
                int end = run.Start + (iterations * UnrollFactor);
                using (writer.OpenBlock($"for (int i = {Literals.Int(run.Start)}; i < {Literals.Int(end)}; i += {Literals.Int(UnrollFactor)})"))
                {
                    for (int k = 0; k < UnrollFactor; k++)
                    {
                        element(writer, k == 0 ? "i" : "i + " + Literals.Int(k), Literals.Int(k), run.Decay);
                    }
                }

                straightFrom = end;
            }

            int straightEnd = run.Start + run.Length;
            if (straightFrom < straightEnd)
            {
                using (writer.OpenBlock())
                {
                    for (int index = straightFrom; index < straightEnd; index++)
                    {
                        element(writer, Literals.Int(index), Literals.Int(index - straightFrom), run.Decay);
                    }
                }
            }
        }
    }
}
