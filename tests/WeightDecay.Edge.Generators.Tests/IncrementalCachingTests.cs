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

    private static readonly string[] TrackedSteps =
    {
        TrackingNames.Parse, TrackingNames.Diagnostics, TrackingNames.Emit, TrackingNames.LayoutNames, TrackingNames.HintName, TrackingNames.OrphanAttributes,
    };

    private static readonly IncrementalStepRunReason[] CachedOrUnchanged =
    {
        IncrementalStepRunReason.Cached,
        IncrementalStepRunReason.Unchanged,
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
    public void AddingAnUnrelatedFile_CachesEveryStep()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(), compilation => compilation.AddSyntaxTrees(Tree("namespace Demo; internal class Unrelated { }", "/src/Unrelated.cs")));

        AssertEveryStep(second, CachedOrUnchanged);
        AssertSameSources(first, second);
    }

    [Fact]
    public void ChangingAMethodBodyInAnotherFile_CachesEveryStep()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(), compilation => Replace(compilation, OtherPath, Other(2)));

        AssertEveryStep(second, CachedOrUnchanged);
        AssertSameSources(first, second);
    }

    [Fact]
    public void ChangingAMethodBodyInsideTheLayout_CachesEveryStep()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(), compilation => Replace(compilation, LayoutPath, Layout(body: "public int Seed() { return 42 + 1; }")));

        AssertEveryStep(second, CachedOrUnchanged);
        AssertSameSources(first, second);
    }

    [Fact]
    public void ChangingATensorSize_ReEmits()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(rows: 3), compilation => Replace(compilation, LayoutPath, Layout(rows: 4)));

        Assert.Equal(IncrementalStepRunReason.Modified, SingleReason(second, TrackingNames.Parse));
        Assert.Equal(IncrementalStepRunReason.Modified, SingleReason(second, TrackingNames.Emit));
        string before = first.Source("Demo.Head.g.cs");
        string after = second.Source("Demo.Head.g.cs");
        Assert.NotEqual(before, after);
        Assert.Contains("public const int ParameterCount = 8;", before, System.StringComparison.Ordinal);
        Assert.Contains("public const int ParameterCount = 10;", after, System.StringComparison.Ordinal);
        second.AssertOutputCompilesCleanly();
    }

    [Fact]
    public void MovingALayoutWithAWarning_UpdatesTheDiagnosticButReEmitsNothing()
    {
        // Diagnostics flow apart from sources: the warning's location moves, the source stays cached.
        string before = Layout(optimizers: string.Empty);
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            before, compilation => Replace(compilation, LayoutPath, "// a new first line\n" + before));

        Assert.Equal(IncrementalStepRunReason.Modified, SingleReason(second, TrackingNames.Parse));
        Assert.Equal(IncrementalStepRunReason.Modified, SingleReason(second, TrackingNames.Diagnostics));
        Assert.Contains(SingleReason(second, TrackingNames.Emit), CachedOrUnchanged);
        AssertSameSources(first, second);

        int lineBefore = Assert.Single(first.GeneratorDiagnostics).Location.GetLineSpan().StartLinePosition.Line;
        int lineAfter = Assert.Single(second.GeneratorDiagnostics).Location.GetLineSpan().StartLinePosition.Line;
        Assert.Equal(lineBefore + 1, lineAfter);
    }

    [Fact]
    public void AddingASecondLayout_DoesNotReEmitTheFirst()
    {
        // The collected names change, but the first layout's hint name does not, so its output stays.
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(), compilation => compilation.AddSyntaxTrees(Tree(GeneratorHarness.Using + "namespace Demo;\n[ModelLayout][Tensor(\"V\", 2)][Sgd] public partial class Tail { }", "/src/Tail.cs")));

        Assert.Equal(IncrementalStepRunReason.Modified, SingleReason(second, TrackingNames.LayoutNames));
        IncrementalStepRunReason[] hintNameReasons = Steps(second, TrackingNames.HintName).SelectMany(step => step.Outputs).Select(output => output.Reason).ToArray();
        Assert.Equal(new[] { IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.New }, hintNameReasons);
        Assert.Equal(first.Source("Demo.Head.g.cs"), second.Source("Demo.Head.g.cs"));
        Assert.Equal(new[] { "Demo.Head.g.cs", "Demo.Tail.g.cs" }, second.LayoutSources.Select(source => source.HintName));
    }

    [Fact]
    public void AddingAnOrphanAttributeElsewhere_ReportsWDE025AndReEmitsNothing()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(), compilation => compilation.AddSyntaxTrees(Tree(GeneratorHarness.Using + "namespace Demo;\n[Tensor(\"V\", 2)] public partial class Stray { }", "/src/Stray.cs")));

        Assert.Equal("WDE025", Assert.Single(second.GeneratorDiagnostics).Id);
        Assert.Contains(SingleReason(second, TrackingNames.Emit), CachedOrUnchanged);
        AssertSameSources(first, second);
    }

    [Fact]
    public void AddingAnOptimizer_ReEmits()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(
            Layout(optimizers: "[Sgd]"), compilation => Replace(compilation, LayoutPath, Layout(optimizers: "[Sgd, Adam]")));

        Assert.Equal(IncrementalStepRunReason.Modified, SingleReason(second, TrackingNames.Emit));
        Assert.DoesNotContain("class AdamOptimizer", first.Source("Demo.Head.g.cs"), System.StringComparison.Ordinal);
        Assert.Contains("class AdamOptimizer", second.Source("Demo.Head.g.cs"), System.StringComparison.Ordinal);
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

    private static IncrementalStepRunReason SingleReason(GeneratorRun run, string stepName) =>
        Assert.Single(Assert.Single(Steps(run, stepName)).Outputs).Reason;

    private static void AssertEveryStep(GeneratorRun run, IReadOnlyCollection<IncrementalStepRunReason> allowed)
    {
        IEnumerable<(string Step, IncrementalStepRunReason Reason)> reasons = TrackedSteps
            .SelectMany(name => Steps(run, name).SelectMany(step => step.Outputs).Select(output => (name, output.Reason)))
            .Concat(run.Single.TrackedOutputSteps.SelectMany(pair => pair.Value.SelectMany(step => step.Outputs).Select(output => (pair.Key, output.Reason))));
        var unexpected = reasons.Where(pair => !allowed.Contains(pair.Reason)).ToList();
        Assert.True(unexpected.Count == 0, "Steps that re-ran: " + string.Join(", ", unexpected.Select(pair => $"{pair.Step}={pair.Reason}")));
    }

    private static void AssertSameSources(GeneratorRun first, GeneratorRun second)
    {
        Assert.Equal(
            first.Single.GeneratedSources.Select(source => (source.HintName, source.SourceText.ToString())),
            second.Single.GeneratedSources.Select(source => (source.HintName, source.SourceText.ToString())));
    }
}
