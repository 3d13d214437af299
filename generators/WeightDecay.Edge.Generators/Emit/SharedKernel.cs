using System;
using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// One update kernel (a SIMD width's, or the desktop's scalar one), written for a layout but independent of it: a static method of <see cref="Class"/> that loops
/// over a table of runs and touches only the buffers it is passed. Every layout of a compilation that needs the same
/// kernel calls the one copy in <c>WeightDecay.Edge.Kernels.{Class}.g.cs</c> (see <see cref="WriteFile"/>), so the
/// per-element code of an optimizer is emitted once per assembly, not once per layout. The kernel's name says everything
/// its text depends on (optimizer, variant, decay target, table form, width), so equal names have equal texts.
/// </summary>
/// <remarks>
/// The kernels of one element rule (a <see cref="Family"/>: every width and the scalar loop) are called through one
/// more method of the class, the family's dispatcher, which picks the widest path the machine runs among the widths the
/// assembly's layouts need (see <see cref="WriteDispatcher"/>). It is written from the merged kernels, so it is not one.
/// </remarks>
/// <param name="Class">The static class that holds it: <c>AdamWKernels</c>.</param>
/// <param name="Name">The method's name: <c>UpdateAmsgradDecayedVector256</c>.</param>
/// <param name="Text">The method, indented for the body of its class.</param>
/// <param name="Family">The element rule's name, which is the dispatcher's: <c>UpdateAmsgradDecayed</c>.</param>
/// <param name="Path">The width's suffix (<c>Vector256</c>), or <c>Scalar</c>: <see cref="Name"/> is the family's name and this.</param>
/// <param name="Arguments">Its parameters' names, as the dispatcher passes them on: <c>runs, trainableCount, p, g, ...</c>.</param>
/// <param name="Signature">For the dispatch entry, the dispatcher's parameters (<c>int[] runs, int trainableCount, ...</c>); empty for a kernel.</param>
internal sealed record SharedKernel(string Class, string Name, string Text, string Family, string Path, string Arguments, string Signature)
{
    /// <summary>The suffix of a family's scalar kernel (the vector ones end in their width's: <c>Vector256</c>).</summary>
    public const string ScalarPath = "Scalar";

    /// <summary>
    /// The <see cref="Path"/> of the entry a layout adds for each family it calls through the dispatcher: no method of its
    /// own (its <see cref="Text"/> is empty), it asks for the family's dispatcher, which is written only for such families (a
    /// family that a decayed kernel only hands its runs to is called by that kernel directly).
    /// </summary>
    public const string DispatchPath = "Dispatch";

    /// <summary>The entry that asks for <paramref name="family"/>'s dispatcher (see <see cref="DispatchPath"/>).</summary>
    public static SharedKernel Dispatcher(string kernelClass, string family, string signature) =>
        new(kernelClass, family, string.Empty, family, DispatchPath, string.Empty, signature);

    /// <summary>The start of every kernel file's hint name (the conflict suppressor looks for it too).</summary>
    public const string HintPrefix = "WeightDecay.Edge.Kernels.";

    /// <summary>The namespace of the kernel classes.</summary>
    public const string Namespace = "WeightDecay.Edge.Generated";

    /// <summary>The kernel classes: one per optimizer, and one for AdamW's cautious rule, which keeps AdamW's method names.</summary>
    public const string Sgd = "SgdKernels", Adam = "AdamKernels", AdamW = "AdamWKernels", CautiousAdamW = "CautiousAdamWKernels";

    /// <summary>Every kernel class and the optimizer its summary names.</summary>
    public static readonly (string Class, string Optimizer)[] Classes =
    {
        (Sgd, "torch.optim.SGD"), (Adam, "torch.optim.Adam"), (AdamW, "torch.optim.AdamW"), (CautiousAdamW, "AdamW with cautious weight decay"),
    };

    /// <summary>The alias a layout file calls <paramref name="kernelClass"/> through, and its target.</summary>
    public static (string Alias, string Target) AliasOf(string kernelClass) => (kernelClass, $"global::{Namespace}.{kernelClass}");

    /// <summary>The kernels of <paramref name="layouts"/>, each name once, grouped by class and sorted, so the output does not
    /// depend on the order in which the layouts were emitted.</summary>
    public static EquatableArray<SharedKernel> Merge(IEnumerable<EquatableArray<SharedKernel>> layouts) => layouts
        .SelectMany(kernels => kernels)
        .GroupBy(kernel => (kernel.Class, kernel.Name))
        .Select(group => group.First())
        .OrderBy(kernel => kernel.Class, StringComparer.Ordinal)
        .ThenBy(kernel => kernel.Name, StringComparer.Ordinal)
        .ToEquatableArray();

    /// <summary>The file of one kernel class: its hint name and its text.</summary>
    public static (string HintName, string Text) WriteFile(string kernelClass, IEnumerable<SharedKernel> kernels, TargetProfile profile)
    {
        var body = new CodeWriter();
        using (body.OpenBlock("namespace " + Namespace))
        {
            body.Line("/// <summary>");
            body.Line($"/// The element updates of {Classes.First(entry => entry.Class == kernelClass).Optimizer}, shared by every layout of this assembly that opts into it. Each");
            body.Line("/// loops over a layout's table of runs (start, end[, frozen before, anchor shift]): the scalar one a float at a time,");
            body.Line("/// the SIMD ones over each run's whole vectors and then its remainder, with the same operations, so every");
            body.Line("/// path gives the same bits. A Shifted kernel serves layouts with frozen or anchored tensors: its table has four");
            body.Line("/// columns, and state is read at the parameter index minus the frozen parameters before it.");
            body.Line("/// </summary>");
            if (LayoutEmitter.GeneratedCodeAttribute(profile) is { } generatedCode)
            {
                body.Line(generatedCode);
            }

            using (body.OpenBlock($"internal static class {kernelClass}"))
            {
                var list = kernels.ToList();
                foreach (IGrouping<string, SharedKernel> family in list.GroupBy(kernel => kernel.Family).OrderBy(group => group.Key, StringComparer.Ordinal))
                {
                    if (family.Any(kernel => kernel.Path == DispatchPath))
                    {
                        WriteDispatcher(body, family.ToList(), profile);
                        body.Line();
                    }
                }

                bool first = true;
                foreach (SharedKernel kernel in list.Where(kernel => kernel.Path != DispatchPath))
                {
                    if (!first)
                    {
                        body.Line();
                    }

                    body.Raw(kernel.Text);
                    first = false;
                }
            }
        }

        return (HintPrefix + kernelClass.Replace("Kernels", string.Empty) + ".g.cs", LayoutEmitter.WithHeader(body.ToString(), profile, kernelAliases: false));
    }

    // internal static void UpdateDecayed(int[] runs, int trainableCount, float[] p, ...)
    // {
    //     if (Simd512.IsHardwareAccelerated && X86Avx512F.IsSupported && X86Fma.IsSupported) { UpdateDecayedVector512(...); }
    //     else if (...) { UpdateDecayedVector256(...); } ... else { UpdateDecayedScalar(runs, p, ...); }
    // }
    // The widths are those of the family's kernels, widest first: what the assembly's layouts fill (see
    // UpdateLoopEmitter.PathsFor). A layout whose runs fill no vector calls the scalar kernel itself; every layout that
    // calls the dispatcher has a run of at least the narrowest width, the one window that every kernel's remainder needs.
    private static void WriteDispatcher(CodeWriter writer, IReadOnlyList<SharedKernel> family, TargetProfile profile)
    {
        SharedKernel scalar = family.Single(kernel => kernel.Path == ScalarPath);
        SharedKernel request = family.First(kernel => kernel.Path == DispatchPath);
        writer.Line($"// {scalar.Family} on the widest path this machine runs (the JIT keeps one branch), else the scalar loop.");
        writer.Wrapped($"internal static void {scalar.Family}(", request.Signature.Split(new[] { ", " }, StringSplitOptions.None), ")");
        using (writer.OpenBlock())
        {
            bool first = true;
            foreach (VectorPath path in VectorPath.For(profile))
            {
                if (family.FirstOrDefault(kernel => kernel.Path == path.Suffix) is not { } kernel)
                {
                    continue;
                }

                using (writer.OpenBlock($"{(first ? "if" : "else if")} ({path.Condition})"))
                {
                    writer.Call(kernel.Name, kernel.Arguments);
                }

                first = false;
            }

            using (writer.OpenBlock("else"))
            {
                writer.Call(scalar.Name, scalar.Arguments);
            }
        }
    }
}
