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
    // One feature per snapshot, on a layout small enough to review: each optimizer on its own (W decayed, B not), the
    // same layout without the runtime library on .NET 8 (internal shared types, the scalar kernels), one optimizer's
    // kernel file, and parameter groups (LearningRateScale, WeightDecayScale).
    private static string Small(string optimizer) => GeneratorHarness.Using + $$"""
        namespace Demo;

        [ModelLayout]
        [Tensor("W", 3, 2)]
        [Tensor("B", 2, Decay = false)]
        [{{optimizer}}]
        public partial class Head { }
        """;

    private const string ParameterGroupsLayout = GeneratorHarness.Using + """
        namespace Demo;

        [ModelLayout]
        [Tensor("W", 3, 2, LearningRateScale = 0.5f)]
        [Tensor("B", 2, Decay = false, LearningRateScale = 0.5f)]
        [Tensor("V", 2, 2, WeightDecayScale = 4f)]
        [AdamW]
        public partial class Head { }
        """;

    /// <summary>Every baseline, by the test that writes it.</summary>
    private static readonly string[] Baselines =
    {
        "Sgd.Runtime.net10.g.cs.txt", "Adam.Runtime.net10.g.cs.txt", "AdamW.Runtime.net10.g.cs.txt", "AdamW.net8.g.cs.txt",
        "AdamW.Kernels.net10.g.cs.txt", "ParameterGroups.Runtime.net10.g.cs.txt",
    };

    [Theory]
    [InlineData("Sgd")]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    public void One_optimizer_with_the_runtime_library(string optimizer)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { Small(optimizer) }), withRuntimeLibrary: true, framework: ReferenceFramework.Net10);
        run.AssertNoGeneratorCrash();
        Snapshot.Match($"{optimizer}.Runtime.net10.g.cs.txt", run.Source("Demo.Head.g.cs"));
    }

    [Fact]
    public void AdamW_without_the_runtime_library_on_net8()
    {
        // .NET 8 has no cross-platform Vector128.FusedMultiplyAdd: no 128-bit path; without the library the shared types are internal.
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { Small("AdamW") }), framework: ReferenceFramework.Net8);
        run.AssertNoGeneratorCrash();
        Snapshot.Match("AdamW.net8.g.cs.txt", run.Source("Demo.Head.g.cs"));
    }

    [Fact]
    public void AdamW_kernels()
    {
        // The element updates are not in the layout's file but in one file per optimizer that every layout shares.
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { Small("AdamW") }), withRuntimeLibrary: true, framework: ReferenceFramework.Net10);
        run.AssertNoGeneratorCrash();
        Snapshot.Match("AdamW.Kernels.net10.g.cs.txt", run.Source("WeightDecay.Edge.Kernels.AdamW.g.cs"));
    }

    [Fact]
    public void Parameter_groups_with_the_runtime_library()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { ParameterGroupsLayout }), withRuntimeLibrary: true, framework: ReferenceFramework.Net10);
        run.AssertNoGeneratorCrash();
        Snapshot.Match("ParameterGroups.Runtime.net10.g.cs.txt", run.Source("Demo.Head.g.cs"));
    }

    [Fact]
    public void Every_baseline_is_used_and_present()
    {
        // A baseline whose test is gone would go stale unnoticed.
        var expected = new HashSet<string>(Baselines, System.StringComparer.Ordinal);
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
