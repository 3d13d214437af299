using System.Collections.Generic;
using System.Linq;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// The full generated text, compared with reviewed baselines in Snapshots/. When emission changes
/// on purpose, refresh them with <see cref="Snapshot.RefreshCommand"/> and review the diff.
/// </summary>
public class SnapshotTests
{
    private const string SmallLayout = GeneratorHarness.Using + """
        namespace Demo;

        [ModelLayout]
        [Tensor("W", 3, 2)]
        [Tensor("B", 2, Decay = false)]
        [Sgd, Adam, AdamW]
        public partial class Head { }
        """;

    public static IEnumerable<object[]> PostInitializationSources() =>
        GeneratorRun.PostInitializationHintNames.Select(hintName => new object[] { hintName });

    [Fact]
    public void SmallLayout_WithoutRuntimeLibrary()
    {
        GeneratorRun run = GeneratorHarness.Run(SmallLayout);
        run.AssertNoGeneratorCrash();
        Snapshot.Match("SmallLayout.g.cs.txt", run.Source("Demo.Head.g.cs"));
    }

    [Fact]
    public void SmallLayout_WithRuntimeLibrary()
    {
        GeneratorRun run = GeneratorHarness.RunWithRuntimeLibrary(SmallLayout);
        run.AssertNoGeneratorCrash();
        Snapshot.Match("SmallLayout.Runtime.g.cs.txt", run.Source("Demo.Head.g.cs"));
    }

    [Theory]
    [MemberData(nameof(PostInitializationSources))]
    public void PostInitializationSource(string hintName)
    {
        // "WeightDecay.Edge.Attributes.g.cs" -> "Attributes.g.cs.txt"
        string name = hintName.Replace("WeightDecay.Edge.", string.Empty, System.StringComparison.Ordinal) + ".txt";
        Snapshot.Match(name, GeneratorHarness.Run(SmallLayout).Source(hintName));
    }

    [Fact]
    public void EveryBaselineIsUsed()
    {
        // A baseline whose test is gone would go stale unnoticed.
        var expected = new HashSet<string>(System.StringComparer.Ordinal) { "SmallLayout.g.cs.txt", "SmallLayout.Runtime.g.cs.txt" };
        expected.UnionWith(GeneratorRun.PostInitializationHintNames.Select(h => h.Replace("WeightDecay.Edge.", string.Empty, System.StringComparison.Ordinal) + ".txt"));
        if (!System.IO.Directory.Exists(Snapshot.SourceDirectory))
        {
            return; // Running from a copy without the source tree.
        }

        string[] present = System.IO.Directory.GetFiles(Snapshot.SourceDirectory).Select(System.IO.Path.GetFileName).OfType<string>().ToArray();
        Assert.DoesNotContain(present, file => !expected.Contains(file));
    }

    [Fact]
    public void Diff_PointsAtTheFirstDifferingLine()
    {
        string diff = Snapshot.Diff("a\nb\nc\nd", "a\nb\nX\nd");
        Assert.Contains("First difference at line 3", diff, System.StringComparison.Ordinal);
        Assert.Contains(">     3 | c", diff, System.StringComparison.Ordinal);
        Assert.Contains(">     3 | X", diff, System.StringComparison.Ordinal);
    }
}
