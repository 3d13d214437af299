using System.Collections.Generic;
using System.Linq;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// The full generated text of a layout, compared with reviewed baselines in Snapshots/. The shared
/// sources have no baselines: they are the files in src/WeightDecay.Edge/Shared/ (see SharedSourceTests). When emission changes
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

    // One feature per snapshot, on a layout small enough to review: parameter groups (LearningRateScale, WeightDecayScale).
    private const string ParameterGroupsLayout = GeneratorHarness.Using + """
        namespace Demo;

        [ModelLayout]
        [Tensor("W", 3, 2, LearningRateScale = 0.5f)]
        [Tensor("B", 2, Decay = false, LearningRateScale = 0.5f)]
        [Tensor("V", 2, 2, WeightDecayScale = 4f)]
        [AdamW]
        public partial class Head { }
        """;

    /// <summary>
    /// Layout baselines are per target framework: the desktop profile emits a SIMD path only for the
    /// APIs the framework has (.NET 8 has no cross-platform Vector128.FusedMultiplyAdd).
    /// </summary>
    private static readonly string[] Frameworks = { "net8", "net10" };

    [Theory]
    [InlineData(ReferenceFramework.Net8)]
    [InlineData(ReferenceFramework.Net10)]
    public void Small_layout_without_the_runtime_library(ReferenceFramework framework)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { SmallLayout }), framework: framework);
        run.AssertNoGeneratorCrash();
        Snapshot.Match($"SmallLayout.{Name(framework)}.g.cs.txt", run.Source("Demo.Head.g.cs"));
    }

    [Theory]
    [InlineData(ReferenceFramework.Net8)]
    [InlineData(ReferenceFramework.Net10)]
    public void Small_layout_with_the_runtime_library(ReferenceFramework framework)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { SmallLayout }), withRuntimeLibrary: true, framework: framework);
        run.AssertNoGeneratorCrash();
        Snapshot.Match($"SmallLayout.Runtime.{Name(framework)}.g.cs.txt", run.Source("Demo.Head.g.cs"));
    }

    [Fact]
    public void Small_layout_s_shared_AdamW_kernels()
    {
        // The SIMD kernels are not in the layout's file but in one file per optimizer that every layout shares.
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { SmallLayout }), withRuntimeLibrary: true, framework: ReferenceFramework.Net10);
        run.AssertNoGeneratorCrash();
        Snapshot.Match("SmallLayout.Kernels.AdamW.net10.g.cs.txt", run.Source("WeightDecay.Edge.Kernels.AdamW.g.cs"));
    }

    [Fact]
    public void Parameter_groups_with_the_runtime_library()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { ParameterGroupsLayout }), withRuntimeLibrary: true, framework: ReferenceFramework.Net10);
        run.AssertNoGeneratorCrash();
        Snapshot.Match("ParameterGroups.Runtime.net10.g.cs.txt", run.Source("Demo.Head.g.cs"));
    }

    private static string Name(ReferenceFramework framework) => framework == ReferenceFramework.Net8 ? "net8" : "net10";

    [Fact]
    public void Every_baseline_is_used_and_present()
    {
        // A baseline whose test is gone would go stale unnoticed.
        var expected = new HashSet<string>(
            Frameworks.SelectMany(f => new[] { $"SmallLayout.{f}.g.cs.txt", $"SmallLayout.Runtime.{f}.g.cs.txt" })
                .Append("ParameterGroups.Runtime.net10.g.cs.txt")
                .Append("SmallLayout.Kernels.AdamW.net10.g.cs.txt"),
            System.StringComparer.Ordinal);
        Assert.True(System.IO.Directory.Exists(Snapshot.SourceDirectory), "No snapshot folder at " + Snapshot.SourceDirectory);

        // Both ways: a baseline missing from the tree would be read from the build output's stale copy.
        string[] present = System.IO.Directory.GetFiles(Snapshot.SourceDirectory).Select(System.IO.Path.GetFileName).OfType<string>().ToArray();
        Assert.Equal(expected.Order(System.StringComparer.Ordinal), present.Order(System.StringComparer.Ordinal));
    }

    [Fact]
    public void Diff_points_at_the_first_differing_line()
    {
        string diff = Snapshot.Diff("a\nb\nc\nd", "a\nb\nX\nd");
        Assert.Contains("First difference at line 3", diff, System.StringComparison.Ordinal);
        Assert.Contains(">     3 | c", diff, System.StringComparison.Ordinal);
        Assert.Contains(">     3 | X", diff, System.StringComparison.Ordinal);
    }
}
