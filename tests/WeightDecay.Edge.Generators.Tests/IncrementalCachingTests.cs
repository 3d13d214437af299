using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// The same driver run twice: an edit that changes no layout must leave every tracked step Cached
/// or Unchanged and re-emit nothing; an edit to a layout must flow through to new text.
/// </summary>
public class IncrementalCachingTests
{
    private const string LayoutPath = "/src/Head.cs";
    private const string OtherPath = "/src/Other.cs";

    /// <summary>
    /// What every tracked step does after an edit that touches no layout. The compilation changed, so
    /// the steps that read it run again and find the same value (Unchanged): the parse (its transform
    /// reads the semantic model), the target profile and the orphan-attribute checks (one per attribute
    /// kind the layout file uses: Tensor, Sgd, AdamW). Everything downstream of an Unchanged value is Cached.
    /// </summary>
    private static readonly (string Step, string Reasons)[] NoLayoutChanged =
    {
        (TrackingNames.Parse, "Unchanged"),
        (TrackingNames.Profile, "Unchanged"),
        (TrackingNames.SharedTypes, "Cached"),
        (TrackingNames.Diagnostics, "Cached"),
        (TrackingNames.DeviceFlash, "Cached"),
        (TrackingNames.LayoutNames, "Cached"),
        (TrackingNames.Emit, "Cached"),
        (TrackingNames.HintName, "Cached"),
        (TrackingNames.LayoutSource, "Cached"),
        (TrackingNames.Kernels, "Cached"),
        (TrackingNames.OrphanAttributes, "Unchanged Unchanged Unchanged"),
    };

    private static string Layout(int rows = 3, string body = "public int Seed() { return 1; }", string optimizers = "[Sgd, AdamW]") =>
        GeneratorHarness.Using + $$"""
            namespace Demo;

            [ModelLayout]
            [Tensor("W", {{rows}}, 2)]
            [Tensor("B", 2, Decay = false)]
            {{optimizers}}
            public partial class Head
            {
                {{body}}
            }
            """;

    private static string Other(int value) =>
        $"namespace Demo;\n\ninternal static class Other\n{{\n    public static int Value() {{ return {value}; }}\n}}\n";

    [Fact]
    public void Adding_an_unrelated_file_caches_every_step()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(), compilation => compilation.AddSyntaxTrees(Tree("namespace Demo; internal class Unrelated { }", "/src/Unrelated.cs")));

        AssertSteps(second, NoLayoutChanged);
        AssertEveryOutputCached(second);
        AssertSameSources(first, second);
    }

    [Fact]
    public void Changing_a_method_body_in_another_file_caches_every_step()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(), compilation => Replace(compilation, OtherPath, Other(2)));

        AssertSteps(second, NoLayoutChanged);
        AssertEveryOutputCached(second);
        AssertSameSources(first, second);
    }

    [Fact]
    public void Changing_a_method_body_inside_the_layout_caches_every_step()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(), compilation => Replace(compilation, LayoutPath, Layout(body: "public int Seed() { return 42 + 1; }")));

        AssertSteps(second, NoLayoutChanged);
        AssertEveryOutputCached(second);
        AssertSameSources(first, second);
    }

    [Fact]
    public void Changing_a_tensor_size_emits_again()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(rows: 3), compilation => Replace(compilation, LayoutPath, Layout(rows: 4)));

        // A new spec, the same (empty) diagnostics, the same name: only the layout's own source is redone.
        AssertSteps(
            second,
            (TrackingNames.Parse, "Modified"),
            (TrackingNames.Profile, "Unchanged"),
            (TrackingNames.SharedTypes, "Cached"),
            (TrackingNames.Diagnostics, "Unchanged"),
            (TrackingNames.DeviceFlash, "Cached"), // the desktop profile: the flash estimate is not combined in
            (TrackingNames.LayoutNames, "Cached"),
            (TrackingNames.Emit, "Modified"),
            (TrackingNames.HintName, "Modified"),
            (TrackingNames.LayoutSource, "Modified"),
            (TrackingNames.Kernels, "Modified"),
            (TrackingNames.OrphanAttributes, "Unchanged Unchanged Unchanged"));
        string before = first.Source("Demo.Head.g.cs");
        string after = second.Source("Demo.Head.g.cs");
        Assert.NotEqual(before, after);
        Assert.Contains("public const int ParameterCount = 8;", before, System.StringComparison.Ordinal);
        Assert.Contains("public const int ParameterCount = 10;", after, System.StringComparison.Ordinal);
        second.AssertOutputCompilesCleanly();
    }

    [Fact]
    public void Changing_a_tensor_size_that_needs_no_other_kernel_leaves_the_kernels_cached()
    {
        // W grows from 8 to 10 floats: both fill a 256-bit vector and no 512-bit one, so the layout calls the same kernels.
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(rows: 4), compilation => Replace(compilation, LayoutPath, Layout(rows: 5)));

        AssertSteps(
            second,
            (TrackingNames.Parse, "Modified"),
            (TrackingNames.Profile, "Unchanged"),
            (TrackingNames.SharedTypes, "Cached"),
            (TrackingNames.Diagnostics, "Unchanged"),
            (TrackingNames.DeviceFlash, "Cached"),
            (TrackingNames.LayoutNames, "Cached"),
            (TrackingNames.Emit, "Modified"),
            (TrackingNames.HintName, "Modified"),
            (TrackingNames.LayoutSource, "Modified"),
            (TrackingNames.Kernels, "Cached"), // the layout's list of kernels is equal, so the merge does not run
            (TrackingNames.OrphanAttributes, "Unchanged Unchanged Unchanged"));
        Assert.NotEqual(first.Source("Demo.Head.g.cs"), second.Source("Demo.Head.g.cs"));
        Assert.NotEmpty(second.KernelSources);
        Assert.Equal(
            first.KernelSources.Select(source => (source.HintName, source.SourceText.ToString())),
            second.KernelSources.Select(source => (source.HintName, source.SourceText.ToString())));
        second.AssertOutputCompilesCleanly();
    }

    [Fact]
    public void Moving_a_layout_with_a_warning_updates_the_diagnostic_but_emits_nothing_again()
    {
        // Diagnostics flow apart from sources: the warning's location moves, the source stays cached.
        string before = Layout(optimizers: string.Empty);
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            before, compilation => Replace(compilation, LayoutPath, "// a new first line\n" + before));

        AssertSteps(
            second,
            (TrackingNames.Parse, "Modified"), // the result carries the diagnostic's location
            (TrackingNames.Profile, "Unchanged"),
            (TrackingNames.SharedTypes, "Cached"),
            (TrackingNames.Diagnostics, "Modified"),
            (TrackingNames.DeviceFlash, "Cached"),
            (TrackingNames.LayoutNames, "Cached"),
            (TrackingNames.Emit, "Cached"), // the spec has no locations: equal, so nothing downstream runs
            (TrackingNames.HintName, "Cached"),
            (TrackingNames.LayoutSource, "Cached"),
            (TrackingNames.Kernels, "Cached"),
            (TrackingNames.OrphanAttributes, "Unchanged")); // only the [Tensor] check matches: no optimizer attribute
        AssertSameSources(first, second);

        int lineBefore = Assert.Single(first.GeneratorDiagnostics).Location.GetLineSpan().StartLinePosition.Line;
        int lineAfter = Assert.Single(second.GeneratorDiagnostics).Location.GetLineSpan().StartLinePosition.Line;
        Assert.Equal(lineBefore + 1, lineAfter);
    }

    [Fact]
    public void Adding_a_second_layout_does_not_emit_the_first_again()
    {
        // The collected names change, but the first layout's hint name does not, so its output stays.
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(), compilation => compilation.AddSyntaxTrees(Tree(GeneratorHarness.Using + "namespace Demo;\n[ModelLayout][Tensor(\"V\", 2)][Sgd] public partial class Tail { }", "/src/Tail.cs")));

        AssertSteps(
            second,
            (TrackingNames.Parse, "Unchanged New"),
            (TrackingNames.Profile, "Unchanged"),
            (TrackingNames.SharedTypes, "Cached"),
            (TrackingNames.Diagnostics, "Cached New"),
            (TrackingNames.DeviceFlash, "Modified"), // two estimates now
            (TrackingNames.LayoutNames, "Modified"),
            (TrackingNames.Emit, "Cached New"),
            (TrackingNames.HintName, "Unchanged New"), // the first layout's name is recomputed against the new list, and equal
            (TrackingNames.LayoutSource, "Cached New"),
            (TrackingNames.Kernels, "Unchanged"), // Tail fills no vector and calls no kernel: merged again, the same set
            (TrackingNames.OrphanAttributes, "Unchanged New Unchanged New Unchanged"));
        Assert.Equal(first.Source("Demo.Head.g.cs"), second.Source("Demo.Head.g.cs"));
        Assert.Equal(new[] { "Demo.Head.g.cs", "Demo.Tail.g.cs" }, second.LayoutSources.Select(source => source.HintName));
    }

    [Fact]
    public void Adding_an_orphan_attribute_elsewhere_reports_WDE025_and_emits_nothing_again()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(), compilation => compilation.AddSyntaxTrees(Tree(GeneratorHarness.Using + "namespace Demo;\n[Tensor(\"V\", 2)] public partial class Stray { }", "/src/Stray.cs")));

        Assert.Equal("WDE025", Assert.Single(second.GeneratorDiagnostics).Id);
        AssertSteps(
            second,
            (TrackingNames.Parse, "Unchanged"),
            (TrackingNames.Profile, "Unchanged"),
            (TrackingNames.SharedTypes, "Cached"),
            (TrackingNames.Diagnostics, "Cached"),
            (TrackingNames.DeviceFlash, "Cached"),
            (TrackingNames.LayoutNames, "Cached"),
            (TrackingNames.Emit, "Cached"),
            (TrackingNames.HintName, "Cached"),
            (TrackingNames.LayoutSource, "Cached"),
            (TrackingNames.Kernels, "Cached"),
            (TrackingNames.OrphanAttributes, "Unchanged New Unchanged Unchanged")); // the stray [Tensor] is the one new check
        AssertSameSources(first, second);
    }

    [Fact]
    public void Adding_an_optimizer_emits_again()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(optimizers: "[Sgd]"), compilation => Replace(compilation, LayoutPath, Layout(optimizers: "[Sgd, Adam]")));

        AssertSteps(
            second,
            (TrackingNames.Parse, "Modified"),
            (TrackingNames.Profile, "Unchanged"),
            (TrackingNames.SharedTypes, "Cached"),
            (TrackingNames.Diagnostics, "Unchanged"),
            (TrackingNames.DeviceFlash, "Modified"), // a further optimizer is further flash
            (TrackingNames.LayoutNames, "Cached"),
            (TrackingNames.Emit, "Modified"),
            (TrackingNames.HintName, "Modified"),
            (TrackingNames.LayoutSource, "Modified"),
            (TrackingNames.Kernels, "Modified"),
            (TrackingNames.OrphanAttributes, "Unchanged Unchanged New")); // [Adam] is a newly matched attribute
        Assert.DoesNotContain("class AdamOptimizer", first.Source("Demo.Head.g.cs"), System.StringComparison.Ordinal);
        Assert.Contains("class AdamOptimizer", second.Source("Demo.Head.g.cs"), System.StringComparison.Ordinal);
        Assert.DoesNotContain(first.KernelSources, source => source.HintName == "WeightDecay.Edge.Kernels.Adam.g.cs");
        Assert.Contains(second.KernelSources, source => source.HintName == "WeightDecay.Edge.Kernels.Adam.g.cs");
    }

    private static (GeneratorRun First, GeneratorRun Second) RunTwice(string layout, System.Func<CSharpCompilation, CSharpCompilation> edit)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { (LayoutPath, layout), (OtherPath, Other(1)) });
        GeneratorRun first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);
        first.AssertNoGeneratorCrash();
        GeneratorRun second = GeneratorHarness.Run(first.Driver, edit(compilation));
        second.AssertNoGeneratorCrash();
        return (first, second);
    }

    private static SyntaxTree Tree(string text, string path) => CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions(), path);

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string text) =>
        compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(tree => tree.FilePath == path), Tree(text, path));

    private static ImmutableArray<IncrementalGeneratorRunStep> Steps(GeneratorRun run, string stepName)
    {
        Assert.True(
            run.Single.TrackedSteps.TryGetValue(stepName, out ImmutableArray<IncrementalGeneratorRunStep> steps),
            $"Step '{stepName}' did not run; tracked: {string.Join(", ", run.Single.TrackedSteps.Keys)}");
        return steps;
    }

    /// <summary>
    /// Fails unless each named step ran with exactly these reasons, one per output in order, and no
    /// tracked step is left out of <paramref name="expected"/>.
    /// </summary>
    private static void AssertSteps(GeneratorRun run, params (string Step, string Reasons)[] expected)
    {
        Assert.Equal(
            run.Single.TrackedSteps.Keys.Where(IsOurs).OrderBy(name => name, System.StringComparer.Ordinal),
            expected.Select(pair => pair.Step).OrderBy(name => name, System.StringComparer.Ordinal));
        foreach ((string step, string reasons) in expected)
        {
            string actual = string.Join(" ", Steps(run, step).SelectMany(s => s.Outputs).Select(output => output.Reason));
            Assert.True(reasons == actual, $"Step {step}: expected [{reasons}], ran [{actual}]");
        }
    }

    /// <summary>Our steps are named by <see cref="TrackingNames"/>; Roslyn tracks its own too.</summary>
    private static bool IsOurs(string step) =>
        typeof(TrackingNames).GetFields().Any(field => (string?)field.GetRawConstantValue() == step);

    private static void AssertEveryOutputCached(GeneratorRun run)
    {
        string[] reasons = run.Single.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(step => step.Outputs)
            .Select(output => output.Reason.ToString()).Distinct().ToArray();
        Assert.Equal(new[] { "Cached" }, reasons);
    }

    private static void AssertSameSources(GeneratorRun first, GeneratorRun second)
    {
        Assert.Equal(
            first.Single.GeneratedSources.Select(source => (source.HintName, source.SourceText.ToString())),
            second.Single.GeneratedSources.Select(source => (source.HintName, source.SourceText.ToString())));
    }
}
