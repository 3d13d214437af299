using System.Linq;
using Microsoft.CodeAnalysis;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary><c>[ModelLayout(RamBudgetBytes = n)]</c>: WDE022 with a breakdown when the layout needs more.</summary>
public class RamBudgetTests
{
    // W: 100 floats, B: 10 floats not decayed; AdamW: 3 floats of state per parameter.
    // Parameters 440, gradients 440, state 1,320, no activations: 2,200 bytes.
    private const string Tensors = "[Tensor(\"W\", 10, 10)]\n[Tensor(\"B\", 10, Decay = false)]\n[AdamW]";

    [Fact]
    public void WDE022_over_budget_is_an_error_with_the_breakdown_and_the_code_is_still_generated()
    {
        string source = DiagnosticAssert.Layout("[ModelLayout(RamBudgetBytes = 2199)]\n" + Tensors);
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorCrash();
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        DiagnosticAssert.AssertDiagnostic(
            run, diagnostic, source, "WDE022", DiagnosticSeverity.Error, "[", "ModelLayout(RamBudgetBytes = 2199)", "raise RamBudgetBytes");
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("needs 2,200 bytes of RAM (parameters 440, gradients 440, optimizer state 1,320, activations 0), over its budget of 2,199 bytes", message, System.StringComparison.Ordinal);

        // Only the budget fails the build: the layout's code is there, so nothing else cascades.
        Assert.Single(run.LayoutSources);
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Id != "WDE022" && d.Severity == DiagnosticSeverity.Error);
    }

    [Theory]
    [InlineData("[ModelLayout(RamBudgetBytes = 2200)]")]
    [InlineData("[ModelLayout]")]
    [InlineData("[ModelLayout(RamBudgetBytes = 0)]")]
    public void Within_budget_or_without_one_there_is_no_diagnostic(string attribute)
    {
        GeneratorRun run = GeneratorHarness.Run(DiagnosticAssert.Layout(attribute + "\n" + Tensors));
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        string text = run.LayoutSources.Single().SourceText.ToString();
        Assert.Contains("public const int RamBytes = 2200;", text, System.StringComparison.Ordinal);
    }
}
