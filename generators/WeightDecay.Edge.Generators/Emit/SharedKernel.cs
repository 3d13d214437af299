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
/// <param name="Class">The static class that holds it: <c>AdamWKernels</c>.</param>
/// <param name="Name">The method's name: <c>UpdateAmsgradDecayedVector256</c>.</param>
/// <param name="Text">The method, indented for the body of its class.</param>
internal sealed record SharedKernel(string Class, string Name, string Text)
{
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
                bool first = true;
                foreach (SharedKernel kernel in kernels)
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
}
