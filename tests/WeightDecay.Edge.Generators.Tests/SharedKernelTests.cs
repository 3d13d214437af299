using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// The SIMD kernels go to one file per optimizer, shared by every layout of the assembly: a kernel's name must say
/// everything its text depends on, or two layouts that need different code would share the first one's.
/// </summary>
public class SharedKernelTests
{
    // Each layout option that changes a kernel's text (frozen tensors, an anchor, cautious decay) and some that do not
    // (groups, the tensor sizes), over the three optimizers; every tensor run fills a 512-bit vector.
    private static readonly string[] s_variants =
    {
        "[Tensor(\"W\", 40, 20)]\n[Tensor(\"B\", 20, Decay = false)]\n[Sgd, Adam, AdamW]",
        "[Tensor(\"W\", 24, 24)]\n[Tensor(\"B\", 17, Decay = false)]\n[Sgd, Adam, AdamW]",
        "[Tensor(\"F\", 33, Trainable = false)]\n[Tensor(\"W\", 40, 20)]\n[Tensor(\"B\", 20, Decay = false)]\n[Sgd, Adam, AdamW]",
        "[Tensor(\"W\", 40, 20, DecayTowardAnchor = true)]\n[Tensor(\"B\", 20, Decay = false)]\n[Sgd, Adam, AdamW]",
        "[Tensor(\"W\", 40, 20, LearningRateScale = 0.5f)]\n[Tensor(\"B\", 20, Decay = false)]\n[Sgd, Adam, AdamW]",
        "[Tensor(\"W\", 40, 20)]\n[Tensor(\"B\", 20, Decay = false)]\n[Sgd(CautiousWeightDecay = true), AdamW(CautiousWeightDecay = true)]",
        "[Tensor(\"F\", 33, Trainable = false)]\n[Tensor(\"W\", 40, 20, DecayTowardAnchor = true)]\n"
            + "[Sgd(CautiousWeightDecay = true), AdamW(CautiousWeightDecay = true)]",
    };

    private static string Layout(int index) =>
        GeneratorHarness.Using + $"namespace Demo;\n[ModelLayout]\n{s_variants[index]}\npublic partial class Head{index} {{ }}\n";

    [Fact]
    public void Equal_kernel_names_have_equal_texts_in_every_layout_that_calls_them()
    {
        var texts = new Dictionary<string, (string Text, int Layout)>();
        int shared = 0;
        for (int i = 0; i < s_variants.Length; i++)
        {
            GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { Layout(i) }), withRuntimeLibrary: true);
            run.AssertNoGeneratorCrash();
            foreach ((string name, string text) in Kernels(run))
            {
                if (texts.TryGetValue(name, out (string Text, int Layout) seen))
                {
                    Assert.True(seen.Text == text, $"{name} of layout {i} differs from that of layout {seen.Layout}");
                    shared++;
                }
                else
                {
                    texts[name] = (text, i);
                }
            }
        }

        // The option-free layouts share most of their kernels; the frozen, anchored and cautious ones add their own.
        Assert.True(shared > 20, $"only {shared} kernels were met twice");
        Assert.Contains(texts.Keys, name => name.StartsWith("CautiousAdamWKernels.", System.StringComparison.Ordinal));
        Assert.Contains(texts.Keys, name => name.Contains("Shifted", System.StringComparison.Ordinal));
        Assert.Contains(texts.Keys, name => name.Contains("AnchoredShifted", System.StringComparison.Ordinal));
        Assert.Contains(texts.Keys, name => name.StartsWith("SgdKernels.UpdatePlainCautious", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Layouts_of_one_assembly_call_one_copy_of_each_kernel()
    {
        GeneratorRun run = GeneratorHarness.Run(
            GeneratorHarness.Named(Enumerable.Range(0, s_variants.Length).Select(Layout)), withRuntimeLibrary: true);
        run.AssertNoGeneratorCrash();
        run.AssertOutputCompilesCleanly();

        string[] names = Kernels(run).Select(kernel => kernel.Name).ToArray();
        Assert.Equal(names.Distinct().Count(), names.Length);
        Assert.Equal(
            new[] { "WeightDecay.Edge.Kernels.Adam.g.cs", "WeightDecay.Edge.Kernels.AdamW.g.cs", "WeightDecay.Edge.Kernels.CautiousAdamW.g.cs",
                "WeightDecay.Edge.Kernels.Sgd.g.cs" },
            run.KernelSources.Select(source => source.HintName));

        // Every kernel is called: by a layout, or (the undecayed one, while a step has no decay term) by a decayed kernel;
        // and by more than one layout where two layouts need the same code.
        string layouts = string.Join("\n", run.LayoutSources.Select(source => source.SourceText.ToString()));
        string kernels = string.Join("\n", run.KernelSources.Select(source => source.SourceText.ToString()));
        foreach (string name in names)
        {
            string method = name.Substring(name.IndexOf('.', System.StringComparison.Ordinal) + 1) + "(";
            bool calledByAKernel = kernels.Split(method).Length - 1 > 1; // more than its declaration
            Assert.True(layouts.Contains(name + "(", System.StringComparison.Ordinal) || calledByAKernel, name + " is never called");
        }

        // Each vector kernel is called by its family's dispatcher, which the layouts call.
        int callers = run.LayoutSources.Count(source => source.SourceText.ToString().Contains("AdamWKernels.UpdateDecayed(", System.StringComparison.Ordinal));
        Assert.True(callers >= 3, $"AdamWKernels.UpdateDecayed is called by {callers} layouts");
        string[] dispatchers = Methods(run).Select(method => method.Name).Except(names).ToArray();
        Assert.Contains("AdamWKernels.UpdateDecayed", dispatchers);
        foreach (string dispatcher in dispatchers)
        {
            Assert.True(names.Contains(dispatcher + "Scalar"), dispatcher + " has no scalar kernel");
            Assert.True(layouts.Contains(dispatcher + "(", System.StringComparison.Ordinal), dispatcher + " is never called");
        }
    }

    [Fact]
    public void Without_the_runtime_library_the_kernels_are_internal_and_compile_on_their_own_types()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { Layout(0) }));
        run.AssertNoGeneratorCrash();
        run.AssertOutputCompilesCleanly();
        foreach (GeneratedSourceResult source in run.KernelSources)
        {
            ClassDeclarationSyntax type = source.SyntaxTree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single();
            Assert.Contains(type.Modifiers, modifier => modifier.IsKind(SyntaxKind.InternalKeyword));
            Assert.Contains(type.Modifiers, modifier => modifier.IsKind(SyntaxKind.StaticKeyword));
        }
    }

    // Every kernel method of the run's kernel files, as "Class.Method" and its text.
    // The kernels of the files: every method but the dispatchers, which are written from the merged kernels of the
    // assembly (so their branches follow the widths its layouts need) and name no path.
    private static IEnumerable<(string Name, string Text)> Kernels(GeneratorRun run) => Methods(run)
        .Where(method => s_paths.Any(path => method.Name.EndsWith(path, System.StringComparison.Ordinal)));

    private static IEnumerable<(string Name, string Text)> Methods(GeneratorRun run) =>
        run.KernelSources.SelectMany(source => source.SyntaxTree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Select(method => (((ClassDeclarationSyntax)method.Parent!).Identifier.Text + "." + method.Identifier.Text, method.ToString())));

    private static readonly string[] s_paths = { "Vector512", "Vector256", "Vector128", "Scalar" };
}
