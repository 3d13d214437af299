using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// A layout's file names the shared types by file-level aliases (<c>CheckpointFormat.ReadSingle</c>), except where the
/// layout's code already sees the name as something else: then it spells the type in full, and still compiles.
/// </summary>
public class SharedTypeAliasTests
{
    [Fact]
    public void A_layout_names_the_shared_types_by_their_aliases()
    {
        GeneratorRun run = GeneratorHarness.RunWithRuntimeLibrary(
            GeneratorHarness.Using + "namespace Demo;\n[ModelLayout]\n[Tensor(\"W\", 8, 4)]\n[Sgd, AdamW]\npublic partial class Head { }\n");
        run.AssertNoGeneratorCrash();
        run.AssertOutputCompilesCleanly();
        string text = run.LayoutSources.Single().SourceText.ToString();
        Assert.Contains("using CheckpointFormat = global::WeightDecay.Edge.Generated.CheckpointFormat;", text, System.StringComparison.Ordinal);
        Assert.Contains("CheckpointFormat.WritePayloadHead(", text, System.StringComparison.Ordinal);
        Assert.DoesNotContain("global::WeightDecay.Edge.Generated.CheckpointFormat.", text, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("namespace Demo { public static class Buffers { } }", "Buffers")]
    [InlineData("namespace Demo { public sealed class CheckpointFormat { } }", "CheckpointFormat")]
    [InlineData("namespace Demo { public partial class Head { public int Checkpoints => 0; } }", "Checkpoints")]
    [InlineData("namespace Demo { public partial class Head { private sealed class HyperParameters { } } }", "HyperParameters")]
    public void A_name_the_layout_already_uses_is_spelled_in_full(string userCode, string alias)
    {
        string layout = GeneratorHarness.Using + "namespace Demo\n{\n[ModelLayout]\n[Tensor(\"W\", 8, 4)]\n[Sgd, AdamW]\npublic partial class Head { }\n}\n";
        GeneratorRun run = GeneratorHarness.RunWithRuntimeLibrary(layout, userCode);
        run.AssertNoGeneratorCrash();
        run.AssertOutputCompilesCleanly();
        string text = run.LayoutSources.Single().SourceText.ToString();
        string type = SharedTypeAliases.All.Single(entry => entry.Alias == alias).Type;
        Assert.DoesNotContain($"using {alias} =", text, System.StringComparison.Ordinal);
        Assert.Contains($"global::{type}.", text, System.StringComparison.Ordinal);
        Assert.Contains("using LearningRateSchedule = global::WeightDecay.Edge.LearningRateSchedule;", text, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Buffers")]
    [InlineData("Checkpoints")]
    [InlineData("HyperParameters")]
    public void A_tensor_named_like_an_alias_makes_the_file_spell_that_type_in_full(string tensor)
    {
        // The tensor's view is a member the generator adds, so the user's compilation, where the parser looks, has no such
        // name yet: the parser reserves the names of the layout's own tensors as well.
        string layout = GeneratorHarness.Using
            + $"namespace Demo;\n[ModelLayout]\n[Tensor(\"W\", 8, 4)]\n[Tensor(\"{tensor}\", 4)]\n[Sgd, AdamW]\npublic partial class Head {{ }}\n";
        GeneratorRun run = GeneratorHarness.RunWithRuntimeLibrary(layout);
        run.AssertNoGeneratorCrash();
        run.AssertOutputCompilesCleanly();
        string text = run.LayoutSources.Single().SourceText.ToString();
        Assert.DoesNotContain($"using {tensor} =", text, System.StringComparison.Ordinal);
        Assert.Contains($"global::{SharedTypeAliases.All.Single(entry => entry.Alias == tensor).Type}.", text, System.StringComparison.Ordinal);
    }

    [Fact]
    public void The_generator_computes_sizes_with_the_offsets_the_shared_format_reads_at()
    {
        Assert.Equal(WeightDecay.Edge.Generated.CheckpointFormat.HeaderBytes, CheckpointLayout.HeaderBytes);
        Assert.Equal(WeightDecay.Edge.Generated.CheckpointFormat.HyperParametersOffset, CheckpointLayout.HyperParametersOffset);
        Assert.Equal(WeightDecay.Edge.Generated.CheckpointFormat.TrailerBytes, CheckpointLayout.TrailerBytes);
    }
}
