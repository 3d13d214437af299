using System.Linq;
using Microsoft.CodeAnalysis;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// <c>[ModelLayout(FlashBudgetBytes = n)]</c>: WDE023 with the estimated device IL by part when the layout's
/// generated code would take more. (The estimate is held to the measured IL by the device tests' IlSizeTests.)
/// </summary>
public class FlashBudgetTests
{
    // Two tensors, two runs (decayed, not decayed), AdamW: layout 347 (200 + 2·20, and CountZeros and L1Penalty 67 + 2·20), optimizer 2,092 (the base class 740, and 900 + 2·65 + the flush 56 + 2·28 + the decay schedule 210), checkpoint 1,616 (1,560 + 26 + 2·15).
    private const string Tensors = "[Tensor(\"W\", 10, 10)]\n[Tensor(\"B\", 10, Decay = false)]\n[AdamW]";

    [Fact]
    public void WDE023_over_budget_is_an_error_with_the_breakdown_and_the_code_is_still_generated()
    {
        string source = DiagnosticAssert.Layout("[ModelLayout(FlashBudgetBytes = 4054)]\n" + Tensors);
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorCrash();
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        DiagnosticAssert.AssertDiagnostic(
            run, diagnostic, source, "WDE023", DiagnosticSeverity.Error, "[", "ModelLayout(FlashBudgetBytes = 4054)", "raise FlashBudgetBytes");
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(
            "generates an estimated 4,055 bytes of device IL (layout 347, dense passes 0, optimizers 2,092, checkpoints 1,616; the shared types add about 10,200 once per assembly), over its budget of 4,054 bytes",
            message,
            System.StringComparison.Ordinal);
        Assert.Single(run.LayoutSources);
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Id != "WDE023" && d.Severity == DiagnosticSeverity.Error);
    }

    [Theory]
    [InlineData("[ModelLayout(FlashBudgetBytes = 4055)]")]
    [InlineData("[ModelLayout]")]
    [InlineData("[ModelLayout(FlashBudgetBytes = 0, RamBudgetBytes = 0)]")]
    public void Within_budget_or_without_one_there_is_no_diagnostic(string attribute)
    {
        GeneratorRun run = GeneratorHarness.Run(DiagnosticAssert.Layout(attribute + "\n" + Tensors));
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        string text = run.LayoutSources.Single().SourceText.ToString();
        Assert.Contains("public const int DeviceIlBytes = 4055;", text, System.StringComparison.Ordinal);
    }
}
