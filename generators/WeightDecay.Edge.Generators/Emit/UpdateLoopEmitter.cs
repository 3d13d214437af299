using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Writes an optimizer's per-element update over the whole layout, specialised for the layout's
/// sizes. Adjacent tensors with the same decay flag share one pass (their update is the same
/// code), so a layout is a few runs of constant length, each read and written exactly once.
/// Frozen tensors (<c>Trainable = false</c>) end a run and are skipped: optimizer state holds only
/// trainable parameters, packed, so each run indexes its state at a constant shift below the
/// parameter index (the number of frozen parameters before it).
/// <list type="bullet">
/// <item>Scalar method (desktop machines without SIMD): each run is a loop unrolled by
/// <see cref="UnrollFactor"/> with a constant bound, then the remainder written out at constant
/// indices.</item>
/// <item>Device profile (nanoFramework): one plain loop per decay flag (one in all for AdamW), called
/// with each run's bounds, because flash, not the interpreter's loop overhead, is what runs out
/// there (see <c>WriteDeviceMethods</c>).</item>
/// <item>Vector methods (desktop): each run is a loop of whole vectors with a constant bound,
/// then the remainder (fewer than one vector) as one more vector over a window that ends at the
/// run's end, whose stores keep every lane outside the remainder as it was (see
/// <c>WriteTailWindow</c>): no element is updated by scalar code, nor twice.</item>
/// </list>
/// On desktop, no run-time sizes and no run-time remainder loops anywhere.
/// </summary>
internal static class UpdateLoopEmitter
{
    /// <summary>
    /// Elements per scalar loop iteration. Four amortises the loop's compare, branch and increment
    /// (about five IL instructions, which nanoFramework's interpreter pays one by one) over four
    /// element updates of 25-40 instructions each, keeping that overhead under 5%, while each
    /// variant of the loop body stays small enough to be cheap in a microcontroller's flash.
    /// Vector loops are not unrolled: an AdamW vector step is bound by the throughput of its
    /// divisions and square root (and, past the caches, by memory), which out-of-order execution
    /// already overlaps across iterations.
    /// </summary>
    public const int UnrollFactor = 4;

    /// <summary>
    /// Writes the element update at <c>index</c> of <c>Parameters</c> and <c>Gradients</c>, and
    /// <c>stateIndex</c> of the optimizer's state buffers, naming its locals with <c>suffix</c>.
    /// </summary>
    public delegate void ElementWriter(CodeWriter writer, KernelDialect kernel, string index, string stateIndex, string suffix, bool decay);

    /// <summary>
    /// A run of adjacent tensors that share a decay flag and are all trainable, or a run of frozen
    /// tensors. Its state starts at <c>Start - StateShift</c>.
    /// </summary>
    internal sealed record Run(int Start, int Length, bool Decay, bool Trainable, int StateShift, string Description)
    {
        /// <summary>One past the run's last parameter index.</summary>
        public int End => Start + Length;
    }

    /// <summary>One update method: its name, its per-step float parameters, the buffers it touches and its element rule.</summary>
    /// <param name="Buffers">Pairs of local name and source expression, e.g. <c>("m", "_expAvg")</c>.</param>
    /// <param name="NeutralDecay">
    /// A parameter and the value of it that makes the decayed element rule compute exactly the undecayed one
    /// (AdamW: <c>("decayFactor", "1f")</c>, as <c>p * 1 == p</c> for every float), or null when there is none
    /// (coupled L2: <c>g + 0 * p</c> turns a -0 gradient into +0). With one, the device writes a single loop.
    /// </param>
    internal sealed record UpdateMethod(
        string Name, string[] Parameters, (string Local, string Source)[] Buffers, ElementWriter Element, (string Parameter, string Value)? NeutralDecay = null);

    /// <summary>The layout's runs in order, frozen ones included (see <see cref="Run"/>).</summary>
    public static IReadOnlyList<Run> Runs(LayoutSpec layout)
    {
        var runs = new List<Run>();
        int i = 0;
        int frozenBefore = 0;
        while (i < layout.Tensors.Count)
        {
            int first = i;
            bool trainable = layout.Tensors[i].Trainable;
            bool decay = trainable && layout.Tensors[i].Decay;
            while (i < layout.Tensors.Count && layout.Tensors[i].Trainable == trainable && (!trainable || layout.Tensors[i].Decay == decay))
            {
                i++;
            }

            TensorSpec start = layout.Tensors[first];
            TensorSpec last = layout.Tensors[i - 1];
            string names = string.Join(", ", Enumerable.Range(first, i - first).Select(t => Describe(layout.Tensors[t])));
            int length = last.Offset + last.Length - start.Offset;
            runs.Add(new Run(start.Offset, length, decay, trainable, frozenBefore, names));
            frozenBefore += trainable ? 0 : length;
        }

        return runs;
    }

    /// <summary>The runs an optimizer updates: every run of trainable tensors.</summary>
    public static IEnumerable<Run> TrainableRuns(LayoutSpec layout) => Runs(layout).Where(run => run.Trainable);

    /// <summary>
    /// The state index for parameter index <paramref name="index"/> (a constant, <c>i</c> or
    /// <c>i + k</c>) in a run whose state is shifted by <paramref name="shift"/>.
    /// </summary>
    public static string StateIndex(string index, int shift)
    {
        if (shift == 0)
        {
            return index;
        }

        if (int.TryParse(index, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int constant))
        {
            return Literals.Int(constant - shift);
        }

        int plus = index.IndexOf(" + ", System.StringComparison.Ordinal);
        int offset = (plus < 0 ? 0 : int.Parse(index.Substring(plus + 3), System.Globalization.CultureInfo.InvariantCulture)) - shift;
        string variable = plus < 0 ? index : index.Substring(0, plus);
        return offset < 0 ? $"{variable} - {Literals.Int(-offset)}" : $"{variable} + {Literals.Int(offset)}";
    }

    /// <summary>The tensor as a reader would write it: <c>W1 (64x32)</c>.</summary>
    public static string Describe(TensorSpec tensor) =>
        tensor.Name + " (" + string.Join("x", tensor.Shape.Select(Literals.Int)) + ")";

    /// <summary>
    /// Writes <paramref name="method"/> once per code path: a scalar method, plus one per SIMD
    /// width on desktop (<c>UpdateVector512</c>, ...). Pair with <see cref="WriteDispatch"/>.
    /// </summary>
    public static void WriteMethods(CodeWriter writer, LayoutSpec layout, TargetProfile profile, ScalarMath math, UpdateMethod method)
    {
        var scalar = new KernelDialect.ScalarDialect(math);
        if (!profile.HasSpan)
        {
            WriteDeviceMethods(writer, layout, method, scalar);
            return;
        }

        WriteMethod(writer, layout, method, scalar, scalar, suffix: string.Empty);
        foreach (VectorPath path in VectorPath.For(profile))
        {
            WriteMethod(writer, layout, method, new KernelDialect.VectorDialect(path), scalar, path.Suffix);
        }
    }

    // if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) { UpdateVector512(args); }
    // else if (Vector256.IsHardwareAccelerated && Fma.IsSupported) { UpdateVector256(args); }
    // else { Update(args); }
    public static void WriteDispatch(CodeWriter writer, TargetProfile profile, string name, string arguments)
    {
        string keyword = "if";
        foreach (VectorPath path in VectorPath.For(profile))
        {
            using (writer.OpenBlock($"{keyword} ({path.Condition})"))
            {
                writer.Line($"{name}{path.Suffix}({arguments});");
            }

            keyword = "else if";
        }

        if (keyword == "if")
        {
            writer.Line($"{name}({arguments});");
            return;
        }

        using (writer.OpenBlock("else"))
        {
            writer.Line($"{name}({arguments});");
        }
    }

    // The device profile (nanoFramework): flash is the scarce resource (one .pe holds at most 64 KiB of
    // bytecode, shared with the user's firmware), so the update is one plain loop per decay flag, called
    // once per run, instead of unrolled code per run:
    //
    // private void Update(float decayFactor, float beta1, ...)
    // {
    //     UpdateDecayed(0, 128, decayFactor, beta1, ...);       // W1 (16x8): [0, 128), decayed
    //     UpdateUndecayed(128, 136, decayFactor, beta1, ...);   // B1 (8): [128, 136), not decayed
    //     ...
    // }
    // private void UpdateDecayed(int from, int to, float decayFactor, float beta1, ...)
    // {
    //     float[] p = _model.Parameters; ...
    //     for (int i = from; i < to; i++) { <element i> }
    // }
    //
    // With frozen tensors the state index differs from the parameter index by a shift per run, so the
    // loop carries a second index: for (int i = from, j = stateFrom; i < to; i++, j++). Unrolling
    // would save the interpreter about three IL instructions per element (of 25-75), at four to five
    // times the flash per loop, and per run.
    private static void WriteDeviceMethods(CodeWriter writer, LayoutSpec layout, UpdateMethod method, KernelDialect.ScalarDialect scalar)
    {
        IReadOnlyList<Run> runs = TrainableRuns(layout).ToList();
        bool shifted = runs.Any(run => run.StateShift != 0);
        string parameters = string.Join(", ", method.Parameters.Select(name => "float " + name));
        string arguments = string.Join(", ", method.Parameters);

        writer.Line();
        using (writer.OpenBlock($"private void {method.Name}({parameters})"))
        {
            foreach (Run run in runs)
            {
                string stateFrom = shifted ? Literals.Int(run.Start - run.StateShift) + ", " : string.Empty;
                bool neutral = !run.Decay && method.NeutralDecay is not null;
                string runArguments = neutral
                    ? string.Join(", ", method.Parameters.Select(name => name == method.NeutralDecay!.Value.Parameter ? method.NeutralDecay.Value.Value : name))
                    : arguments;
                string kernel = DeviceKernel(method, run.Decay || neutral);
                writer.Line($"{kernel}({Literals.Int(run.Start)}, {Literals.Int(run.End)}, {stateFrom}{runArguments}); // {run.Description}, {(run.Decay ? "decayed" : "not decayed")}");
            }
        }

        bool[] kernels = method.NeutralDecay is null ? new[] { true, false } : new[] { true };
        foreach (bool decay in kernels.Where(flag => runs.Any(run => run.Decay == flag || method.NeutralDecay is not null)))
        {
            writer.Line();
            string stateFrom = shifted ? "int stateFrom, " : string.Empty;
            using (writer.OpenBlock($"private void {DeviceKernel(method, decay)}(int from, int to, {stateFrom}{parameters})"))
            {
                foreach ((string local, string source) in method.Buffers)
                {
                    writer.Line($"float[] {local} = {source};");
                }

                string loop = shifted ? "for (int i = from, j = stateFrom; i < to; i++, j++)" : "for (int i = from; i < to; i++)";
                using (writer.OpenBlock(loop))
                {
                    method.Element(writer, scalar, "i", shifted ? "j" : "i", "0", decay);
                }
            }
        }
    }

    /// <summary>The device loop of <paramref name="method"/> for runs with or without decay: <c>UpdateDecayed</c>, <c>UpdateUndecayed</c>.</summary>
    public static string DeviceKernel(UpdateMethod method, bool decay) => method.Name + (decay ? "Decayed" : "Undecayed");

    // private void UpdateVector256(float beta1, ...)
    // {
    //     float[] p = _model.Parameters; ...
    //     ref float pRef = ref MemoryMarshal.GetArrayDataReference(p); ...
    //     Vector256<float> beta1Lanes = Vector256.Create(beta1); ...
    //     <one pass per run: see WriteRuns>
    // }
    private static void WriteMethod(
        CodeWriter writer, LayoutSpec layout, UpdateMethod method, KernelDialect kernel, KernelDialect.ScalarDialect scalar, string suffix)
    {
        writer.Line();
        string parameters = string.Join(", ", method.Parameters.Select(name => "float " + name));
        using (writer.OpenBlock($"private void {method.Name}{suffix}({parameters})"))
        {
            foreach ((string local, string source) in method.Buffers)
            {
                writer.Line($"float[] {local} = {source};");
            }

            if (kernel is KernelDialect.VectorDialect vector)
            {
                foreach ((string local, _) in method.Buffers)
                {
                    writer.Line($"ref float {local}Ref = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference({local});");
                }

                foreach (string name in method.Parameters)
                {
                    writer.Line(vector.Broadcast(name));
                }

                // The narrower widths that some run's tail window takes (see WriteVectorRun).
                foreach (VectorPath narrower in vector.Path.WindowPaths().Skip(1)
                    .Where(path => TrainableRuns(layout).Any(run => ChooseWindow(layout, run, vector.Path)?.Path == path)))
                {
                    var dialect = WindowDialect(narrower);
                    foreach (string name in method.Parameters)
                    {
                        writer.Line(dialect.Broadcast(name));
                    }
                }
            }

            WriteRuns(writer, layout, kernel, scalar, method.Element);
        }
    }

    // For a run of 10 decayed elements starting at 40, scalar, unrolled by 4:
    //     // W (2x5): [40, 50), decayed
    //     for (int i = 40; i < 48;) { <element i> i++; <element i> i++; <element i> i++; <element i> i++; }
    //     { <element 48> <element 49> }
    // and with 8-float vectors, see WriteVectorRun.
    private static void WriteRuns(CodeWriter writer, LayoutSpec layout, KernelDialect kernel, KernelDialect scalar, ElementWriter element)
    {
        // Runs shorter than one vector: their windows reach back over the runs before them, whose stores they
        // must not wait for, so they are loaded and computed first and stored last (see WriteEarlyWindows).
        var early = new List<(Run Run, VectorPath Path, int Start, List<(string Array, string Index)> Stores)>();
        if (kernel is KernelDialect.VectorDialect vectorKernel)
        {
            foreach (Run run in TrainableRuns(layout))
            {
                if (VectorsEnd(run, vectorKernel.Width) == run.Start && ChooseWindow(layout, run, vectorKernel.Path) is (VectorPath path, int at))
                {
                    early.Add((run, path, at, new List<(string Array, string Index)>()));
                }
            }

            foreach (var window in early)
            {
                string name = Literals.Int(window.Run.Start);
                writer.Line($"// The tail window of {window.Run.Description}, loaded and computed here, stored at the end.");
                KernelDialect.VectorDialect dialect = Dialect(vectorKernel, window.Path);
                writer.Line(dialect.MaskDeclaration("tail" + name, window.Run.Start - window.Start, window.Run.End - window.Start));
                element(writer, dialect.Deferred(window.Stores, name), Literals.Int(window.Start), Literals.Int(window.Start - window.Run.StateShift), "Tail" + name, window.Run.Decay);
            }
        }

        foreach (Run run in Runs(layout))
        {
            if (early.Any(window => window.Run == run))
            {
                writer.Line($"// {run.Description}: [{Literals.Int(run.Start)}, {Literals.Int(run.End)}): its tail window, computed above, is stored below");
                continue;
            }

            if (!run.Trainable)
            {
                writer.Line($"// {run.Description}: [{Literals.Int(run.Start)}, {Literals.Int(run.End)}), frozen: no state, no update");
                continue;
            }

            string state = run.StateShift == 0 ? string.Empty : $", state [{Literals.Int(run.Start - run.StateShift)}, {Literals.Int(run.End - run.StateShift)})";
            writer.Line($"// {run.Description}: [{Literals.Int(run.Start)}, {Literals.Int(run.End)}){state}, {(run.Decay ? "decayed" : "not decayed")}");
            if (kernel is KernelDialect.VectorDialect vector)
            {
                WriteVectorRun(writer, layout, run, vector, scalar, element);
            }
            else
            {
                WriteScalarRemainder(writer, run, WriteScalarLoop(writer, run, kernel, element), scalar, element);
            }
        }

        foreach (var window in early)
        {
            string name = Literals.Int(window.Run.Start);
            KernelDialect.VectorDialect dialect = Dialect((KernelDialect.VectorDialect)kernel, window.Path);
            foreach ((string array, string index) in window.Stores)
            {
                writer.Line(dialect.BlendedStore(array, index, "tail" + name, name));
            }
        }
    }

    private static KernelDialect.VectorDialect Dialect(KernelDialect.VectorDialect kernel, VectorPath path) =>
        path == kernel.Path ? kernel : WindowDialect(path);

    // A run [40, 50) with 8-float vectors: one whole vector, then the remainder [48, 50) as a window of 8
    // ending at the run's end, whose loads and arithmetic come first and whose stores come last:
    //     {
    //         Vector256<float> tail = <lanes 6 and 7 set>;
    //         <vector element 42, its stores held back: Vector256<float> pWindow = ...; mWindow = ...>
    //         for (nuint i = 40; i < 48; i += 8) { <vector element i> }
    //         Vector256.StoreUnsafe(Vector256.ConditionalSelect(tail, mWindow, <m re-read at 42>), ref mRef, 42); ...
    //     }
    // Lanes outside the mask are computed from values the loop then changes, thrown away, and written back
    // as the loop left them: an in-place update cannot simply run twice on the overlap (Adam's moments would
    // advance twice), hence the blend. Storing last also keeps the window's loads clear of the loop's stores
    // to the same bytes, which the processor cannot forward to an overlapping wider load.
    private static void WriteVectorRun(
        CodeWriter writer, LayoutSpec layout, Run run, KernelDialect.VectorDialect kernel, KernelDialect scalar, ElementWriter element)
    {
        int vectorsEnd = VectorsEnd(run, kernel.Width);
        if (ChooseWindow(layout, run, kernel.Path) is not (VectorPath path, int at))
        {
            WriteScalarRemainder(writer, run, WriteVectorLoop(writer, run, kernel, kernel.Width, element), scalar, element);
            return;
        }

        KernelDialect.VectorDialect window = Dialect(kernel, path);
        using (writer.OpenBlock())
        {
            writer.Line(window.MaskDeclaration("tail", vectorsEnd - at, run.End - at));
            var stores = new List<(string Array, string Index)>();
            element(writer, window.Deferred(stores), Literals.Int(at), Literals.Int(at - run.StateShift), "Tail", run.Decay);
            WriteVectorLoop(writer, run, kernel, kernel.Width, element);
            foreach ((string array, string index) in stores)
            {
                writer.Line(window.BlendedStore(array, index, "tail"));
            }
        }
    }

    private static int VectorsEnd(Run run, int width) => run.Start + (run.Length / width * width);

    /// <summary>
    /// The tail window of <paramref name="run"/> in a method of <paramref name="path"/>: the narrowest width
    /// that holds the remainder and fits in the buffers, and where it starts; null when the run has no
    /// remainder or no window fits (see <see cref="TailWindow"/>).
    /// </summary>
    internal static (VectorPath Path, int Start)? ChooseWindow(LayoutSpec layout, Run run, VectorPath path)
    {
        int vectorsEnd = VectorsEnd(run, path.Width);
        if (vectorsEnd == run.End)
        {
            return null;
        }

        foreach (VectorPath candidate in path.WindowPaths().Reverse())
        {
            if (candidate.Width >= run.End - vectorsEnd && TailWindow(layout, run, vectorsEnd, candidate.Width) is int start)
            {
                return (candidate, start);
            }
        }

        return null;
    }

    // A narrower window's dialect: its per-step scalars are broadcast as beta1Lanes128 (for 128 bits), ...
    private static KernelDialect.VectorDialect WindowDialect(VectorPath path) =>
        new(path, "Lanes" + Literals.Int(path.Width * 32));

    // The elements [from, End) of a run, one at a time at constant indices.
    private static void WriteScalarRemainder(CodeWriter writer, Run run, int from, KernelDialect scalar, ElementWriter element)
    {
        if (from >= run.End)
        {
            return;
        }

        using (writer.OpenBlock())
        {
            for (int index = from; index < run.End; index++)
            {
                element(writer, scalar, Literals.Int(index), Literals.Int(index - run.StateShift), Literals.Int(index - from), run.Decay);
            }
        }
    }

    /// <summary>
    /// Where the one vector that finishes a run starts, or null when no vector fits. The window covers the
    /// run's remainder [<paramref name="from"/>, End) and lies inside both the parameter buffers
    /// (<c>ParameterCount</c>) and the state buffers (<c>TrainableParameterCount</c>, shifted by the frozen
    /// parameters before the run). It ends at the run's end when the state buffers allow, so that it overlaps
    /// elements updated just before (same cache lines); otherwise it starts at the run's first state element
    /// and reaches over the runs after it. Only a layout with fewer trainable parameters than one vector has
    /// no window (its remainder stays scalar).
    /// </summary>
    internal static int? TailWindow(LayoutSpec layout, Run run, int from, int width)
    {
        int lowest = System.Math.Max(run.End - width, run.StateShift);
        int highest = System.Math.Min(from, System.Math.Min(layout.ParameterCount - width, layout.TrainableParameterCount + run.StateShift - width));
        return lowest <= highest ? lowest : null;
    }

    private static int WriteScalarLoop(CodeWriter writer, Run run, KernelDialect kernel, ElementWriter element)
    {
        int iterations = run.Length / UnrollFactor;
        if (iterations < 2)
        {
            return run.Start; // Short runs are written out in full.
        }

        // The index advances after each element instead of being offset at each access: `p[i + 1]`
        // costs three IL instructions per access (nanoFramework interprets every one), `i++` costs
        // four per element, and an AdamW element makes seven accesses.
        int end = run.Start + (iterations * UnrollFactor);
        using (writer.OpenBlock($"for (int i = {Literals.Int(run.Start)}; i < {Literals.Int(end)};)"))
        {
            for (int k = 0; k < UnrollFactor; k++)
            {
                element(writer, kernel, "i", StateIndex("i", run.StateShift), Literals.Int(k), run.Decay);
                writer.Line("i++;");
            }
        }

        return end;
    }

    private static int WriteVectorLoop(CodeWriter writer, Run run, KernelDialect kernel, int width, ElementWriter element)
    {
        int vectors = run.Length / width;
        if (vectors == 0)
        {
            return run.Start;
        }

        int end = run.Start + (vectors * width);
        using (writer.OpenBlock($"for (nuint i = {Literals.Int(run.Start)}; i < {Literals.Int(end)}; i += {Literals.Int(width)})"))
        {
            element(writer, kernel, "i", StateIndex("i", run.StateShift), "0", run.Decay);
        }

        return end;
    }
}
