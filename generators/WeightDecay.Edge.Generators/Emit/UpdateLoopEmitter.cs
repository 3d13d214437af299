using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Writes an optimizer's per-element update over the layout. Adjacent tensors with the same decay
/// target (none, zero, the anchor) share one run (their update is the same code), so a layout is a few
/// runs, each read and written exactly once. Frozen tensors (<c>Trainable = false</c>) end a run and are
/// skipped: optimizer state holds only trainable parameters, packed, so each run indexes its state at a
/// constant shift below the parameter index (the number of frozen parameters before it); the anchor holds
/// only the anchored tensors, packed the same way.
/// Each code path is one update method that calls a few shared kernels, one per decay target (undecayed
/// runs share the decayed kernel when a decay factor of 1 is exact, as for AdamW):
/// <list type="bullet">
/// <item>Scalar (the device, and desktop machines without SIMD): a plain loop, called once per run
/// with the run's bounds; see <c>WriteScalarKernels</c>.</item>
/// <item>Vector (desktop, one set per SIMD width that some run fills): called once with a table of
/// runs (<c>DecayedRuns</c>, <c>UndecayedRuns</c>), a loop of whole vectors per run, plus its
/// remainder (fewer than one vector) as one more vector whose stores keep every lane outside the
/// remainder as it was; see <c>WriteVectorKernel</c>. No element is updated twice. Anchored runs have no
/// tail window (the anchor buffer may be shorter than one vector): their kernel ends each run with a scalar
/// loop, which computes the same bits with the same fused operations. The vector kernels do not depend on the
/// layout beyond their name, so they are written once per assembly (see <see cref="SharedKernel"/>).</item>
/// </list>
/// </summary>
internal static class UpdateLoopEmitter
{
    /// <summary>Where weight decay pulls a run of tensors: nowhere, toward zero, or toward the layout's anchor.</summary>
    internal enum DecayTarget
    {
        None,
        Zero,
        Anchor,
    }

    /// <summary>
    /// One element an update rule is written for: <see cref="Index"/> into <c>Parameters</c> and <c>Gradients</c>,
    /// <see cref="StateIndex"/> into the optimizer's state buffers, <see cref="AnchorIndex"/> into the anchor (anchored
    /// kernels only), with locals named with <see cref="Suffix"/>, decayed toward <see cref="Decay"/>.
    /// </summary>
    internal sealed record Element(KernelDialect Kernel, string Index, string StateIndex, string AnchorIndex, string Suffix, DecayTarget Decay)
    {
        /// <summary>Writes the local <c>drift0 = p0 - a[k]</c>, the parameter's distance from its anchor, and returns its name.</summary>
        public string WriteDrift(CodeWriter writer, string parameter)
        {
            writer.Line($"{Kernel.Type} drift{Suffix} = {parameter} - {Kernel.Load("a", AnchorIndex)};");
            return "drift" + Suffix;
        }
    }

    /// <summary>Writes the update of one element.</summary>
    public delegate void ElementWriter(CodeWriter writer, Element element);

    /// <summary>
    /// A run of adjacent trainable tensors that share a decay target, or a run of frozen tensors. Its state starts at
    /// <c>Start - StateShift</c>, and, when anchored, its anchor at <c>Start - AnchorShift</c>.
    /// </summary>
    internal sealed record Run(int Start, int Length, DecayTarget Decay, bool Trainable, int StateShift, int AnchorShift, string Description)
    {
        /// <summary>The index of the run's parameter group in <see cref="Groups"/> (0 for frozen runs).</summary>
        public int Group { get; init; }

        /// <summary>One past the run's last parameter index.</summary>
        public int End => Start + Length;

        /// <summary>Whether weight decay applies to the run, toward zero or toward the anchor.</summary>
        public bool Decayed => Decay != DecayTarget.None;
    }

    /// <summary>One update method: its name, its per-step float parameters, the buffers it touches and its element rule.</summary>
    /// <param name="KernelClass">
    /// The class that holds the method's shared kernels (see <see cref="SharedKernel"/>): <see cref="SharedKernel.AdamW"/>, ...
    /// </param>
    /// <param name="Buffers">Pairs of local name and source expression, e.g. <c>("m", "_expAvg")</c>.</param>
    /// <param name="NeutralDecay">
    /// A parameter and the value of it that makes the decayed element rule compute exactly the undecayed one
    /// (AdamW: <c>("decayFactor", "1f")</c>, as <c>p * 1 == p</c> for every float), or null when there is none
    /// (coupled L2: <c>g + 0 * p</c> turns a -0 gradient into +0). With one, undecayed runs call the decayed kernel
    /// with that value (torch's own undecayed AdamW group multiplies by 1 - lr * 0 = 1 too).
    /// </param>
    /// <param name="SkipDecayWhen">
    /// A condition on the per-step scalars under which the step has no decay term at all, or null: torch skips
    /// <c>grad.add(p, alpha=weight_decay)</c> when weight_decay is 0, and adding <c>0 * p</c> instead would turn a -0
    /// gradient into +0 and an infinite weight into NaN. While it holds, every run goes through the undecayed kernel.
    /// </param>
    internal sealed record UpdateMethod(
        string Name,
        string KernelClass,
        string[] Parameters,
        (string Local, string Source)[] Buffers,
        ElementWriter Element,
        (string Parameter, string Value)? NeutralDecay = null,
        string? SkipDecayWhen = null)
    {
        /// <summary>Whether <see cref="SkipDecayWhen"/> routes some run of <paramref name="runs"/> to another kernel.</summary>
        public bool SkipsDecay(IEnumerable<Run> runs) =>
            SkipDecayWhen is not null && runs.Any(run => KernelFor(run.Decay) != KernelFor(DecayTarget.None));

        /// <summary>The decay target of the kernel that updates runs decayed toward <paramref name="decay"/>.</summary>
        public DecayTarget KernelFor(DecayTarget decay) => decay == DecayTarget.None && NeutralDecay is not null ? DecayTarget.Zero : decay;

        /// <summary>The arguments a run decayed toward <paramref name="decay"/> passes for <paramref name="parameters"/>.</summary>
        public IEnumerable<string> ArgumentsFor(DecayTarget decay, IEnumerable<string> parameters) => parameters.Select(name =>
            decay == DecayTarget.None && NeutralDecay is { } neutral && name == neutral.Parameter ? neutral.Value : name);

        /// <summary>The buffers a kernel for <paramref name="decay"/> reads: the anchor too when it is anchored.</summary>
        public IEnumerable<(string Local, string Source)> BuffersFor(DecayTarget decay) =>
            decay == DecayTarget.Anchor ? Buffers.Concat(new[] { ("a", "_model.Anchor") }) : Buffers;
    }

    /// <summary>The layout's runs in order, frozen ones included (see <see cref="Run"/>).</summary>
    public static IReadOnlyList<Run> Runs(LayoutSpec layout)
    {
        var runs = new List<Run>();
        int[] tensorGroups = Assign(layout).TensorGroups;
        int i = 0;
        int frozenBefore = 0;
        int anchoredBefore = 0;
        while (i < layout.Tensors.Count)
        {
            int first = i;
            bool trainable = layout.Tensors[i].Trainable;
            DecayTarget decay = TargetOf(layout.Tensors[i]);
            int group = tensorGroups[i];
            while (i < layout.Tensors.Count && layout.Tensors[i].Trainable == trainable && TargetOf(layout.Tensors[i]) == decay
                && tensorGroups[i] == group)
            {
                i++;
            }

            TensorSpec start = layout.Tensors[first];
            TensorSpec last = layout.Tensors[i - 1];
            string names = string.Join(", ", Enumerable.Range(first, i - first).Select(t => Describe(layout.Tensors[t])));
            int length = last.Offset + last.Length - start.Offset;
            int anchorShift = decay == DecayTarget.Anchor ? start.Offset - anchoredBefore : 0;
            runs.Add(new Run(start.Offset, length, decay, trainable, frozenBefore, anchorShift, names) { Group = group });
            frozenBefore += trainable ? 0 : length;
            anchoredBefore += decay == DecayTarget.Anchor ? length : 0;
        }

        return runs;
    }

    /// <summary>
    /// A torch.optim parameter group: the trainable tensors that share a <c>LearningRateScale</c> and (when decayed) a
    /// <c>WeightDecayScale</c>. Each step computes its per-step scalars once per group and calls the group's update
    /// method, which calls the shared kernels over the group's runs. A layout without scales has one group, the base one,
    /// and its code is what it was before groups existed.
    /// </summary>
    /// <param name="Index">The group's place in order of first appearance among the trainable tensors.</param>
    internal sealed record Group(int Index, float LearningRateScale, float WeightDecayScale, string Description)
    {
        /// <summary>Whether the group takes the optimizer's own learning rate and weight decay.</summary>
        public bool IsBase => LearningRateScale == 1f && WeightDecayScale == 1f;

        /// <summary>The suffix of the group's update methods: none for the first group, <c>Group1</c>, ... after it.</summary>
        public string MethodSuffix => Index == 0 ? string.Empty : "Group" + Literals.Int(Index);

        /// <summary>The suffix of the group's per-step locals: none for a base group, else its index.</summary>
        public string LocalSuffix => IsBase ? string.Empty : Literals.Int(Index);

        /// <summary>The local holding the group's learning rate lr_t (double).</summary>
        public string LearningRate => LearningRateScale == 1f ? "learningRate" : "learningRate" + LocalSuffix;

        /// <summary>The local holding the group's weight decay λ_t (double).</summary>
        public string WeightDecayRate => WeightDecayScale == 1f ? "weightDecayRate" : "weightDecayRate" + LocalSuffix;
    }

    /// <summary>The layout's parameter groups (see <see cref="Group"/>), at least one.</summary>
    public static IReadOnlyList<Group> Groups(LayoutSpec layout) => Assign(layout).Groups;

    /// <summary>Whether <paramref name="layout"/> has more than the base group (some tensor declares a scale).</summary>
    public static bool HasGroups(LayoutSpec layout)
    {
        IReadOnlyList<Group> groups = Groups(layout);
        return groups.Count > 1 || !groups[0].IsBase;
    }

    // Each trainable tensor joins the first group with its learning-rate scale and, when it is decayed, its weight-decay
    // scale (an undecayed tensor's weight-decay scale changes nothing, so a bias joins its weight's group); a tensor that
    // matches none starts a group. Frozen tensors are in group 0, which no update reads for them.
    private static (IReadOnlyList<Group> Groups, int[] TensorGroups) Assign(LayoutSpec layout)
    {
        var groups = new List<Group>();
        var members = new List<List<string>>();
        int[] tensorGroups = new int[layout.Tensors.Count];
        for (int t = 0; t < layout.Tensors.Count; t++)
        {
            TensorSpec tensor = layout.Tensors[t];
            if (!tensor.Trainable)
            {
                continue;
            }

            bool decayed = TargetOf(tensor) != DecayTarget.None;
            int index = groups.FindIndex(group =>
                group.LearningRateScale == tensor.LearningRateScale && (!decayed || group.WeightDecayScale == tensor.WeightDecayScale));
            if (index < 0)
            {
                index = groups.Count;
                groups.Add(new Group(index, tensor.LearningRateScale, decayed ? tensor.WeightDecayScale : 1f, string.Empty));
                members.Add(new List<string>());
            }

            members[index].Add(Describe(tensor));
            tensorGroups[t] = index;
        }

        if (groups.Count == 0)
        {
            return (new[] { new Group(0, 1f, 1f, string.Empty) }, tensorGroups);
        }

        return (groups.Select(group => group with { Description = string.Join(", ", members[group.Index]) }).ToList(), tensorGroups);
    }

    /// <summary>Where decay pulls <paramref name="tensor"/> (a frozen tensor is never decayed).</summary>
    public static DecayTarget TargetOf(TensorSpec tensor) =>
        !tensor.Trainable || !tensor.Decay ? DecayTarget.None : tensor.Anchored ? DecayTarget.Anchor : DecayTarget.Zero;

    /// <summary>The runs an optimizer updates: every run of trainable tensors.</summary>
    public static IEnumerable<Run> TrainableRuns(LayoutSpec layout) => Runs(layout).Where(run => run.Trainable);

    /// <summary>The tensor as a reader would write it: <c>W1 (64x32)</c>.</summary>
    public static string Describe(TensorSpec tensor) =>
        tensor.Name + " (" + string.Join("x", tensor.Shape.Select(Literals.Int)) + ")";

    /// <summary>
    /// The SIMD paths worth emitting for <paramref name="layout"/>, widest first: those of
    /// <see cref="VectorPath.For"/> that at least one trainable run fills with one whole vector. A width no
    /// run can fill would only ever run its tail window, so the layout asks for no kernel of it; a family's
    /// dispatcher picks among the widths the assembly's layouts asked for.
    /// </summary>
    public static IReadOnlyList<VectorPath> PathsFor(LayoutSpec layout, TargetProfile profile) =>
        VectorPath.For(profile).Where(path => TrainableRuns(layout).Any(run => run.Length >= path.Width)).ToList();

    /// <summary>
    /// Writes <paramref name="method"/>: one method per parameter group (<c>Update</c>, <c>UpdateGroup1</c>, ...). On desktop
    /// it calls, once per table of the group's runs, the kernel family's dispatcher (which picks the widest SIMD path the
    /// machine runs, see <see cref="SharedKernel"/>), or the scalar kernel when no run fills a vector (<see cref="PathsFor"/>);
    /// the kernels of every width go to the assembly's shared kernel files (<see cref="CodeWriter.Kernels"/>). On the device
    /// it calls the layout's own scalar loops once per run (see <see cref="WriteScalarKernels"/>).
    /// </summary>
    public static void WriteMethods(CodeWriter writer, LayoutSpec layout, TargetProfile profile, ScalarMath math, UpdateMethod method)
    {
        IReadOnlyList<Run> runs = TrainableRuns(layout).ToList();
        bool shifted = runs.Any(run => run.StateShift != 0);
        List<KernelDialect.VectorDialect> paths = profile.HasSpan
            ? PathsFor(layout, profile).Select(path => new KernelDialect.VectorDialect(path)).ToList()
            : new List<KernelDialect.VectorDialect>();
        var vectorKernels = paths.Select(_ => new List<(DecayTarget Decay, string[] Parameters)>()).ToList();
        var scalar = new KernelDialect.ScalarDialect(math);
        var scalarKernels = new List<(DecayTarget Decay, string[] Parameters)>();
        foreach (Group group in Groups(layout))
        {
            writer.Line();
            writer.Wrapped($"private void {method.Name}{group.MethodSuffix}(", method.Parameters.Select(name => "float " + name), ")");
            using (writer.OpenBlock())
            {
                if (profile.HasSpan)
                {
                    // The buffers every kernel of the group reads, once, as the kernels name them.
                    List<(string Local, string Source)> buffers = Targets
                        .Where(target => runs.Any(run => run.Group == group.Index && run.Decay == target))
                        .SelectMany(target => method.BuffersFor(method.KernelFor(target)))
                        .Distinct()
                        .ToList();
                    if (buffers.Count > 0) // none when every tensor is frozen
                    {
                        writer.Wrapped("float[] ", buffers.Select(buffer => $"{buffer.Local} = {buffer.Source}"), ";");
                    }
                }

                if (profile.HasSpan)
                {
                    WriteKernelCalls(writer, layout, profile, method, paths, scalar, group, runs, vectorKernels, scalarKernels);
                }

                foreach (Run run in runs.Where(run => run.Group == group.Index && !profile.HasSpan))
                {
                    writer.Line($"// {run.Description}, {Describe(run.Decay)}");
                    WriteScalarCall(writer, method, run, run.Start, shifted, run.Decay);
                }
            }
        }

        bool wide = HasWideTables(layout);
        if (!profile.HasSpan)
        {
            WriteScalarKernels(writer, method, runs, scalar);
        }

        // Each kernel once per layout (several groups call the same ones), written apart at its class's indent.
        void Share(DecayTarget decay, VectorPath? path, string[] parameters, System.Action<CodeWriter, string> write)
        {
            string name = KernelName(method, decay, path, wide);
            if (!writer.Kernels.Any(kernel => kernel.Class == method.KernelClass && kernel.Name == name))
            {
                var text = new CodeWriter(indent: 2);
                write(text, name);
                string arguments = string.Join(", ", KernelLead(path is not null).Concat(method.BuffersFor(decay).Select(buffer => buffer.Local)).Concat(parameters));
                writer.Kernels.Add(new SharedKernel(
                    method.KernelClass, name, text.ToString(), Family(method, decay, wide), path?.Suffix ?? SharedKernel.ScalarPath, arguments, string.Empty));
            }
        }

        foreach ((DecayTarget decay, string[] parameters) in scalarKernels)
        {
            Share(decay, null, parameters, (text, name) => WriteSharedScalarKernel(text, method, scalar, decay, parameters, wide, name));
        }

        for (int k = 0; k < paths.Count; k++)
        {
            KernelDialect.VectorDialect path = paths[k];
            foreach ((DecayTarget decay, string[] parameters) in vectorKernels[k])
            {
                Share(decay, path.Path, parameters, (text, name) => WriteVectorKernel(text, method, path, scalar, decay, parameters, wide, name));
            }
        }
    }

    // The per-step scalars a family's dispatcher takes: those any of its kernels reads (every width of the profile and the
    // scalar loop), in the method's order, so that the dispatcher's signature depends on the family and the profile only.
    private static string[] DispatchParameters(UpdateMethod method, TargetProfile profile, KernelDialect.ScalarDialect scalar, DecayTarget decay)
    {
        var dialects = new List<KernelDialect> { scalar };
        dialects.AddRange(VectorPath.For(profile).Select(path => new KernelDialect.VectorDialect(path)));
        var used = new HashSet<string>(dialects.SelectMany(dialect => UsedParameters(method, dialect, decay)));
        return method.Parameters.Where(used.Contains).ToArray();
    }

    // The parameters before a kernel's buffers: its table, and the trainable count the vector kernels' windows need.
    private static string[] KernelLead(bool vector) => vector ? new[] { "runs", "trainableCount" } : new[] { "runs" };

    // A kernel's (or, vector, a dispatcher's) parameter list: the lead, the buffers, the per-step scalars.
    private static IEnumerable<string> KernelSignature(UpdateMethod method, DecayTarget decay, bool vector, IEnumerable<string> parameters) =>
        KernelLead(vector).Select(argument => (argument == "runs" ? "int[] " : "int ") + argument)
            .Concat(method.BuffersFor(decay).Select(buffer => "float[] " + buffer.Local))
            .Concat(parameters.Select(parameter => "float " + parameter));

    // The dense passes' dispatch (the update methods call their family's dispatcher instead, see SharedKernel):
    // if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) { DenseForwardKernelVector512(args); }
    // else if (Vector256.IsHardwareAccelerated && Fma.IsSupported) { DenseForwardKernelVector256(args); } ...
    public static void WriteDispatch(CodeWriter writer, TargetProfile profile, string name, string arguments) =>
        WriteDispatch(writer, VectorPath.For(profile), name, arguments);

    /// <summary>The dispatch over <paramref name="paths"/> (widest first), then the scalar method.</summary>
    public static void WriteDispatch(CodeWriter writer, IReadOnlyList<VectorPath> paths, string name, string arguments)
    {
        string keyword = "if";
        foreach (VectorPath path in paths)
        {
            using (writer.OpenBlock($"{keyword} ({path.Condition})"))
            {
                writer.Call(name + path.Suffix, arguments);
            }

            keyword = "else if";
        }

        if (keyword == "if")
        {
            writer.Call(name, arguments);
            return;
        }

        using (writer.OpenBlock("else"))
        {
            writer.Call(name, arguments);
        }
    }

    // The device profile (nanoFramework): flash is the scarce resource (one .pe holds at most 64 KiB of
    // bytecode, shared with the user's firmware), so the update is one plain loop per decay target, called
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
    // loop carries a second index: for (int i = from, j = stateFrom; i < to; i++, j++); the anchored loop
    // carries the anchor's index k too. Unrolling would save the interpreter about three IL instructions per
    // element (of 25-75), at four to five times the flash per loop, and per run.
    private static void WriteScalarKernels(CodeWriter writer, UpdateMethod method, IReadOnlyList<Run> runs, KernelDialect.ScalarDialect scalar)
    {
        bool shifted = runs.Any(run => run.StateShift != 0);
        foreach (DecayTarget decay in KernelTargets(method, runs))
        {
            writer.Line();
            var signature = new List<string> { "int from", "int to" };
            if (shifted)
            {
                signature.Add("int stateFrom");
            }

            if (decay == DecayTarget.Anchor)
            {
                signature.Add("int anchorFrom");
            }

            writer.Wrapped($"private void {DeviceKernel(method, decay)}(", signature.Concat(method.Parameters.Select(name => "float " + name)), ")");
            using (writer.OpenBlock())
            {
                if (method.SkipsDecay(runs) && decay != method.KernelFor(DecayTarget.None))
                {
                    // One test per call rather than a second list of calls in the update method: device flash.
                    using (writer.OpenBlock($"if ({method.SkipDecayWhen})"))
                    {
                        writer.Line("// No decay term, as torch when weight_decay is 0.");
                        IEnumerable<string> bounds = shifted ? new[] { "from", "to", "stateFrom" } : new[] { "from", "to" };
                        writer.Call(DeviceKernel(method, method.KernelFor(DecayTarget.None)), string.Join(", ", bounds.Concat(method.ArgumentsFor(DecayTarget.None, method.Parameters))));
                        writer.Line("return;");
                    }

                    writer.Line();
                }

                foreach ((string local, string source) in method.BuffersFor(decay))
                {
                    writer.Line($"float[] {local} = {source};");
                }

                var indices = new List<(string Name, string From)> { ("i", "from") };
                if (shifted)
                {
                    indices.Add(("j", "stateFrom"));
                }

                if (decay == DecayTarget.Anchor)
                {
                    indices.Add(("k", "anchorFrom"));
                }

                string loop = $"for (int {string.Join(", ", indices.Select(x => $"{x.Name} = {x.From}"))}; i < to; {string.Join(", ", indices.Select(x => x.Name + "++"))})";
                using (writer.OpenBlock(loop))
                {
                    method.Element(writer, new Element(scalar, "i", shifted ? "j" : "i", "k", "0", decay));
                }
            }
        }
    }

    // UpdateDecayed(0, 128, decayFactor, ...): the scalar kernel's call for run's elements from `from` to its end, as a
    // run decayed toward `decay` (the run's own target, or None while the method skips decay).
    private static void WriteScalarCall(CodeWriter writer, UpdateMethod method, Run run, int from, bool shifted, DecayTarget decay)
    {
        var arguments = new List<string> { Literals.Int(from), Literals.Int(run.End) };
        if (shifted)
        {
            arguments.Add(Literals.Int(from - run.StateShift));
        }

        if (decay == DecayTarget.Anchor)
        {
            arguments.Add(Literals.Int(from - run.AnchorShift));
        }

        writer.Call(DeviceKernel(method, method.KernelFor(decay)), string.Join(", ", arguments.Concat(method.ArgumentsFor(decay, method.Parameters))));
    }

    // The kernels a layout's runs need, in a fixed order: decayed toward zero, undecayed, anchored.
    private static IEnumerable<DecayTarget> KernelTargets(UpdateMethod method, IReadOnlyList<Run> runs) =>
        new[] { DecayTarget.Zero, DecayTarget.None, DecayTarget.Anchor }.Where(target =>
            runs.Any(run => method.KernelFor(run.Decay) == target) || (target == method.KernelFor(DecayTarget.None) && method.SkipsDecay(runs)));

    private static string Describe(DecayTarget decay) => decay switch
    {
        DecayTarget.Zero => "decayed",
        DecayTarget.Anchor => "decayed toward the anchor",
        _ => "not decayed",
    };

    /// <summary>
    /// The loop of <paramref name="method"/> for runs decayed toward <paramref name="decay"/>: <c>UpdateDecayed</c>,
    /// <c>UpdateUndecayed</c>, <c>UpdateAnchored</c>.
    /// </summary>
    public static string DeviceKernel(UpdateMethod method, DecayTarget decay) => method.Name + decay switch
    {
        DecayTarget.Zero => "Decayed",
        DecayTarget.Anchor => "Anchored",
        _ => "Undecayed",
    };

    // internal static void UpdateDecayedVector256(int[] runs, int trainableCount, float[] p, ..., float weightDecay, ...)
    // {
    //     if (weightDecay == 0f) { UpdateUndecayedVector256(runs, trainableCount, p, ...); return; }   (see SkipsInKernel)
    // ...: a shared kernel's signature (the scalar one has no trainableCount) and, where the method skips decay, its hand-off
    // to the undecayed kernel of the same path; one test per call, as the device's loops do, so the layout's update method
    // stays one list of calls. Returns the open body.
    private static CodeWriter.Block OpenKernel(
        CodeWriter writer, UpdateMethod method, KernelDialect dialect, VectorPath? path, DecayTarget decay, string[] parameters, bool wide, string name)
    {
        string[] lead = KernelLead(path is not null);
        writer.Wrapped($"internal static void {name}(", KernelSignature(method, decay, path is not null, parameters), ")");
        CodeWriter.Block body = writer.OpenBlock();
        if (SkipsInKernel(method, decay))
        {
            DecayTarget undecayed = method.KernelFor(DecayTarget.None);
            using (writer.OpenBlock($"if ({method.SkipDecayWhen})"))
            {
                writer.Line("// No decay term, as torch when weight_decay is 0: the runs as undecayed ones.");
                IEnumerable<string> arguments = lead
                    .Concat(method.BuffersFor(undecayed).Select(buffer => buffer.Local))
                    .Concat(method.ArgumentsFor(DecayTarget.None, UsedParameters(method, dialect, undecayed)));
                writer.Call(KernelName(method, undecayed, path, wide), string.Join(", ", arguments));
                writer.Line("return;");
            }

            writer.Line();
        }

        return body;
    }

    // The desktop's scalar kernel (machines without SIMD, and .NET 8 where no run fills a 256-bit vector), shared like the
    // SIMD ones: the same element rule, one float at a time, over the same table of runs.
    //
    // internal static void UpdateDecayed(int[] runs, float[] p, float[] g, float[] m, float[] v, float decayFactor, ...)
    // {
    //     for (int r = 0; r < runs.Length; r += 2)
    //     {
    //         int end = runs[r + 1];
    //         for (int i = runs[r]; i < end; i++) { <element i> }
    //     }
    // }
    private static void WriteSharedScalarKernel(
        CodeWriter writer, UpdateMethod method, KernelDialect.ScalarDialect scalar, DecayTarget decay, string[] parameters, bool wide, string name)
    {
        using (OpenKernel(writer, method, scalar, null, decay, parameters, wide, name))
        {
            using (writer.OpenBlock($"for (int r = 0; r < runs.Length; r += {(wide ? "4" : "2")})"))
            {
                writer.Line("int end = runs[r + 1];");
                if (wide)
                {
                    writer.Line("int frozenBefore = runs[r + 2];");
                }

                if (decay == DecayTarget.Anchor)
                {
                    writer.Line("int anchorShift = runs[r + 3];");
                }

                using (writer.OpenBlock("for (int i = runs[r]; i < end; i++)"))
                {
                    method.Element(writer, new Element(scalar, "i", wide ? "i - frozenBefore" : "i", "i - anchorShift", "0", decay));
                }
            }
        }
    }

    // The kernels of one SIMD width: one per decay target the layout's runs use (undecayed runs share the decayed
    // one when the method has a neutral decay value, as AdamW's decayFactor = 1), each a loop over a table of runs
    // (see WriteRunTables) that updates each run's whole vectors and its tail window. The update method calls the
    // family's dispatcher once per table, which calls the width's kernel:
    //
    //     AdamWKernels.UpdateDecayed(DecayedRuns, TrainableParameterCount, p, g, m, v, ..., decayFactor, ...);
    //     AdamWKernels.UpdateDecayed(UndecayedRuns, TrainableParameterCount, p, g, m, v, ..., 1f, ...);
    //
    // One straight-line method with a loop per run kept every broadcast scalar live across all the runs; with many
    // runs on AVX2 (16 vector registers) that spilled badly (the 20x50 benchmark layout: a 4.5 KB frame), and a
    // kernel call per run paid its broadcasts and call per run. Elements are independent, so the order in which
    // runs are updated does not change a bit.
    // Whether the layout's run tables have four columns (start, end, frozenBefore, anchorShift) instead of two: when
    // frozen tensors shift the state of some run, or the layout has an anchor. Its kernels are the Shifted ones.
    private static bool HasWideTables(LayoutSpec layout) =>
        layout.AnchoredParameterCount > 0 || TrainableRuns(layout).Any(run => run.StateShift != 0);

    // UpdateAmsgradDecayedVector256, UpdateDecayedShiftedScalar, ...: everything the kernel's text depends on.
    private static string KernelName(UpdateMethod method, DecayTarget decay, VectorPath? path, bool wide) =>
        Family(method, decay, wide) + (path?.Suffix ?? SharedKernel.ScalarPath);

    // UpdateAmsgradDecayed, UpdateDecayedShifted: the element rule and table form, the name of the family's dispatcher.
    private static string Family(UpdateMethod method, DecayTarget decay, bool wide) => DeviceKernel(method, decay) + (wide ? "Shifted" : string.Empty);

    // The arguments before a kernel's per-step scalars: the run table, the trainable count (SIMD kernels) and the
    // buffers, through the locals the update method declares for them.
    private static IEnumerable<string> KernelBufferArguments(UpdateMethod method, DecayTarget decay, bool vector) =>
        (vector ? new[] { "TrainableParameterCount" } : new string[0]).Concat(method.BuffersFor(decay).Select(buffer => buffer.Local));

    // A parameter group's update method on desktop: one call per table of the group's runs, to the family's dispatcher
    // (see SharedKernel) when some run fills a vector, else to the scalar kernel; each call adds the kernels it reaches to
    // `vectorKernels` (per path) and `scalarKernels`, with the undecayed kernel a decayed one hands its runs to while the
    // step has no decay term (see OpenKernel).
    private static void WriteKernelCalls(
        CodeWriter writer,
        LayoutSpec layout,
        TargetProfile profile,
        UpdateMethod method,
        IReadOnlyList<KernelDialect.VectorDialect> paths,
        KernelDialect.ScalarDialect scalar,
        Group group,
        IReadOnlyList<Run> layoutRuns,
        IReadOnlyList<List<(DecayTarget Decay, string[] Parameters)>> vectorKernels,
        List<(DecayTarget Decay, string[] Parameters)> scalarKernels)
    {
        List<Run> runs = layoutRuns.Where(run => run.Group == group.Index).ToList();
        bool wide = HasWideTables(layout);
        void Need(KernelDialect kernel, List<(DecayTarget Decay, string[] Parameters)> kernels, DecayTarget kernelDecay)
        {
            if (!kernels.Any(k => k.Decay == kernelDecay))
            {
                kernels.Add((kernelDecay, UsedParameters(method, kernel, kernelDecay)));
            }
        }

        foreach (DecayTarget decay in Targets.Where(target => runs.Any(run => run.Decay == target)))
        {
            DecayTarget kernelDecay = method.KernelFor(decay);
            var needed = new List<DecayTarget> { kernelDecay };
            if (SkipsInKernel(method, kernelDecay))
            {
                needed.Add(method.KernelFor(DecayTarget.None));
            }

            foreach (DecayTarget target in needed)
            {
                Need(scalar, scalarKernels, target);
                for (int k = 0; k < paths.Count; k++)
                {
                    Need(paths[k], vectorKernels[k], target);
                }
            }

            bool dispatch = paths.Count > 0;
            string[] parameters = dispatch ? DispatchParameters(method, profile, scalar, kernelDecay) : UsedParameters(method, scalar, kernelDecay);
            IEnumerable<string> arguments = new[] { TableName(decay) + group.MethodSuffix }
                .Concat(KernelBufferArguments(method, kernelDecay, dispatch))
                .Concat(method.ArgumentsFor(decay, parameters));
            string callee = dispatch ? Family(method, kernelDecay, wide) : KernelName(method, kernelDecay, null, wide);
            writer.Call($"{method.KernelClass}.{callee}", string.Join(", ", arguments));
            if (dispatch && !writer.Kernels.Any(kernel => kernel.Class == method.KernelClass && kernel.Name == callee))
            {
                writer.Kernels.Add(SharedKernel.Dispatcher(method.KernelClass, callee, string.Join(", ", KernelSignature(method, kernelDecay, true, parameters))));
            }
        }
    }

    // Whether the kernel for `kernelDecay` starts by handing its runs to the undecayed kernel when the step has no decay term.
    private static bool SkipsInKernel(UpdateMethod method, DecayTarget kernelDecay) =>
        method.SkipDecayWhen is not null && kernelDecay != method.KernelFor(DecayTarget.None);

    // The decay targets in the order their kernels and tables are written.
    private static readonly DecayTarget[] Targets = { DecayTarget.Zero, DecayTarget.None, DecayTarget.Anchor };

    private static string TableName(DecayTarget decay) => decay switch
    {
        DecayTarget.Zero => "DecayedRuns",
        DecayTarget.Anchor => "AnchoredRuns",
        _ => "UndecayedRuns",
    };

    // private protected static readonly int[] DecayedRuns = { 0, 2048, 2080, 2400 }; // W1 (64x32); W2 (32x10)
    /// <summary>
    /// Writes the tables the vector kernels loop over, once per layout in its optimizers' base class on desktop: the trainable runs of each
    /// decay target, as <c>start, end</c> pairs, with <c>frozenBefore</c> when frozen tensors shift the state of some
    /// run, and (anchored runs) <c>anchorShift</c>, the parameter index minus the anchor index.
    /// </summary>
    public static void WriteRunTables(CodeWriter writer, LayoutSpec layout, TargetProfile profile)
    {
        if (!profile.HasSpan)
        {
            return;
        }

        IReadOnlyList<Run> runs = TrainableRuns(layout).ToList();
        bool wide = HasWideTables(layout);
        foreach (Group group in Groups(layout))
        {
            List<Run> groupRuns = runs.Where(run => run.Group == group.Index).ToList();
            foreach (DecayTarget decay in Targets)
            {
                List<Run> table = groupRuns.Where(run => run.Decay == decay).ToList();
                if (table.Count == 0)
                {
                    continue;
                }

                writer.Line($"// {char.ToUpperInvariant(Describe(decay)[0])}{Describe(decay).Substring(1)}: {string.Join("; ", table.Select(run => run.Description))}.");
                IEnumerable<string> entries = table.SelectMany(run => Columns(run, wide)).Select(Literals.Int);
                writer.Wrapped($"private protected static readonly int[] {TableName(decay)}{group.MethodSuffix} = {{ ", entries, " };");
            }
        }
    }

    // One run's entries in its table: start and end, then, in a wide table (see HasWideTables), frozenBefore and
    // anchorShift (0 for the runs that are not anchored). Every table of a layout has the same stride, so that any kernel
    // can loop over any table (while decay is skipped, the undecayed kernel runs over all of them).
    private static IEnumerable<int> Columns(Run run, bool wide)
    {
        yield return run.Start;
        yield return run.End;
        if (wide)
        {
            yield return run.StateShift;
            yield return run.AnchorShift;
        }
    }

    // The per-step scalars an element of this kernel reads (the undecayed SGD kernel, say, needs no weightDecay).
    private static string[] UsedParameters(UpdateMethod method, KernelDialect kernel, DecayTarget decay)
    {
        var probe = new CodeWriter();
        method.Element(probe, new Element(kernel, "i", "i", "i", "0", decay));
        string text = probe.ToString();
        return method.Parameters
            .Where(name => System.Text.RegularExpressions.Regex.IsMatch(text, $@"\b{kernel.Scalar(name)}\b"))
            .ToArray();
    }

    // private void UpdateDecayedVector256(int[] runs, float gradientSign, ...)
    // {
    //     ref float pRef = ref MemoryMarshal.GetArrayDataReference(_model.Parameters); ...
    //     Floats256 gradientSignLanes = Simd256.Create(gradientSign); ...
    //     for (int r = 0; r < runs.Length; r += 2)
    //     {
    //         nuint start = (nuint)runs[r]; nuint end = (nuint)runs[r + 1];
    //         nuint vectorsEnd = end - ((end - start) % 8);
    //         if (vectorsEnd != end) { <one window of 4 or 8 floats over the remainder, stored where "tail" is set> }
    //         for (nuint i = start; i < vectorsEnd; i += 8) { <vector element i> }
    //     }
    // }
    //
    // The remainder (fewer than one vector) is one more vector of the narrowest width that holds it (see
    // WriteTailWindow), whose stores blend in only the remainder's lanes: the other lanes are written back as
    // they are, because an in-place update cannot simply run twice on an overlap (Adam's moments would advance
    // twice). The window always fits: only a layout with a run that fills the narrowest vector calls a dispatcher
    // (see PathsFor), so the buffers of every layout that reaches a vector kernel hold at least one window of 4 floats,
    // whatever the kernel's width. No element is updated twice; the remainders of anchored runs take a scalar loop.
    private static void WriteVectorKernel(
        CodeWriter writer,
        UpdateMethod method,
        KernelDialect.VectorDialect kernel,
        KernelDialect.ScalarDialect scalar,
        DecayTarget decay,
        string[] parameters,
        bool wide,
        string name)
    {
        VectorPath path = kernel.Path;
        bool anchored = decay == DecayTarget.Anchor;
        string w = Literals.Int(path.Width);
        using (OpenKernel(writer, method, kernel, path, decay, parameters, wide, name))
        {
            foreach ((string local, string _) in method.BuffersFor(decay))
            {
                writer.Line($"ref float {local}Ref = ref {VectorPath.MemoryMarshal}.GetArrayDataReference({local});");
            }

            foreach (string parameter in parameters)
            {
                writer.Line(kernel.Broadcast(parameter));
            }

            using (writer.OpenBlock($"for (int r = 0; r < runs.Length; r += {(wide ? "4" : "2")})"))
            {
                writer.Line("nuint start = (nuint)runs[r];");
                writer.Line("nuint end = (nuint)runs[r + 1];");
                if (wide)
                {
                    writer.Line("nuint frozenBefore = (nuint)runs[r + 2];");
                }

                if (anchored)
                {
                    writer.Line("nuint anchorShift = (nuint)runs[r + 3];");
                }

                writer.Line($"nuint vectorsEnd = end - ((end - start) % {w});");
                if (!anchored)
                {
                    VectorPath window = WindowPaths(path)[0];
                    using (writer.OpenBlock($"for (nuint windowStart = vectorsEnd; windowStart < end; windowStart += {Literals.Int(window.Width)})"))
                    {
                        WriteTailWindow(writer, method, kernel, window, decay, parameters, wide);
                    }

                    writer.Line();
                }

                using (writer.OpenBlock($"for (nuint i = start; i < vectorsEnd; i += {w})"))
                {
                    method.Element(writer, new Element(kernel, "i", wide ? "i - frozenBefore" : "i", "i - anchorShift", "0", decay));
                }

                if (anchored)
                {
                    // The anchor buffer may be shorter than one vector, so no window reaches over a run's end: the last
                    // elements take the same fused operations one at a time.
                    writer.Line();
                    using (writer.OpenBlock("for (nuint i = vectorsEnd; i < end; i++)"))
                    {
                        method.Element(writer, new Element(scalar, "i", "i - frozenBefore", "i - anchorShift", "0", decay));
                    }
                }
            }
        }
    }

    // Four elements of the remainder [vectorsEnd, end) from windowStart, as one vector of the narrowest width, computed
    // and stored with a blend before the loop. The window starts at windowStart where the state buffer holds it
    // (reaching over the start of the runs after it, which are updated later), so that it overlaps none of the loop's
    // vectors: a load that partly overlaps a store still in flight waits for it, and the window's stores wait for its
    // whole computation. At the end of the buffers it ends at end instead (or starts at the run's first state element,
    // when that is closer). One window, in a loop, rather than one of each width: a kernel is shared by every layout,
    // so it must serve every remainder, and each further window block in the kernel is more vectors live across its
    // loop (a window of 4 and one of 8 in the AVX2 kernel made the 20x50 benchmark layout 1.8x slower).
    private static void WriteTailWindow(
        CodeWriter writer, UpdateMethod method, KernelDialect.VectorDialect kernel, VectorPath window, DecayTarget decay, string[] parameters, bool shifted)
    {
        KernelDialect.VectorDialect dialect = window.Width == kernel.Width ? kernel : new KernelDialect.VectorDialect(window, "Lanes" + Literals.Int(window.Width * 32));
        string w = Literals.Int(window.Width);
        string s = window.StaticClass;
        writer.Line(shifted
            ? $"nuint at = windowStart + {w} <= (nuint)trainableCount + frozenBefore ? windowStart : end - frozenBefore < {w} ? frozenBefore : end - {w};"
            : $"nuint at = windowStart + {w} <= (nuint)trainableCount ? windowStart : end < {w} ? 0 : end - {w};");
        string lanes = string.Join(", ", Enumerable.Range(0, window.Width).Select(Literals.Int));
        writer.Line($"{window.IntVectorType} lane = {s}.Create({lanes});");
        writer.Line($"{window.IntVectorType} first = {s}.Create((int)(windowStart - at));");
        writer.Line($"{window.IntVectorType} last = {s}.Create((int)(end - at));");
        writer.Line($"{dialect.Type} tail = {s}.AsSingle({s}.GreaterThanOrEqual(lane, first) & {s}.LessThan(lane, last));");
        if (dialect != kernel)
        {
            // The window's lanes are the low lanes of the kernel's own broadcasts (no new broadcast keeps a scalar live).
            foreach (string name in parameters)
            {
                string low = kernel.Scalar(name);
                for (int width = kernel.Width; width > window.Width; width /= 2)
                {
                    low = $"Simd{Literals.Int(width * 32)}.GetLower({low})";
                }

                writer.Line($"{dialect.Type} {dialect.Scalar(name)} = {low};");
            }
        }

        var stores = new List<(string Array, string Index)>();
        method.Element(writer, new Element(dialect.Deferred(stores), "at", shifted ? "at - frozenBefore" : "at", "at", "Tail", decay));
        foreach ((string array, string index) in stores)
        {
            writer.Line(dialect.BlendedStore(array, index, "tail"));
        }
    }

    // The widths a tail window may take in a method of this path, narrowest first: the narrower x86 vectors, whose
    // fused multiply-add the AVX-512 and AVX2+FMA conditions guarantee (Fma.MultiplyAdd has 128- and 256-bit forms),
    // then the path itself. A narrower window does the same per-lane arithmetic in fewer lanes, and square root and
    // division cost about lanes/4 cycles each.
    private static List<VectorPath> WindowPaths(VectorPath path)
    {
        var paths = new List<VectorPath>();
        const string Fma = "X86Fma.MultiplyAdd({0}, {1}, {2})";
        if (path.Width >= 8)
        {
            paths.Add(new VectorPath("Vector128", 4, path.Condition, Fma));
        }

        if (path.Width >= 16)
        {
            paths.Add(new VectorPath("Vector256", 8, path.Condition, Fma));
        }

        paths.Add(path);
        return paths;
    }
}
