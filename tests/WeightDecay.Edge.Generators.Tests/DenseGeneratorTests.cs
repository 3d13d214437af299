using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using WeightDecay.Edge.Generators.Model;
using static WeightDecay.Edge.Generators.Tests.DiagnosticAssert;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// [Dense] layers in the generator: the spec records them (value-equal across parses), their
/// tensors take part in the name-collision checks, the dense members are reserved only when a
/// layout has a [Dense], and the output compiles cleanly at the latest C# and at C# 7.3.
/// </summary>
public class DenseGeneratorTests
{
    private const string Mlp = "[ModelLayout]\n[Dense(\"Hidden\", 4, 3, Activation = Activation.Tanh)]\n[Tensor(\"Extra\", 2)]\n[Dense(\"Output\", 3, 2, BiasDecay = true)]\n[Sgd]";

    [Fact]
    public void The_spec_records_the_layers_and_their_tensors_in_attribute_order()
    {
        LayoutSpec spec = Assert.IsType<LayoutSpec>(Parse(Layout(Mlp)).Spec);
        Assert.Equal(
            new[]
            {
                new DenseLayerSpec("Hidden", 4, 3, DenseActivation.Tanh, 0, 12),
                new DenseLayerSpec("Output", 3, 2, DenseActivation.Identity, 17, 23),
            },
            spec.DenseLayers);
        Assert.Equal(
            new[] { ("HiddenWeight", 0, 12, true), ("HiddenBias", 12, 3, false), ("Extra", 15, 2, true), ("OutputWeight", 17, 6, true), ("OutputBias", 23, 2, true) },
            spec.Tensors.Select(t => (t.Name, t.Offset, t.Length, t.Decay)));
        Assert.Equal(new[] { 3, 4 }, spec.Tensors[0].Shape);
    }

    [Fact]
    public void Parsing_a_dense_layout_twice_gives_equal_specs_and_a_change_gives_a_different_one()
    {
        LayoutParseResult first = Parse(Layout(Mlp));
        Assert.Equal(first, Parse(Layout(Mlp)));
        Assert.Equal(first.GetHashCode(), Parse(Layout(Mlp)).GetHashCode());
        Assert.NotEqual(first, Parse(Layout(Mlp.Replace("Activation.Tanh", "Activation.Sigmoid", System.StringComparison.Ordinal))));
        Assert.NotEqual(first, Parse(Layout(Mlp.Replace("BiasDecay = true", "BiasDecay = false", System.StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData("[Dense(\"Hidden\", 4, 3)]\n[Dense(\"Hidden\", 3, 3)]", "Dense(\"Hidden\", 3, 3)", "HiddenWeight")]
    [InlineData("[Tensor(\"XWeightGradient\", 2)]\n[Dense(\"X\", 4, 3)]", "Dense(\"X\", 4, 3)", "XWeightGradient")]
    [InlineData("[Dense(\"Parameter\", 4, 3)]\n[Tensor(\"W\", 2)]", "Dense(\"Parameter\", 4, 3)", "_ParameterActivations")]
    public void Dense_names_that_collide_get_WDE017(string attributes, string located, string member)
    {
        string source = Layout($"[ModelLayout]\n{attributes}\n[Sgd]", member == "_ParameterActivations" ? "partial class Head { private int _ParameterActivations; }" : "partial class Head { }");
        GeneratorRun run = Single(source, "WDE017", DiagnosticSeverity.Error, "[", located, "rename the layer");
        Assert.Contains("'" + member + "'", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_named_like_a_dense_member_collides_only_in_a_layout_with_dense_layers()
    {
        Single(Layout("[ModelLayout]\n[Dense(\"Hidden\", 4, 3)]\n[Tensor(\"Forward\", 2)]\n[Sgd]"), "WDE006", DiagnosticSeverity.Error, "[", "Tensor(\"Forward\", 2)", "rename the tensor");
        Single(Layout("[ModelLayout]\n[Dense(\"Hidden\", 4, 3)]\n[Tensor(\"HiddenBias\", 2)]\n[Sgd]"), "WDE004", DiagnosticSeverity.Error, "[", "Tensor(\"HiddenBias\", 2)", "distinct name");

        GeneratorRun plain = GeneratorHarness.Run(Layout("[ModelLayout]\n[Tensor(\"Forward\", 2)]\n[Sgd]"));
        Assert.Empty(plain.GeneratorDiagnostics);
        plain.AssertOutputCompilesCleanly();
        Assert.DoesNotContain("DenseForwardPass", plain.LayoutSources[0].SourceText.ToString(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LanguageVersion.Latest, false)]
    [InlineData(LanguageVersion.Latest, true)]
    [InlineData(LanguageVersion.CSharp7_3, false)]
    public void A_dense_layout_compiles_cleanly(LanguageVersion version, bool withRuntimeLibrary)
    {
        string source = GeneratorHarness.Using + """
            namespace Demo
            {
                [ModelLayout]
                [Dense("Hidden", 64, 32, Activation = Activation.ReLU)]
                [Dense("Gate", 32, 16, Activation = Activation.Sigmoid)]
                [Dense("Mixer", 16, 12, Activation = Activation.Tanh)]
                [Dense("Output", 12, 10)]
                [Sgd, Adam, AdamW]
                public partial class DigitsMlp { }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { source }), withRuntimeLibrary, version);
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertOutputCompilesCleanly();
        string text = run.LayoutSources[0].SourceText.ToString();
        Assert.Contains("public float AccumulateCrossEntropyGradient(float[] input, int label, float weight)", text, System.StringComparison.Ordinal);
        Assert.Contains("public float AccumulateMeanSquaredErrorGradient(float[] input, float[] target, float weight)", text, System.StringComparison.Ordinal);
        Assert.Contains("public void Forward(float[] input, float[] output)", text, System.StringComparison.Ordinal);
        Assert.Contains("public int Predict(float[] input)", text, System.StringComparison.Ordinal);
    }

    private static LayoutParseResult Parse(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorCrash();
        object? value = Assert.Single(Assert.Single(run.Single.TrackedSteps[TrackingNames.Parse]).Outputs).Value;
        return Assert.IsType<LayoutParseResult>(value);
    }
}
