using System.Linq;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// The generated file of the README's tour layout read as text: lines a reviewer can read without
/// scrolling, and no SIMD method that no tensor run of the layout can fill.
/// </summary>
public class GeneratedTextTests
{
    private const string TourLayout = GeneratorHarness.Using + """
        [ModelLayout]
        [Tensor("W1", 64, 32)]
        [Tensor("B1", 32, Decay = false)]
        [Tensor("W2", 32, 10)]
        [Tensor("B2", 10, Decay = false)]
        [AdamW, Sgd]
        public partial class DigitsHead { }
        """;

    private const int MaxColumns = 140;

    [Fact]
    public void No_line_of_the_tour_layout_is_wider_than_140_columns()
    {
        string[] lines = Lines(TourLayout);

        string[] wide = lines.Where(line => line.Length > MaxColumns).ToArray();
        Assert.True(
            wide.Length == 0,
            $"{wide.Length} of {lines.Length} lines are wider than {MaxColumns} columns; the widest has {lines.Max(line => line.Length)}:\n"
            + string.Join("\n", wide.Take(5)));
    }

    [Fact]
    public void No_Vector512_method_for_a_layout_whose_runs_are_all_shorter_than_16_floats()
    {
        const string Short = GeneratorHarness.Using + """
            [ModelLayout]
            [Tensor("W", 3, 4)]
            [Tensor("B", 4, Decay = false)]
            [AdamW]
            public partial class Short { }
            """;

        GeneratorRun run = Run(Short);
        string text = run.Source(run.LayoutSources.Single().HintName);
        string kernels = run.Source(run.KernelSources.Single().HintName);

        Assert.DoesNotContain("Vector512", text + kernels, System.StringComparison.Ordinal);
        Assert.DoesNotContain("Simd512", text + kernels, System.StringComparison.Ordinal);
        Assert.Contains("AdamWKernels.UpdateDecayed(", text, System.StringComparison.Ordinal);
        Assert.Contains("internal static void UpdateDecayedVector256(", kernels, System.StringComparison.Ordinal);
        Assert.Contains("UpdateDecayedVector256(", kernels.Substring(kernels.IndexOf("void UpdateDecayed(", System.StringComparison.Ordinal)), System.StringComparison.Ordinal);
    }

    private static GeneratorRun Run(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { source }), withRuntimeLibrary: true, framework: ReferenceFramework.Net10);
        run.AssertNoGeneratorCrash();
        return run;
    }

    private static string[] Lines(string source)
    {
        GeneratorRun run = Run(source);
        return run.LayoutSources.Concat(run.KernelSources).SelectMany(file => run.Source(file.HintName).Split('\n')).ToArray();
    }
}
