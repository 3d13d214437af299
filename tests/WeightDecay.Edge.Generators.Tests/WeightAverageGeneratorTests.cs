using Microsoft.CodeAnalysis;
using WeightDecay.Edge.Generators.Model;
using static WeightDecay.Edge.Generators.Tests.DiagnosticAssert;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// <c>[ModelLayout(EmaDecay = d)]</c>: a value outside (0, 1) other than 0 is WDE032 at the attribute (and nothing is
/// generated); the spec records a valid one; the RAM, flash and checkpoint layout count the average; and the output
/// compiles cleanly at the latest C# and at C# 7.3.
/// </summary>
public class WeightAverageGeneratorTests
{
    private const string Tensors = "[Tensor(\"W\", 4, 3)]\n[Tensor(\"F\", 2, Trainable = false)]\n[Tensor(\"B\", 3, Decay = false)]\n[Sgd, Adam, AdamW]";

    [Theory]
    [InlineData("ModelLayout(EmaDecay = 1f)", "sets EmaDecay = 1, but")]
    [InlineData("ModelLayout(EmaDecay = -0.5f)", "sets EmaDecay = -0.5, but")]
    [InlineData("ModelLayout(EmaDecay = 1.5f)", "sets EmaDecay = 1.5, but")]
    [InlineData("ModelLayout(EmaDecay = float.NaN)", "sets EmaDecay = NaN, but")]
    [InlineData("ModelLayout(EmaDecay = float.PositiveInfinity)", "sets EmaDecay = ")]
    public void WDE032_outside_zero_to_one(string attribute, string reason)
    {
        string source = Layout($"[{attribute}]\n{Tensors}");
        GeneratorRun run = Single(source, "WDE032", DiagnosticSeverity.Error, "[", attribute, "e.g. [ModelLayout(EmaDecay = 0.999f)]");
        Assert.Contains(reason, run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void The_spec_records_the_decay_and_0_is_the_layout_without_an_average()
    {
        LayoutSpec spec = ParseSpec(Layout("[ModelLayout(EmaDecay = 0.999f)]\n" + Tensors));
        Assert.Equal(0.999f, spec.EmaDecay);
        Assert.True(spec.HasEma);
        LayoutSpec plain = ParseSpec(Layout("[ModelLayout]\n" + Tensors));
        Assert.False(plain.HasEma);
        Assert.Equal(plain, ParseSpec(Layout("[ModelLayout(EmaDecay = 0f)]\n" + Tensors)));
        Assert.NotEqual(spec, ParseSpec(Layout("[ModelLayout(EmaDecay = 0.99f)]\n" + Tensors)));

        // The average: one float per trainable parameter (W 12, B 3) in each optimizer, on top of AMSGrad's three.
        Assert.Equal(4L * (3 + 1) * 15, new MemoryFootprint(spec).OptimizerStateBytes);
        Assert.True(new FlashEstimate(spec).OptimizerBytes > new FlashEstimate(plain).OptimizerBytes);
        Assert.Contains("\nema 0.999\noptimizer ", Emit.CheckpointEmitter.LayoutDescription(spec, "AdamOptimizer", 0), System.StringComparison.Ordinal);
        Assert.DoesNotContain("ema", Emit.CheckpointEmitter.LayoutDescription(plain, "AdamOptimizer", 0), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest)]
    [InlineData(true, Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest)]
    [InlineData(false, Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp7_3)]
    public void The_output_compiles_cleanly(bool withRuntimeLibrary, Microsoft.CodeAnalysis.CSharp.LanguageVersion version)
    {
        string source = GeneratorHarness.Using + "namespace Demo\n{\n[ModelLayout(EmaDecay = 0.3f, GradientAccumulationSteps = 2)]\n" + Tensors
            + "\npublic partial class Head { }\n}\n";
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { source }), withRuntimeLibrary, version);
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertOutputCompilesCleanly();
    }
}
