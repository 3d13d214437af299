using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using WeightDecay.Edge.Generators.Model;
using static WeightDecay.Edge.Generators.Tests.DiagnosticAssert;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// <c>[ModelLayout(MaxBatchSize = n)]</c>: the spec records it, an out-of-range value is WDE028 at the attribute
/// (and nothing is generated), and a valid one adds the mini-batch overloads, batch-sized buffers counted in
/// ActivationBytes, and output that compiles cleanly at the latest C# and at C# 7.3, with and without the
/// runtime library.
/// </summary>
public class MaxBatchSizeTests
{
    private const string Layers = "[Dense(\"Hidden\", 4, 3, Activation = Activation.ReLU)]\n[Dense(\"Output\", 3, 2)]\n[Sgd]";

    [Theory]
    [InlineData("ModelLayout(MaxBatchSize = -1)", Layers, "sets MaxBatchSize = -1, but it is negative")]
    [InlineData("ModelLayout(MaxBatchSize = 8)", "[Tensor(\"W\", 2)]\n[Sgd]", "sets MaxBatchSize = 8, but the layout declares no [Dense] layers")]
    [InlineData("ModelLayout(MaxBatchSize = int.MaxValue)", Layers, "MaxBatchSize times the widest layer (4) is over int.MaxValue floats")]
    public void WDE028_out_of_range(string attribute, string rest, string reason)
    {
        string source = Layout($"[{attribute}]\n{rest}");
        GeneratorRun run = Single(source, "WDE028", DiagnosticSeverity.Error, "[", attribute, "use 0 (no mini-batch methods) or a positive size");
        Assert.Contains(reason, run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void The_spec_records_MaxBatchSize_and_a_change_gives_a_different_spec()
    {
        LayoutSpec spec = ParseSpec(Layout("[ModelLayout(MaxBatchSize = 16)]\n" + Layers));
        Assert.Equal(16, spec.MaxBatchSize);
        Assert.Equal(0, ParseSpec(Layout("[ModelLayout]\n" + Layers)).MaxBatchSize);
        Assert.Equal(0, ParseSpec(Layout("[ModelLayout(MaxBatchSize = 0)]\n" + Layers)).MaxBatchSize);
        Assert.NotEqual(spec, ParseSpec(Layout("[ModelLayout(MaxBatchSize = 17)]\n" + Layers)));

        // Activations and deltas: 2 * (3 + 2) floats per sample, 16 samples.
        Assert.Equal(4L * 2 * 5 * 16, new MemoryFootprint(spec).ActivationBytes);
    }

    [Theory]
    [InlineData(LanguageVersion.Latest, false)]
    [InlineData(LanguageVersion.Latest, true)]
    [InlineData(LanguageVersion.CSharp7_3, false)]
    public void A_batch_layout_compiles_cleanly_with_the_batch_overloads(LanguageVersion version, bool withRuntimeLibrary)
    {
        string source = GeneratorHarness.Using + """
            namespace Demo
            {
                [ModelLayout(MaxBatchSize = 6)]
                [Dense("Hidden", 37, 19, Activation = Activation.Tanh)]
                [Dense("Gate", 19, 16, Activation = Activation.Sigmoid, Trainable = false)]
                [Dense("Output", 16, 10)]
                [AdamW]
                public partial class Head { }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { source }), withRuntimeLibrary, version);
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertOutputCompilesCleanly();
        // Signatures wider than the page are wrapped after "(" and ","; read them as one line.
        string text = System.Text.RegularExpressions.Regex.Replace(run.LayoutSources[0].SourceText.ToString(), @"\(\n\s+", "(");
        text = System.Text.RegularExpressions.Regex.Replace(text, @",\n\s+", ", ");
        Assert.Contains("public const int MaxBatchSize = 6;", text, System.StringComparison.Ordinal);
        Assert.Contains("private readonly float[] _HiddenActivations = new float[114];", text, System.StringComparison.Ordinal);
        Assert.Contains("public float AccumulateCrossEntropyGradient(float[] inputs, int[] labels, int firstSample, int batchSize, float weight)", text, System.StringComparison.Ordinal);
        Assert.Contains("public float AccumulateMeanSquaredErrorGradient(float[] inputs, float[] targets, int firstSample, int batchSize, float weight)", text, System.StringComparison.Ordinal);
        Assert.Contains(
            "public float AccumulateCrossEntropyGradient(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<int> labels, int batchSize, float weight)",
            text,
            System.StringComparison.Ordinal);
    }

    [Fact]
    public void Without_MaxBatchSize_there_are_no_batch_overloads()
    {
        GeneratorRun run = GeneratorHarness.Run(Layout("[ModelLayout]\n" + Layers));
        run.AssertNoGeneratorCrash();
        run.AssertOutputCompilesCleanly();
        string text = run.LayoutSources[0].SourceText.ToString();
        Assert.Contains("public const int MaxBatchSize = 0;", text, System.StringComparison.Ordinal);
        Assert.DoesNotContain("int batchSize", text, System.StringComparison.Ordinal);
    }
}
