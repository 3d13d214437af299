using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// Weird, half-typed and wrong declarations, as an IDE feeds them to the generator on every
/// keystroke: whatever the compiler says about them, the generator must never throw.
/// </summary>
public class RobustnessTests
{
    private const string U = GeneratorHarness.Using;

    private static readonly Dictionary<string, string[]> s_cases = new()
    {
        ["NameOfWrongType"] = new[] { U + "[ModelLayout][Tensor(5, 3)][Sgd] partial class Head { }" },
        ["DimensionOfWrongType"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3.5)][Sgd] partial class Head { }" },
        ["DimensionAsString"] = new[] { U + "[ModelLayout][Tensor(\"W\", \"3\")][Sgd] partial class Head { }" },
        ["DecayOfWrongType"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3, Decay = 1)][Sgd] partial class Head { }" },
        ["UnknownNamedArgument"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3, Size = 1)][Sgd] partial class Head { }" },
        ["NoArguments"] = new[] { U + "[ModelLayout][Tensor()][Sgd] partial class Head { }" },
        ["NoArgumentList"] = new[] { U + "[ModelLayout][Tensor][Sgd] partial class Head { }" },
        ["UndefinedConstant"] = new[] { U + "[ModelLayout][Tensor(Name, Size)][Sgd] partial class Head { }" },
        ["NonConstantArgument"] = new[] { U + "[ModelLayout][Tensor(\"W\", new System.Random().Next())][Sgd] partial class Head { }" },
        ["ConstantsAndNameof"] = new[] { U + "[ModelLayout][Tensor(nameof(Head), Head.Size)][Sgd] partial class Head { const int Size = 3; }" },
        ["NullShapeCast"] = new[] { U + "[ModelLayout][Tensor(\"W\", (int[])null)][Sgd] partial class Head { }" },
        ["ShapeAsArray"] = new[] { U + "[ModelLayout][Tensor(\"W\", new[] { 3, 2 })][Sgd] partial class Head { }" },
        ["HugeDimensions"] = new[] { U + "[ModelLayout][Tensor(\"W\", int.MaxValue, int.MaxValue, int.MaxValue)][Sgd] partial class Head { }" },
        ["OneTensorOfIntMaxValue"] = new[] { U + "[ModelLayout][Tensor(\"W\", int.MaxValue)][Sgd] partial class Head { }" },
        ["ModelLayoutWithArgument"] = new[] { U + "[ModelLayout(3)][Tensor(\"W\", 3)][Sgd(true)] partial class Head { }" },
        ["OptimizerTwice"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd][Sgd] partial class Head { }" },
        ["UnclosedAttribute"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3 partial class Head { }" },
        ["UnclosedClass"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head {" },
        ["NoClassName"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd] partial class { }" },
        ["AttributesOnly"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd]" },
        ["UnterminatedString"] = new[] { U + "[ModelLayout][Tensor(\"W, 3)][Sgd] partial class Head { }" },
        ["MissingUsing"] = new[] { "[ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head { }" },
        ["FullyQualifiedAttributes"] = new[] { "[WeightDecay.Edge.ModelLayout][WeightDecay.Edge.Tensor(\"W\", 3)][WeightDecay.Edge.Sgd] partial class Head { }" },
        ["AliasedAttributes"] = new[] { "using L = WeightDecay.Edge.ModelLayoutAttribute; using T = WeightDecay.Edge.TensorAttribute;\n[L][T(\"W\", 3)] partial class Head { }" },
        ["Struct"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd] partial struct Head { }" },
        ["Record"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd] partial record Head;" },
        ["Interface"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd] partial interface IHead { }" },
        ["Enum"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd] enum Head { A }" },
        ["OnAMethod"] = new[] { U + "partial class Head { [ModelLayout] void M() { } }" },
        ["CircularBase"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head : Head { }" },
        ["BaseIsALayout"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Base { }\n[ModelLayout][Tensor(\"V\", 3)][Sgd] partial class Head : Base { }" },
        ["SelfReferentialGeneric"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head<T> where T : Head<T> { }" },
        ["TensorOnAnotherClass"] = new[] { U + "[ModelLayout][Sgd] partial class Head { }\n[Tensor(\"W\", 3)] class Other { }" },
        ["SplitAcrossTwoFiles"] = new[]
        {
            U + "[ModelLayout][Tensor(\"W\", 3)] partial class Head { }",
            U + "[Tensor(\"B\", 2, Decay = false)][Sgd] partial class Head { }",
        },
        ["SplitWithOnePartNotPartial"] = new[]
        {
            U + "[ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head { }",
            U + "class Head { }",
        },
        ["ModelLayoutOnBothParts"] = new[]
        {
            U + "namespace Demo { [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head { } }",
            U + "namespace Demo { [ModelLayout][Tensor(\"B\", 3)] partial class Head { } }",
        },
        ["ModelLayoutTwiceOnOnePart"] = new[] { U + "[ModelLayout, ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head { }" },
        ["KeywordEscapedNames"] = new[] { U + "namespace @event { [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class @class { } }" },
        ["FileLocalLayout"] = new[] { U + "[ModelLayout][Tensor(\"W\", 3)][Sgd] file partial class Head { }" },
        ["UnicodeNames"] = new[] { U + "namespace Démo { [ModelLayout][Tensor(\"Wé\", 3)][Tensor(\"\\u0057x\", 2)][Sgd] partial class Tête { } }" },
        ["InvisibleCharacterInName"] = new[] { U + "[ModelLayout][Tensor(\"W\\u200B\", 3)][Sgd] partial class Head { }" },
        ["NestedInPartialInterface"] = new[] { U + "partial interface IOuter { [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head { } }" },
        ["NestedInRefStruct"] = new[] { U + "ref partial struct Outer { [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head { } }" },
        ["ManyTensors"] = new[] { U + "[ModelLayout]" + string.Concat(Enumerable.Range(0, 300).Select(i => $"[Tensor(\"T{i}\", {1 + (i % 7)})]")) + "[Sgd, Adam, AdamW] partial class Head { }" },
        ["HintNameClash_CaseOnly"] = new[] { U + "namespace Demo { [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head { } [ModelLayout][Tensor(\"W\", 2)][Sgd] partial class HEAD { } }" },
        ["HintNameClash_NamespacesDifferingInCase"] = new[] { U + "namespace Demo { [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class Head { } } namespace demo { [ModelLayout][Tensor(\"W\", 2)][Sgd] partial class Head { } }" },
        ["HintNameClash_NamespaceAndContainingType"] = new[] { U + "namespace A.B { [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class C { } } namespace A { partial class B { [ModelLayout][Tensor(\"W\", 2)][Sgd] partial class C { } } }" },
        ["HintNameClash_WithASharedSource"] = new[] { U + "namespace WeightDecay.Edge.Shared { [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class FloatMath { } [ModelLayout][Tensor(\"W\", 3)][Sgd] partial class FLOATMATH { } }" },
        ["HintNameClash_FileLocalTypes"] = new[]
        {
            U + "namespace Demo { [ModelLayout][Tensor(\"W\", 3)][Sgd] file partial class Head { } }",
            U + "namespace Demo { [ModelLayout][Tensor(\"W\", 2)][Sgd] file partial class Head { } }",
        },
        ["EmptyFile"] = new[] { string.Empty },
        ["Garbage"] = new[] { "}}}{{{ [[[ ModelLayout ))) class" },
    };

    public static IEnumerable<object[]> CaseNames() => s_cases.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_generator_never_throws(string name) => AssertNeverThrows(name);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Generated_sources_always_parse(string name) => AssertGeneratedSourcesParse(name);

    [Theory]
    [InlineData("HintNameClash_CaseOnly", "Demo.HEAD.g.cs", "Demo.Head.2.g.cs", true)]
    [InlineData("HintNameClash_NamespacesDifferingInCase", "Demo.Head.g.cs", "demo.Head.2.g.cs", true)]
    [InlineData("HintNameClash_NamespaceAndContainingType", "A.B.C.g.cs", "A.B+C.g.cs", false)] // CS0101: namespace A.B and class A.B
    [InlineData("HintNameClash_WithASharedSource", "WeightDecay.Edge.Shared.FLOATMATH.2.g.cs", "WeightDecay.Edge.Shared.FloatMath.3.g.cs", true)]
    public void Layouts_whose_names_clash_each_get_their_own_file(string name, string first, string second, bool validCSharp)
    {
        GeneratorRun run = GeneratorHarness.Run(s_cases[name]);
        run.AssertNoGeneratorCrash();
        // All sources, not LayoutSources: that one leaves out the shared sources' prefix, which one case takes.
        string[] hintNames = run.Single.GeneratedSources.Select(source => source.HintName).ToArray();
        Assert.Contains(first, hintNames);
        Assert.Contains(second, hintNames);
        Assert.Equal(hintNames.Length, hintNames.Distinct(System.StringComparer.OrdinalIgnoreCase).Count());
        if (validCSharp)
        {
            run.AssertOutputCompilesCleanly();
        }
    }

    [Fact]
    public void File_local_layouts_with_one_name_each_get_their_own_file()
    {
        GeneratorRun run = GeneratorHarness.Run(s_cases["HintNameClash_FileLocalTypes"]);
        run.AssertNoGeneratorCrash();
        Assert.Equal(2, run.LayoutSources.Select(source => source.HintName).Distinct(System.StringComparer.OrdinalIgnoreCase).Count());
    }

    private static void AssertNeverThrows(string name)
    {
        GeneratorHarness.Run(s_cases[name]).AssertNoGeneratorCrash();
        GeneratorHarness.RunWithRuntimeLibrary(s_cases[name]).AssertNoGeneratorCrash();
    }

    /// <summary>Whatever the input, what the generator adds must at least be syntactically valid C#.</summary>
    private static void AssertGeneratedSourcesParse(string name)
    {
        GeneratorRun run = GeneratorHarness.Run(s_cases[name]);
        foreach (GeneratedSourceResult source in run.Single.GeneratedSources)
        {
            Assert.DoesNotContain(source.SyntaxTree.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        }
    }
}
