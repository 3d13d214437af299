using System.Linq;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// The generated files of the README's tour layout read as text: lines a reviewer can read without
/// scrolling (the layout's, the kernels', and the shared files emitted without the runtime library),
/// and no SIMD method that no tensor run of the layout can fill.
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
        GeneratorRun run = Run(TourLayout);
        AssertFits(run, run.LayoutSources.Concat(run.KernelSources).Select(file => file.HintName));
    }

    [Fact]
    public void No_line_of_the_shared_files_emitted_without_the_runtime_library_is_wider_than_140_columns()
    {
        // The runtime library's own sources (src/WeightDecay.Edge/Shared), emitted as they are, and the attributes.
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { TourLayout }), withRuntimeLibrary: false, framework: ReferenceFramework.Net10);
        run.AssertNoGeneratorCrash();
        string[] shared = run.Single.GeneratedSources.Select(file => file.HintName)
            .Where(name => name.StartsWith(global::WeightDecay.Edge.Generators.Shared.SharedSources.HintPrefix, System.StringComparison.Ordinal))
            .ToArray();
        Assert.True(shared.Length > 10, $"only {shared.Length} shared files");
        AssertFits(run, shared);
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

    private static void AssertFits(GeneratorRun run, System.Collections.Generic.IEnumerable<string> hintNames)
    {
        (string File, string Line)[] lines = hintNames
            .SelectMany(name => run.Source(name).Split('\n').Select(line => (File: name, Line: line.TrimEnd('\r'))))
            .ToArray();
        (string File, string Line)[] wide = lines.Where(line => line.Line.Length > MaxColumns).ToArray();
        Assert.True(
            wide.Length == 0,
            $"{wide.Length} of {lines.Length} lines are wider than {MaxColumns} columns; the widest has {lines.Max(line => line.Line.Length)}:\n"
            + string.Join("\n", wide.Take(5).Select(line => line.File + ": " + line.Line)));
    }
}
