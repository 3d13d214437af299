using Microsoft.CodeAnalysis;
using WeightDecay.Edge.Generators.Model;
using static WeightDecay.Edge.Generators.Tests.DiagnosticAssert;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// <c>[ModelLayout(GradientAccumulationSteps = k)]</c>: a value below 1 is WDE031 at the attribute (and nothing is
/// generated); the spec records a valid one; a layout with k = 1 is the layout without it; the state, RAM, flash and
/// checkpoint layout count the gradient sum; and the output compiles cleanly at the latest C# and at C# 7.3.
/// </summary>
public class GradientAccumulationGeneratorTests
{
    private const string Tensors = "[Tensor(\"W\", 4, 3)]\n[Tensor(\"F\", 2, Trainable = false)]\n[Tensor(\"B\", 3, Decay = false)]\n[Sgd, Adam, AdamW]";

    [Theory]
    [InlineData("ModelLayout(GradientAccumulationSteps = 0)", "sets GradientAccumulationSteps = 0, but it must be at least 1")]
    [InlineData("ModelLayout(GradientAccumulationSteps = -4)", "sets GradientAccumulationSteps = -4, but it must be at least 1")]
    [InlineData("ModelLayout(GradientAccumulationSteps = int.MinValue)", "sets GradientAccumulationSteps = -2147483648, but")]
    public void WDE031_below_one(string attribute, string reason)
    {
        string source = Layout($"[{attribute}]\n{Tensors}");
        GeneratorRun run = Single(source, "WDE031", DiagnosticSeverity.Error, "[", attribute, "e.g. [ModelLayout(GradientAccumulationSteps = 4)]");
        Assert.Contains(reason, run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void The_spec_records_the_steps_and_one_is_the_layout_without_them()
    {
        LayoutSpec spec = ParseSpec(Layout("[ModelLayout(GradientAccumulationSteps = 8)]\n" + Tensors));
        Assert.Equal(8, spec.GradientAccumulationSteps);
        Assert.True(spec.AccumulatesGradients);
        LayoutSpec plain = ParseSpec(Layout("[ModelLayout]\n" + Tensors));
        Assert.Equal(1, plain.GradientAccumulationSteps);
        Assert.Equal(plain, ParseSpec(Layout("[ModelLayout(GradientAccumulationSteps = 1)]\n" + Tensors)));
        Assert.NotEqual(spec, ParseSpec(Layout("[ModelLayout(GradientAccumulationSteps = 7)]\n" + Tensors)));

        // The sum: one float per trainable parameter (W 12, B 3) in each optimizer, on top of AMSGrad's three.
        Assert.Equal(4L * (3 + 1) * 15, new MemoryFootprint(spec).OptimizerStateBytes);
        Assert.Equal(4L * 3 * 15, new MemoryFootprint(plain).OptimizerStateBytes);
        Assert.True(new FlashEstimate(spec).OptimizerBytes > new FlashEstimate(plain).OptimizerBytes);

        // The checkpoint layout names it, so that k = 8 and k = 1 checkpoints are told apart.
        Assert.Contains("\naccumulate 8\noptimizer ", Emit.CheckpointEmitter.LayoutDescription(spec, "SgdOptimizer", 0), System.StringComparison.Ordinal);
        Assert.DoesNotContain("accumulate", Emit.CheckpointEmitter.LayoutDescription(plain, "SgdOptimizer", 0), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest)]
    [InlineData(true, Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest)]
    [InlineData(false, Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp7_3)]
    public void The_output_compiles_cleanly(bool withRuntimeLibrary, Microsoft.CodeAnalysis.CSharp.LanguageVersion version)
    {
        string source = GeneratorHarness.Using + "namespace Demo\n{\n[ModelLayout(GradientAccumulationSteps = 4)]\n" + Tensors
            + "\npublic partial class Head { }\n}\n";
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { source }), withRuntimeLibrary, version);
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertOutputCompilesCleanly();
    }
}
