using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// Valid declarations (every optimizer combination, unusual but valid forms, C# 7.3) give output
/// that compiles with no error and no warning (XML documentation checked too), with the runtime
/// library absent and present; <see cref="ValidLayoutCompilationTests"/> has the plain layouts.
/// Each case also uses what was generated, so a missing or misnamed member fails here.
/// </summary>
public class CompilationTests
{
    private static readonly ReferenceFramework[] Frameworks = { ReferenceFramework.Net8, ReferenceFramework.Net10 };

    public static IEnumerable<object[]> OptimizerCombinations() =>
        from mask in Enumerable.Range(1, 7)
        from runtime in new[] { false, true }
        from framework in Frameworks
        select new object[] { mask, runtime, framework };

    [Theory]
    [MemberData(nameof(OptimizerCombinations))]
    public void Every_optimizer_combination_compiles(int mask, bool withRuntimeLibrary, ReferenceFramework framework)
    {
        string[] optimizers = new[] { "Sgd", "Adam", "AdamW" }.Where((_, bit) => (mask & (1 << bit)) != 0).ToArray();
        ValidLayouts.Case layout = ValidLayouts.WithOptimizers(optimizers);
        GeneratorRun run = GeneratorHarness.Run(
            GeneratorHarness.Named(layout.Sources.Append(layout.Usage(withRuntimeLibrary))), withRuntimeLibrary, framework: framework);

        AssertCompilesCleanly(run, expectedLayoutSources: 1);
        string generated = run.LayoutSources[0].SourceText.ToString();
        foreach (string optimizer in new[] { "Sgd", "Adam", "AdamW" })
        {
            bool expected = optimizers.Contains(optimizer);
            Assert.Equal(expected, generated.Contains($"public sealed class {optimizer}Optimizer", System.StringComparison.Ordinal));
        }

        Assert.Equal(withRuntimeLibrary, generated.Contains("global::WeightDecay.Edge.IModelLayout", System.StringComparison.Ordinal));
    }

    public static IEnumerable<object[]> UnusualCases() => UnusualValidLayouts.Keys.Select(name => new object[] { name });

    /// <summary>Valid but unusual declarations: they must compile as cleanly as the plain ones.</summary>
    private static readonly Dictionary<string, string[]> UnusualValidLayouts = new()
    {
        ["FullyQualifiedAttributes"] = new[] { "[WeightDecay.Edge.ModelLayout][WeightDecay.Edge.Tensor(\"W\", 3)][WeightDecay.Edge.Sgd] partial class Head { }" },
        ["AliasedAttributes"] = new[] { "using L = WeightDecay.Edge.ModelLayoutAttribute; using T = WeightDecay.Edge.TensorAttribute; using S = WeightDecay.Edge.SgdAttribute;\n[L][T(\"W\", 3)][S] partial class Head { }" },
        ["ConstantsAndNameof"] = new[] { GeneratorHarness.Using + "[ModelLayout][Tensor(nameof(System.Array), Head.Size, Head.Size * 2)][Sgd] partial class Head { const int Size = 3; }" },
        ["ShapeAsArray"] = new[] { GeneratorHarness.Using + "[ModelLayout][Tensor(\"W\", new[] { 3, 2 })][Sgd] partial class Head { }" },
        ["UnicodeNames"] = new[] { GeneratorHarness.Using + "namespace Démo { [ModelLayout][Tensor(\"Wé\", 3)][Tensor(\"\\u0057x\", 2)][Sgd] partial class Tête { } }" },
        ["NestedInPartialInterface"] = new[] { GeneratorHarness.Using + "partial interface IOuter { [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head { } }" },
        ["NestedInRefStruct"] = new[] { GeneratorHarness.Using + "ref partial struct Outer { [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head { } }" },
        ["NestedInReadonlyStruct"] = new[] { GeneratorHarness.Using + "readonly partial struct Outer { [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head { } }" },
        ["FileLocalLayout"] = new[] { GeneratorHarness.Using + "[ModelLayout][Tensor(\"W\", 3)][Sgd] file partial class Head { }" },
        ["PrimaryConstructor"] = new[] { GeneratorHarness.Using + "[ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head(int seed) { public int Seed => seed; }" },
        ["TensorNamedLikeGeneratedLocals"] = new[] { GeneratorHarness.Using + "[ModelLayout][Tensor(\"p\", 3)][Tensor(\"g\", 3)][Tensor(\"m\", 2)][Tensor(\"v\", 2)][Tensor(\"i\", 5)][Tensor(\"model\", 1)][Tensor(\"value\", 1)][Tensor(\"NoState\", 1)][Tensor(\"Model\", 1)][Tensor(\"Step\", 1)][Tensor(\"System\", 1)][Tensor(\"global\", 1)][Tensor(\"var\", 1)][Tensor(\"_\", 1)][Sgd, Adam, AdamW] partial class Head { }" },
        ["LayoutNamedLikeOptimizerMembers"] = new[] { GeneratorHarness.Using + "[ModelLayout][Tensor(\"W\", 3)][Sgd, Adam, AdamW] partial class Model { }" },
    };

    /// <summary>300 tensors and every optimizer: about 238,000 generated lines, the longest compilation here.</summary>
    private static readonly string[] s_manyTensors =
    {
        GeneratorHarness.Using + "[ModelLayout]" + string.Concat(Enumerable.Range(0, 300).Select(i => $"[Tensor(\"T{i}\", {1 + (i % 7)}, Decay = {(i % 3 == 0 ? "false" : "true")})]")) + "[Sgd, Adam, AdamW] partial class Head { }",
    };

    [Theory]
    [MemberData(nameof(UnusualCases))]
    public void Unusual_valid_layout_compiles(string name) => AssertCompilesWithAndWithoutRuntimeLibrary(UnusualValidLayouts[name]);

    /// <summary>Minutes of compiling on a 2-core machine: a later step of .ci/run (tests/README.md).</summary>
    [Fact]
    [Trait("Category", "Long")]
    public void A_300_tensor_layout_compiles() => AssertCompilesWithAndWithoutRuntimeLibrary(s_manyTensors);

    private static void AssertCompilesWithAndWithoutRuntimeLibrary(string[] sources)
    {
        foreach (bool withRuntimeLibrary in new[] { false, true })
        {
            GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(sources), withRuntimeLibrary);
            AssertCompilesCleanly(run, expectedLayoutSources: run.LayoutSources.Length);
            Assert.NotEmpty(run.LayoutSources);
        }
    }

    [Theory]
    [InlineData(ReferenceFramework.Net8, 8)]
    [InlineData(ReferenceFramework.Net10, 10)]
    public void Each_frameworks_references_are_that_frameworks(ReferenceFramework framework, int major)
    {
        // The net8 cases must really build against .NET 8, or they would test the net10 path twice.
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(
            GeneratorHarness.Named(new[] { "class C { }" }), withRuntimeLibrary: true, framework: framework);
        AssemblyIdentity[] identities = compilation.References
            .Select(reference => compilation.GetAssemblyOrModuleSymbol(reference))
            .OfType<IAssemblySymbol>()
            .Select(assembly => assembly.Identity)
            .ToArray();
        Assert.Equal(major, identities.Single(identity => identity.Name == "System.Runtime").Version.Major);
        Assert.Contains(identities, identity => identity.Name == "WeightDecay.Edge");
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CSharp7_3_Compiles(bool withRuntimeLibrary)
    {
        // nanoFramework projects build with C# 7.3: no file-scoped namespaces, no #nullable.
        string source = GeneratorHarness.Using + """
            namespace Demo
            {
                [ModelLayout]
                [Tensor("W", 3, 2)]
                [Tensor("B", 2, Decay = false)]
                [Sgd, Adam, AdamW]
                public partial class Head { }

                internal static class Usage
                {
                    internal static void Train()
                    {
                        var model = new Head();
                        new Head.SgdOptimizer(model).Step();
                        new Head.AdamOptimizer(model).Step();
                        new Head.AdamWOptimizer(model).Step();
                    }
                }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Named(new[] { source }), withRuntimeLibrary, LanguageVersion.CSharp7_3);

        AssertCompilesCleanly(run, expectedLayoutSources: 1);
        Assert.DoesNotContain("#nullable", run.LayoutSources[0].SourceText.ToString(), System.StringComparison.Ordinal);
    }

    /// <summary>
    /// The output has no warning or error, except missing-documentation warnings on the test's own
    /// public types, and emits an assembly.
    /// </summary>
    internal static void AssertCompilesCleanly(GeneratorRun run, int expectedLayoutSources)
    {
        run.AssertNoGeneratorCrash();
        Assert.True(run.GeneratorDiagnostics.IsEmpty, "Unexpected generator diagnostics:\n" + GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.Equal(expectedLayoutSources, run.LayoutSources.Length);

        run.AssertOutputCompilesCleanly();
        Assert.True(run.Emitted.Success, GeneratorRun.Describe(run.Emitted.Diagnostics));
    }
}
