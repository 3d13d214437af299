namespace WeightDecay.Edge.Generators.Cli.Tests;

/// <summary>
/// A nanoFramework compilation whose generated code is estimated over 48 KiB of IL gets WDE024, which
/// names the 64 KiB cap of one .pe; the split sample assemblies stay under it.
/// </summary>
public sealed class FlashWarningTests
{
    [Fact]
    public void Device_compilation_over_48_KiB_of_generated_code_gets_a_warning_naming_the_64_KiB_cap()
    {
        // Five layouts with every optimizer: about 11 KB of IL each.
        var source = new System.Text.StringBuilder("using WeightDecay.Edge;\nnamespace Big\n{\n");
        for (int k = 0; k < 5; k++)
        {
            source.Append($"    [ModelLayout] [Tensor(\"W\", 8, 4)] [Tensor(\"B\", 4, Decay = false)] [Sgd, Adam, AdamW] public partial class Layout{k} {{ }}\n");
        }

        source.Append("}\n");
        string file = Path.Combine(TestPaths.NewTempDirectory(), "Big.cs");
        File.WriteAllText(file, source.ToString());

        ProcessResult result = Tool.Run("--reference", TestPaths.NanoFrameworkMscorlib, "--out", TestPaths.NewTempDirectory(), "--quiet", file);

        Assert.True(result.ExitCode == 0, result.ToString()); // A warning, not an error.
        Assert.Contains("warning WDE024", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("its 5 layouts", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("64 KiB", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_layouts_stay_under_the_warning()
    {
        ProcessResult result = Tool.Run(
            "--reference", TestPaths.NanoFrameworkMscorlib, "--out", TestPaths.NewTempDirectory(), "--quiet", "--warnaserror", TestPaths.SampleLayouts);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("WDE024", result.StandardError, StringComparison.Ordinal);
    }
}
