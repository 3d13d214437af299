using System.Linq;
using WeightDecay.Edge.Generators.Model;
using WeightDecay.Edge.Generators.Shared;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Emits the source file for one layout: the buffers and constants on the user's partial class
/// and the optimizers it opted into, nested inside it.
/// </summary>
internal static class LayoutEmitter
{
    /// <summary>The hint names of the shared sources, which a layout's file must not take either.</summary>
    private static readonly string[] s_fixedHintNames =
        SharedSources.Attributes.Concat(SharedSources.Types).Select(source => source.HintName).ToArray();

    /// <summary>
    /// The layout's file name, unique among <paramref name="allMetadataNames"/> (every layout of the
    /// compilation) and the fixed sources. Roslyn compares hint names ignoring case and throws on a
    /// repeat (CS8785), so <c>Demo.Head</c> and <c>Demo.head</c>, or a layout named
    /// <c>WeightDecay.Edge.Attributes</c>, would otherwise take the whole generator down. Names are
    /// built from the CLR name (nesting as <c>+</c>, so namespace <c>A.B</c> and class <c>A.B</c> differ);
    /// when names still clash ignoring case, all but the ordinally first get <c>.2</c>, <c>.3</c>, ...
    /// (no identifier starts with a digit, so a suffix cannot clash in turn).
    /// </summary>
    public static string HintName(LayoutSpec layout, EquatableArray<string> allMetadataNames)
    {
        string name = BaseHintName(layout.MetadataName);
        bool fixedClash = System.Array.Exists(s_fixedHintNames, hint => string.Equals(hint, name + ".g.cs", System.StringComparison.OrdinalIgnoreCase));
        var clashing = new System.Collections.Generic.SortedSet<string>(System.StringComparer.Ordinal);
        foreach (string other in allMetadataNames)
        {
            if (string.Equals(BaseHintName(other), name, System.StringComparison.OrdinalIgnoreCase))
            {
                clashing.Add(BaseHintName(other));
            }
        }

        int rank = (fixedClash ? 1 : 0) + clashing.Count(other => string.CompareOrdinal(other, name) < 0);
        return rank == 0 ? name + ".g.cs" : name + "." + Literals.Int(rank + 1) + ".g.cs";
    }

    /// <summary>
    /// The CLR name with every character a file name may not hold (<c>&lt;</c> and <c>&gt;</c> of a
    /// file-local type's mangled name, for one) written as <c>-XXXX</c> (Roslyn allows <c>-</c> in a hint name, and no identifier holds it), its UTF-16 code in hex.
    /// </summary>
    private static string BaseHintName(string metadataName)
    {
        var name = new System.Text.StringBuilder(metadataName.Length);
        foreach (char c in metadataName)
        {
            if (char.IsLetterOrDigit(c) || c is '_' or '.' or '+')
            {
                name.Append(c);
            }
            else
            {
                name.Append('-').Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return name.ToString();
    }

    // namespace Ns
    // {
    //     partial class Outer
    //     {
    //         partial class DigitsHead : global::WeightDecay.Edge.IModelLayout
    //         {
    //             <constants, buffers, views>  <dense passes, if any [Dense]>  <Optimizer>  <SgdOptimizer>  <AdamOptimizer>  <AdamWOptimizer>
    //         }
    //     }
    // }
    public static EmittedLayout Emit(LayoutSpec layout, TargetProfile profile)
    {
        var aliases = SharedTypeAliases.FreeAt(layout).ToList();
        var writer = new CodeWriter().Abbreviating(aliases);
        CodeWriter.Block? namespaceBlock = layout.Namespace is null ? null : writer.OpenBlock("namespace " + layout.Namespace);
        var containing = layout.ContainingTypes.Select(type => writer.OpenBlock($"partial {type.Keyword} {type.Name}")).ToList();

        string baseList = profile.HasRuntimeLibrary ? " : global::WeightDecay.Edge.IModelLayout" : string.Empty;
        using (writer.OpenBlock($"partial class {layout.ClassName}{baseList}"))
        {
            var math = new ScalarMath(profile);
            WriteLayoutMembers(writer, layout, profile);
            if (layout.DenseLayers.Count > 0)
            {
                DenseLayerEmitter.Emit(writer, layout, profile);
            }

            if (layout.Optimizers != 0)
            {
                OptimizerEmitter.EmitBase(writer, layout, profile, math);
            }

            if ((layout.Optimizers & OptimizerKinds.Sgd) != 0)
            {
                SgdEmitter.Emit(writer, layout, profile, math);
            }

            if ((layout.Optimizers & OptimizerKinds.Adam) != 0)
            {
                AdamEmitter.Emit(writer, layout, profile, math, decoupled: false);
            }

            if ((layout.Optimizers & OptimizerKinds.AdamW) != 0)
            {
                AdamEmitter.Emit(writer, layout, profile, math, decoupled: true);
            }
        }

        for (int i = containing.Count - 1; i >= 0; i--)
        {
            containing[i].Dispose();
        }

        namespaceBlock?.Dispose();

        // The explicit checkpoint codec members are written through this alias, not "global::...":
        // the compiler names an explicit implementation after the interface as written, so
        // "global::" would end up in the method's metadata name, where nanoCLR (which finds
        // interface implementations by name, not through the MethodImpl table) never finds it.
        string codec = $"using {CheckpointEmitter.CodecAlias} = global::WeightDecay.Edge.Generated.ICheckpointCodec;\n";
        return new EmittedLayout(
            WithHeader(writer.ToString(), profile, codec, sharedAliases: aliases), SharedKernel.Merge(new[] { writer.Kernels.ToEquatableArray() }));
    }

    /// <summary>
    /// A generated file: the auto-generated header, <paramref name="usings"/>, the aliases <paramref name="body"/> uses
    /// (see <see cref="Aliases"/>), then the body.
    /// </summary>
    public static string WithHeader(
        string body, TargetProfile profile, string usings = "", bool kernelAliases = true, System.Collections.Generic.IEnumerable<(string Alias, string Type)>? sharedAliases = null)
    {
        var header = new CodeWriter();
        header.Line("// <auto-generated/>");
        header.Line("// Emitted by the WeightDecay.Edge source generator. Do not edit: changes are lost on the next build.");
        if (profile.SupportsNullable)
        {
            header.Line("#nullable enable");
        }

        header.Raw(usings);
        foreach ((string alias, string target) in Aliases(profile))
        {
            if ((kernelAliases || !SharedKernel.Classes.Any(entry => entry.Class == alias))
                && System.Text.RegularExpressions.Regex.IsMatch(body, $@"(?<![\w.]){alias}\b"))
            {
                header.Line($"using {alias} = {target};");
            }
        }

        foreach ((string alias, string type) in sharedAliases ?? Enumerable.Empty<(string, string)>())
        {
            if (System.Text.RegularExpressions.Regex.IsMatch(body, $@"(?<![\w.]){alias}\b"))
            {
                header.Line($"using {alias} = global::{type};");
            }
        }

        return header + "\n" + body;
    }

    // The aliases the body may use (see VectorPath.Aliases), each only where its type exists: an alias of a
    // missing type does not compile even unused.
    private static System.Collections.Generic.IEnumerable<(string Alias, string Target)> Aliases(TargetProfile profile)
    {
        if (profile.HasMathF)
        {
            yield return ("MathF", "global::System.MathF");
        }

        foreach ((string kernelClass, string _) in SharedKernel.Classes)
        {
            yield return SharedKernel.AliasOf(kernelClass);
        }

        if (VectorPath.For(profile).Count == 0)
        {
            yield break;
        }

        foreach ((string alias, string target) in VectorPath.Aliases())
        {
            if (profile.HasVector512Fma || !alias.Contains("512"))
            {
                yield return (alias, target);
            }
        }
    }

    /// <summary>
    /// The attribute on each type the generator writes whole (the optimizers), where the compilation has
    /// <c>System.CodeDom.Compiler.GeneratedCodeAttribute</c> (nanoFramework's mscorlib does not), or null.
    /// </summary>
    public static string? GeneratedCodeAttribute(TargetProfile profile) => profile.HasGeneratedCodeAttribute
        ? $"[global::System.CodeDom.Compiler.GeneratedCode(\"WeightDecay.Edge.Generators\", \"{GeneratorVersion}\")]"
        : null;

    private static readonly string GeneratorVersion =
        typeof(LayoutEmitter).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

    // /// <summary>...</summary>
    // public const int ParameterBytes = 9640;   ...GradientBytes, OptimizerStateBytes, ActivationBytes, RamBytes
    private static void WriteMemoryConstants(CodeWriter writer, LayoutSpec layout)
    {
        var footprint = new MemoryFootprint(layout);
        var constants = new System.Collections.Generic.List<(string Name, long Bytes, string Summary)>
        {
            ("ParameterBytes", footprint.ParameterBytes, "Bytes of <see cref=\"Parameters\"/>."),
            ("GradientBytes", footprint.GradientBytes, "Bytes of <see cref=\"Gradients\"/>."),
            ("OptimizerStateBytes", footprint.OptimizerStateBytes, "Bytes of optimizer state at most: the largest of the opted-in optimizers, with AMSGrad or momentum on (frozen tensors have none)."),
            ("ActivationBytes", footprint.ActivationBytes, "Bytes of dense-layer activation and delta buffers."),
            ("RamBytes", footprint.TotalBytes, "Bytes the layout and one optimizer allocate at most: the sum of the four parts above, what <c>RamBudgetBytes</c> is checked against."),
            ("DeviceIlBytes", new FlashEstimate(layout).TotalBytes, "Estimated bytes of IL this layout's generated code takes on nanoFramework (the types shared by all layouts come once per assembly, on top), what <c>FlashBudgetBytes</c> is checked against. One nanoFramework .pe holds at most 64 KiB of bytecode, about 0.84 x the IL."),
        };
        if (footprint.AnchorBytes != 0)
        {
            constants.Insert(2, ("AnchorBytes", footprint.AnchorBytes, "Bytes of <see cref=\"Anchor\"/>."));
            constants[constants.Count - 2] = ("RamBytes", footprint.TotalBytes, "Bytes the layout and one optimizer allocate at most: the sum of the five parts above, what <c>RamBudgetBytes</c> is checked against.");
        }

        foreach ((string name, long bytes, string summary) in constants)
        {
            writer.Line();
            writer.Line($"/// <summary>{summary}</summary>");
            writer.Line(bytes <= int.MaxValue
                ? $"public const int {name} = {Literals.Int(bytes)};"
                : $"public const long {name} = {Literals.Int(bytes)};");
        }
    }

    private static void WriteLayoutMembers(CodeWriter writer, LayoutSpec layout, TargetProfile profile)
    {
        writer.Line($"/// <summary>Number of scalars in all tensors together: {Literals.Int(layout.ParameterCount)}.</summary>");
        writer.Line($"public const int ParameterCount = {Literals.Int(layout.ParameterCount)};");
        WriteMemoryConstants(writer, layout);
        foreach (TensorSpec tensor in layout.Tensors)
        {
            string described = UpdateLoopEmitter.Describe(tensor);
            writer.Line();
            writer.Line($"/// <summary>Index of the first scalar of {described} in <see cref=\"Parameters\"/> and <see cref=\"Gradients\"/>.</summary>");
            writer.Line($"public const int {tensor.Name}Offset = {Literals.Int(tensor.Offset)};");
            writer.Line();
            writer.Line($"/// <summary>Number of scalars in {described}{(tensor.Decay ? string.Empty : ", which is not decayed")}.</summary>");
            writer.Line($"public const int {tensor.Name}Length = {Literals.Int(tensor.Length)};");
        }

        TrainingLoopEmitter.WriteLayoutMembers(writer, layout);
        if (layout.Optimizers != 0)
        {
            TrainingLoopEmitter.WriteLayoutHelpers(writer, layout, profile);
            StateViewEmitter.WriteLayoutHelpers(writer, layout);
        }

        ConstraintEmitter.WriteLayoutMembers(writer, layout, profile);
        AnchorEmitter.WriteLayoutMembers(writer, layout, profile);
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Every parameter of the layout, flat: tensors in declaration order, each row-major, as");
        writer.Line("/// <c>torch.cat([p.flatten() for p in params])</c>. Allocated once; optimizers update it in place.");
        writer.Line("/// Initialised by the constructor (see <see cref=\"ResetParameters(ulong)\"/>).");
        writer.Line("/// </summary>");
        writer.Line($"public readonly float[] Parameters = {InitializationEmitter.ParametersInitializer(layout)};");
        writer.Line();
        writer.Line("/// <summary>The gradient of the loss for each entry of <see cref=\"Parameters\"/>, same layout. Optimizers read it.</summary>");
        writer.Line("public readonly float[] Gradients = new float[ParameterCount];");

        if (profile.HasSpan)
        {
            foreach (TensorSpec tensor in layout.Tensors)
            {
                string described = UpdateLoopEmitter.Describe(tensor);
                writer.Line();
                writer.Line($"/// <summary>{described}, row-major: a view of its slice of <see cref=\"Parameters\"/>.</summary>");
                writer.Line($"public global::System.Span<float> {tensor.Name} => new global::System.Span<float>(Parameters, {tensor.Name}Offset, {tensor.Name}Length);");
                writer.Line();
                writer.Line($"/// <summary>The gradient of {described}: a view of its slice of <see cref=\"Gradients\"/>.</summary>");
                writer.Line($"public global::System.Span<float> {tensor.Name}Gradient => new global::System.Span<float>(Gradients, {tensor.Name}Offset, {tensor.Name}Length);");
            }
        }

        InitializationEmitter.Emit(writer, layout);
        writer.Line();
        writer.Line("/// <summary>Sets every gradient to zero (torch: <c>zero_grad(set_to_none=False)</c>).</summary>");
        writer.Arrow("public void ZeroGrad()", "global::System.Array.Clear(Gradients, 0, ParameterCount)");

        WriteCopyMethods(writer, profile);
        if (profile.HasRuntimeLibrary)
        {
            WriteRuntimeInterface(writer, layout);
        }
    }

    // public void CopyParametersFrom(float[] source)
    // {
    //     global::WeightDecay.Edge.Generated.Buffers.RequireLength(source, ParameterCount, "source");
    //     global::System.Array.Copy(source, Parameters, ParameterCount);
    // }
    // ...and CopyParametersTo, CopyGradientsFrom; with Span overloads where the target has Span<T>.
    private static void WriteCopyMethods(CodeWriter writer, TargetProfile profile)
    {
        (string Name, string Buffer, string Argument, bool Into)[] methods =
        {
            ("CopyParametersFrom", "Parameters", "source", true),
            ("CopyParametersTo", "Parameters", "destination", false),
            ("CopyGradientsFrom", "Gradients", "source", true),
        };
        foreach ((string name, string buffer, string argument, bool into) in methods)
        {
            string what = into ? $"Copies <paramref name=\"{argument}\"/> into <see cref=\"{buffer}\"/>" : $"Copies <see cref=\"{buffer}\"/> into <paramref name=\"{argument}\"/>";
            string copy = into ? $"{argument}, {buffer}" : $"{buffer}, {argument}";
            writer.Line();
            writer.Line($"/// <summary>{what}: all <see cref=\"ParameterCount\"/> values, flat.</summary>");
            writer.Line($"/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"{argument}\"/> is null.</exception>");
            writer.Line($"/// <exception cref=\"global::System.ArgumentException\">Its length is not <see cref=\"ParameterCount\"/>; nothing is copied.</exception>");
            using (writer.OpenBlock($"public void {name}(float[] {argument})"))
            {
                writer.Line($"global::WeightDecay.Edge.Generated.Buffers.RequireLength({argument}, ParameterCount, \"{argument}\");");
                writer.Line($"global::System.Array.Copy({copy}, ParameterCount);");
            }

            if (!profile.HasSpan)
            {
                continue;
            }

            string spanType = into ? "global::System.ReadOnlySpan<float>" : "global::System.Span<float>";
            writer.Line();
            writer.Line($"/// <summary>{what}: all <see cref=\"ParameterCount\"/> values, flat.</summary>");
            writer.Line($"/// <exception cref=\"global::System.ArgumentException\">Its length is not <see cref=\"ParameterCount\"/>; nothing is copied.</exception>");
            using (writer.OpenBlock($"public void {name}({spanType} {argument})"))
            {
                writer.Line($"global::WeightDecay.Edge.Generated.Buffers.RequireLength({argument}.Length, ParameterCount, \"{argument}\");");
                writer.Line(into
                    ? $"{argument}.CopyTo({buffer});"
                    : $"new global::System.ReadOnlySpan<float>({buffer}).CopyTo({argument});");
            }
        }
    }

    private static void WriteRuntimeInterface(CodeWriter writer, LayoutSpec layout)
    {
        writer.Line();
        writer.Line("private static readonly global::WeightDecay.Edge.TensorInfo[] s_tensors =");
        using (writer.OpenBlock(closing: "};"))
        {
            foreach (TensorSpec tensor in layout.Tensors)
            {
                string shape = string.Join(", ", tensor.Shape.Select(Literals.Int));
                writer.Line($"new global::WeightDecay.Edge.TensorInfo(\"{tensor.Name}\", {tensor.Name}Offset, {tensor.Name}Length, new int[] {{ {shape} }}, {(tensor.Decay ? "true" : "false")}, {(tensor.Trainable ? "true" : "false")}),");
            }
        }

        writer.Line();
        writer.Line("float[] global::WeightDecay.Edge.IModelLayout.Parameters => Parameters;");
        writer.Line();
        writer.Line("float[] global::WeightDecay.Edge.IModelLayout.Gradients => Gradients;");
        writer.Line();
        writer.Line("/// <summary>The tensors, in declaration order, with their places in the flat buffers and their decay and trainable flags.</summary>");
        writer.Line("public global::System.Collections.Generic.IReadOnlyList<global::WeightDecay.Edge.TensorInfo> Tensors => s_tensors;");
    }
}
