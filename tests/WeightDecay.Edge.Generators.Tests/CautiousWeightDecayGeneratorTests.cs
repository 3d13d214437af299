using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using WeightDecay.Edge.Generators.Emit;
using WeightDecay.Edge.Generators.Model;
using static WeightDecay.Edge.Generators.Tests.DiagnosticAssert;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// <c>[AdamW(CautiousWeightDecay = true)]</c> in the generator: WDE030 for a bad declaration, the spec, the layout hash
/// text, the mask in every kernel, and the proof that a layout without it generates what it did before.
/// </summary>
public class CautiousWeightDecayGeneratorTests
{
    private const string Tensors = "[Tensor(\"W\", 64, 32)]\n[Tensor(\"B\", 32, Decay = false)]\n[Tensor(\"U\", 21, DecayTowardAnchor = true)]";

    private static string CautiousLayout(string option = "CautiousWeightDecay = true") =>
        Layout($"[ModelLayout]\n{Tensors}\n[Sgd, AdamW({option})]");

    [Fact]
    public void WDE030_CautiousWeightDecay_that_is_not_a_constant()
    {
        string source = Layout(
            "[ModelLayout]\n[Tensor(\"W\", 2, 3)]\n[AdamW(CautiousWeightDecay = Head.Flag)]",
            "partial class Head { public static bool Flag = true; }");
        GeneratorRun run = Single(
            source, "WDE030", DiagnosticSeverity.Error, "[", "AdamW(CautiousWeightDecay = Head.Flag)", "write [AdamW(CautiousWeightDecay = true)]");
        Assert.Contains(
            "sets [AdamW(CautiousWeightDecay = (not a constant))], but the value must be the constant true or false",
            run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            System.StringComparison.Ordinal);
        Assert.Contains(run.Output.GetDiagnostics(), d => d.Id == "CS0182"); // The compiler's own error, beside ours.
    }

    [Fact]
    public void WDE030_CautiousWeightDecay_on_a_layout_with_no_decayed_tensor()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"B\", 2, Decay = false)]\n[Tensor(\"F\", 3, Trainable = false)]\n[AdamW(CautiousWeightDecay = true)]");
        GeneratorRun run = Single(source, "WDE030", DiagnosticSeverity.Error, "[", "AdamW(CautiousWeightDecay = true)", "at least one trainable, decayed tensor");
        Assert.Contains(
            "no trainable tensor of the layout is decayed",
            run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            System.StringComparison.Ordinal);
    }

    [Fact]
    public void WDE030_Sgd_CautiousWeightDecay_on_a_layout_with_no_decayed_tensor()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"B\", 2, Decay = false)]\n[Sgd(CautiousWeightDecay = true)]");
        GeneratorRun run = Single(source, "WDE030", DiagnosticSeverity.Error, "[", "Sgd(CautiousWeightDecay = true)", "write [Sgd(CautiousWeightDecay = true)]");
        Assert.Contains(
            "sets [Sgd(CautiousWeightDecay = true)], but no trainable tensor of the layout is decayed",
            run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            System.StringComparison.Ordinal);
    }

    [Fact]
    public void Sgd_CautiousWeightDecay_is_in_the_spec_the_SGD_hash_and_compiles_at_CSharp_7_3()
    {
        string source = Layout($"[ModelLayout]\n{Tensors}\n[Sgd(CautiousWeightDecay = true), AdamW]");
        LayoutSpec spec = Spec(source);
        Assert.True(spec.SgdCautiousWeightDecay);
        Assert.False(spec.CautiousWeightDecay);
        Assert.EndsWith(" state=0 cautious=1\n", CheckpointEmitter.LayoutDescription(spec, "SgdOptimizer", 0), System.StringComparison.Ordinal);
        Assert.EndsWith(" state=0\n", CheckpointEmitter.LayoutDescription(spec, "AdamWOptimizer", 0), System.StringComparison.Ordinal);
        string plain = LayoutText(Layout($"[ModelLayout]\n{Tensors}\n[Sgd(CautiousWeightDecay = false), AdamW]"));
        Assert.Equal(LayoutText(Layout($"[ModelLayout]\n{Tensors}\n[Sgd, AdamW]")), plain);
        GeneratorRun run = GeneratorHarness.Run(
            GeneratorHarness.Named(new[] { GeneratorHarness.Using + "namespace Demo\n{\n[ModelLayout]\n" + Tensors + "\n[Sgd(CautiousWeightDecay = true)]\npublic partial class Head { }\n}\n" }),
            false,
            Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp7_3);
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertOutputCompilesCleanly();
    }

    [Theory]
    [InlineData("[Tensor(\"W\", 2, 3)]", "CautiousWeightDecay = true")]
    [InlineData("[Tensor(\"B\", 2, Decay = false)]", "CautiousWeightDecay = false")]
    [InlineData("[Tensor(\"W\", 2, 3, DecayTowardAnchor = true)]\n[Tensor(\"F\", 3, Trainable = false)]", "CautiousWeightDecay = true")]
    public void WDE030_is_not_reported_for_a_valid_declaration(string tensors, string option)
    {
        GeneratorRun run = GeneratorHarness.Run(Layout($"[ModelLayout]\n{tensors}\n[Sgd, Adam, AdamW({option})]"));
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertOutputCompilesCleanly();
    }

    [Fact]
    public void CautiousWeightDecay_false_generates_exactly_what_plain_AdamW_does()
    {
        string plain = LayoutText(Layout($"[ModelLayout]\n{Tensors}\n[Sgd, AdamW]"));
        Assert.Equal(plain, LayoutText(CautiousLayout("CautiousWeightDecay = false")));
        Assert.NotEqual(plain, LayoutText(CautiousLayout()));
    }

    [Fact]
    public void The_spec_holds_the_option_and_two_parses_are_equal()
    {
        LayoutSpec first = Spec(CautiousLayout());
        Assert.True(first.CautiousWeightDecay);
        Assert.Equal(first, Spec(CautiousLayout()));
        Assert.False(Spec(CautiousLayout("CautiousWeightDecay = false")).CautiousWeightDecay);
        Assert.NotEqual(first, Spec(CautiousLayout("CautiousWeightDecay = false")));
    }

    [Fact]
    public void The_layout_hash_text_ends_AdamW_s_line_with_cautious_1_only_when_set()
    {
        LayoutSpec cautious = Spec(CautiousLayout());
        LayoutSpec plain = Spec(CautiousLayout("CautiousWeightDecay = false"));
        const string Tensor = "tensor U 21 decay=1 trainable=1 anchor=1\n";

        Assert.EndsWith(Tensor + "optimizer AdamWOptimizer state=1 cautious=1\n", CheckpointEmitter.LayoutDescription(cautious, "AdamWOptimizer", 1), System.StringComparison.Ordinal);
        Assert.EndsWith(Tensor + "optimizer AdamWOptimizer state=0\n", CheckpointEmitter.LayoutDescription(plain, "AdamWOptimizer", 0), System.StringComparison.Ordinal);
        Assert.EndsWith(Tensor + "optimizer SgdOptimizer state=0\n", CheckpointEmitter.LayoutDescription(cautious, "SgdOptimizer", 0), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReferenceFramework.Net10, new[] { "Scalar", "Vector512", "Vector256", "Vector128" })]
    [InlineData(ReferenceFramework.Net8, new[] { "Scalar", "Vector512", "Vector256" })]
    public void Every_AdamW_kernel_masks_its_decay_and_no_line_is_wider_than_140_columns(ReferenceFramework framework, string[] paths)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { CautiousLayout() }), withRuntimeLibrary: true, framework: framework);
        run.AssertNoGeneratorCrash();
        run.AssertOutputCompilesCleanly();
        string text = run.Source(run.LayoutSources.Single().HintName);
        string adamW = text.Substring(text.IndexOf("class AdamWOptimizer", System.StringComparison.Ordinal));
        string kernels = run.Source("WeightDecay.Edge.Kernels.CautiousAdamW.g.cs");
        foreach (string method in new[] { "Update", "UpdateAmsgrad" })
        {
            foreach (string kernel in new[] { "Decayed", "Anchored" })
            {
                foreach (string path in paths)
                {
                    // Every loop is shared on desktop (the layout has an anchor: Shifted tables), the scalar one too.
                    string body = MethodBody(kernels, $"internal static void {method}{kernel}Shifted{path}(");
                    Assert.Contains(path == "Scalar" ? "bool opposite0 = " : "opposite0 |= ", body, System.StringComparison.Ordinal);
                }
            }
        }

        Assert.DoesNotContain("opposite0", text.Substring(0, text.IndexOf("class AdamWOptimizer", System.StringComparison.Ordinal)), System.StringComparison.Ordinal);
        Assert.DoesNotContain("opposite0", run.Source("WeightDecay.Edge.Kernels.Sgd.g.cs"), System.StringComparison.Ordinal);
        Assert.DoesNotContain(run.KernelSources, source => source.HintName == "WeightDecay.Edge.Kernels.AdamW.g.cs");
        text += kernels;
        string[] wide = text.Split('\n').Where(line => line.Length > CodeWriter.MaxColumns).ToArray();
        Assert.True(wide.Length == 0, string.Join("\n", wide.Take(3)));
    }

    [Theory]
    [InlineData("[Tensor(\"W\", 10, 10)]\n[Tensor(\"B\", 10, Decay = false)]", 4055, 112)]
    [InlineData("[Tensor(\"W\", 10, 10, DecayTowardAnchor = true)]\n[Tensor(\"B\", 10, Decay = false)]", 4835, 224)]
    public void The_flash_estimate_counts_the_mask_in_each_decaying_device_loop(string tensors, int plainBytes, int cautiousBytes)
    {
        // FlashBudgetTests' layout: 4,055 bytes; with the anchor, 4,835 (its 780, see FlashEstimate). The mask adds 56 bytes
        // per decaying AdamW loop, in Update and UpdateAmsgrad: the decayed loop, and the anchored one when there is one.
        string plain = LayoutText(Layout($"[ModelLayout]\n{tensors}\n[AdamW]"));
        string cautious = LayoutText(Layout($"[ModelLayout]\n{tensors}\n[AdamW(CautiousWeightDecay = true)]"));
        Assert.Contains($"public const int DeviceIlBytes = {plainBytes};", plain, System.StringComparison.Ordinal);
        Assert.Contains($"public const int DeviceIlBytes = {plainBytes + cautiousBytes};", cautious, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_cautious_layout_compiles_at_CSharp_7_3_without_the_runtime_library()
    {
        string source = GeneratorHarness.Using + """
            namespace Demo
            {
                [ModelLayout]
                [Tensor("W", 3, 2)]
                [Tensor("B", 2, Decay = false)]
                [Tensor("U", 5, DecayTowardAnchor = true)]
                [AdamW(CautiousWeightDecay = true)]
                public partial class Head { }

                internal static class Usage
                {
                    internal static void Train()
                    {
                        var model = new Head();
                        new Head.AdamWOptimizer(model) { Amsgrad = true }.Step();
                    }
                }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { source }), withRuntimeLibrary: false, LanguageVersion.CSharp7_3);
        run.AssertNoGeneratorCrash();
        run.AssertOutputCompilesCleanly();
        // C# 7.3 has no SIMD path: the scalar loops, shared like the SIMD ones on desktop, carry the mask.
        Assert.Contains(
            "bool opposite0 = (m0 < 0f && 0f < old0) || (0f < m0 && old0 < 0f);", run.Source("WeightDecay.Edge.Kernels.CautiousAdamW.g.cs"),
            System.StringComparison.Ordinal);
    }

    // The text from `head` to the end of its method: up to the next "private void" (or the end).
    private static string MethodBody(string text, string head)
    {
        int start = text.IndexOf(head, System.StringComparison.Ordinal);
        Assert.True(start >= 0, "no " + head);
        Match next = new Regex(@"\n\s*(private|internal static) void ").Match(text, start + head.Length);
        return next.Success ? text.Substring(start, next.Index - start) : text.Substring(start);
    }

    private static string LayoutText(string source) => LayoutText(GeneratorHarness.Run(source));

    private static string LayoutText(GeneratorRun run)
    {
        run.AssertNoGeneratorCrash();
        return run.Source(run.LayoutSources.Single().HintName);
    }

    private static LayoutSpec Spec(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorCrash();
        object? value = Assert.Single(Assert.Single(run.Single.TrackedSteps[TrackingNames.Parse]).Outputs).Value;
        return Assert.IsType<LayoutParseResult>(value).Spec!;
    }
}
