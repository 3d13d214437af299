using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using static WeightDecay.Edge.Generators.Tests.DiagnosticAssert;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// One test per bad declaration: the right WDE ID and severity, at the class identifier or at the
/// offending [Tensor], with a message that says how to fix it; no exception; no source for errors.
/// </summary>
public class DiagnosticTests
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const string ClassKeyword = "class ";
    private const string AttributeOpen = "[";

    [Fact]
    public void WDE001_layout_not_partial()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 2)]\n[Sgd]", "public class Head { }");
        Single(source, "WDE001", Error, ClassKeyword, "Head", "write 'partial class Head'");
    }

    [Fact]
    public void WDE002_nested_in_a_type_that_is_not_partial()
    {
        string source = GeneratorHarness.Using + """
            namespace Demo;

            public class Outer
            {
                [ModelLayout]
                [Tensor("W", 2)]
                [Sgd]
                public partial class Head { }
            }
            """;
        Single(source, "WDE002", Error, ClassKeyword, "Head", "declare 'Outer' as 'partial' or move 'Head' out of it");
    }

    [Fact]
    public void WDE002_nested_two_levels_in_a_type_that_is_not_partial()
    {
        string source = GeneratorHarness.Using + """
            namespace Demo;

            public class Outer
            {
                public partial class Middle
                {
                    [ModelLayout]
                    [Tensor("W", 2)]
                    [Sgd]
                    public partial class Head { }
                }
            }
            """;
        Single(source, "WDE002", Error, ClassKeyword, "Head", "declare 'Outer' as 'partial'");
    }

    [Fact]
    public void WDE003_generic_layout()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 2)]\n[Sgd]", "partial class Head<T> { }");
        Single(source, "WDE003", Error, ClassKeyword, "Head", "remove the type parameters");
    }

    [Fact]
    public void WDE003_nested_in_a_generic_type()
    {
        string source = GeneratorHarness.Using + """
            namespace Demo;

            public partial class Outer<T>
            {
                [ModelLayout]
                [Tensor("W", 2)]
                [Sgd]
                public partial class Head { }
            }
            """;
        Single(source, "WDE003", Error, ClassKeyword, "Head", "remove the type parameters");
    }

    [Fact]
    public void WDE004_duplicate_tensor_name_points_at_the_second_tensor()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 2)]\n[Tensor(\"W\", 3)]\n[Sgd]");
        Single(source, "WDE004", Error, AttributeOpen, "Tensor(\"W\", 3)", "give each [Tensor] a distinct name");
    }

    [Theory]
    [InlineData("1W")]
    [InlineData("W-1")]
    [InlineData("W 1")]
    [InlineData("@W")]
    [InlineData("class")]
    [InlineData("int")]
    public void WDE005_invalid_tensor_name(string name)
    {
        string attribute = $"Tensor(\"{name}\", 2)";
        string source = Layout($"[ModelLayout]\n[Tensor(\"Ok\", 2)]\n[{attribute}]\n[Sgd]");
        GeneratorRun run = Single(source, "WDE005", Error, AttributeOpen, attribute, "use letters, digits and '_', not starting with a digit");
        Assert.Contains($"'{name}'", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Parameters", "Parameters", "every layout generates")]
    [InlineData("Gradients", "Gradients", "every layout generates")]
    [InlineData("ParameterCount", "ParameterCount", "every layout generates")]
    [InlineData("ZeroGrad", "ZeroGrad", "every layout generates")]
    [InlineData("AdamWOptimizer", "AdamWOptimizer", "every layout generates")]
    [InlineData("Optimizer", "Optimizer", "every layout generates")]
    [InlineData("Head", "Head", "is the name of the layout class")]
    [InlineData("ToString", "ToString", "every object already has")]
    public void WDE006_tensor_name_collides_with_a_generated_member(string tensor, string member, string owner)
    {
        string attribute = $"Tensor(\"{tensor}\", 2)";
        string source = Layout($"[ModelLayout]\n[{attribute}]\n[Sgd]");
        GeneratorRun run = Single(source, "WDE006", Error, AttributeOpen, attribute, "rename the tensor");
        string message = run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"member '{member}', which {owner}", message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void WDE006_the_offset_of_one_tensor_is_another_tensor()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 2)]\n[Tensor(\"WOffset\", 3)]\n[Sgd]");
        GeneratorRun run = Single(source, "WDE006", Error, AttributeOpen, "Tensor(\"WOffset\", 3)", "rename the tensor");
        Assert.Contains("the tensor 'W' also generates", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void WDE006_tensor_named_like_the_private_tensor_table()
    {
        // The layout's private table of tensors is a member too; with the runtime library it backs Tensors.
        string source = Layout("[ModelLayout]\n[Tensor(\"s_tensors\", 2)]\n[Sgd]");
        Single(source, "WDE006", Error, AttributeOpen, "Tensor(\"s_tensors\", 2)", "rename the tensor");
    }

    [Fact]
    public void WDE006_a_tensor_member_is_the_class_name()
    {
        // "Head" + "Length" is the class's own name: a member may not be named like its type (CS0542).
        string source = Layout("[ModelLayout]\n[Tensor(\"Head\", 2)]\n[Sgd]", "partial class HeadLength { }");
        GeneratorRun run = Single(source, "WDE006", Error, AttributeOpen, "Tensor(\"Head\", 2)", "rename the tensor");
        Assert.Contains("'HeadLength', which is the name of the layout class", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public int WLength;", "WLength")]
    [InlineData("public void W() { }", "W")]
    [InlineData("public float[] WGradient => new float[0];", "WGradient")]
    public void WDE006_a_tensor_member_is_declared_by_the_user(string userMember, string member)
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 2)]\n[Sgd]", $"partial class Head {{ {userMember} }}");
        GeneratorRun run = Single(source, "WDE006", Error, AttributeOpen, "Tensor(\"W\", 2)", "rename the tensor");
        Assert.Contains($"'{member}', which the class already declares", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tensor(\"W\", 0)", "The first dimension (index 0) of the tensor 'W' is 0")]
    [InlineData("Tensor(\"W\", 3, -2)", "The second dimension (index 1) of the tensor 'W' is -2")]
    [InlineData("Tensor(\"W\", int.MinValue)", "The first dimension (index 0) of the tensor 'W' is -2147483648")]
    [InlineData("Tensor(\"W\", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)", "The 11th dimension (index 10) of the tensor 'W' is 0")]
    public void WDE007_dimension_that_is_not_positive(string attribute, string what)
    {
        string source = Layout($"[ModelLayout]\n[{attribute}]\n[Sgd]");
        GeneratorRun run = Single(source, "WDE007", Error, AttributeOpen, attribute, "use a positive size");
        Assert.Contains(what, run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void WDE007_every_bad_dimension_is_reported()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 0, 2, -1)]\n[Sgd]");
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorCrash();
        Assert.Equal(new[] { "WDE007", "WDE007" }, run.GeneratorDiagnostics.Select(d => d.Id));
        NoLayoutSource(run);
    }

    [Theory]
    [InlineData("Tensor(\"W\")")]
    [InlineData("Tensor(\"W\", Decay = false)")]
    [InlineData("Tensor(\"W\", null)")]
    [InlineData("Tensor(\"W\", new int[0])")]
    public void WDE008_missing_shape(string attribute)
    {
        string source = Layout($"[ModelLayout]\n[{attribute}]\n[Sgd]");
        Single(source, "WDE008", Error, AttributeOpen, attribute, "list its sizes after the name, e.g. [Tensor(\"W\", 64, 32)]");
    }

    [Fact]
    public void WDE009_total_size_overflows_int()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"A\", 50000, 50000)]\n[Tensor(\"B\", 50000, 50000)]\n[Sgd]");
        Single(source, "WDE009", Error, ClassKeyword, "Head", "shrink the tensors or split the model");
    }

    [Fact]
    public void WDE009_sum_of_tensors_just_over_int_MaxValue()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"A\", int.MaxValue)]\n[Tensor(\"B\", 1)]\n[Sgd]");
        GeneratorRun run = Single(source, "WDE009", Error, ClassKeyword, "Head", "shrink the tensors or split the model");
        Assert.Contains("needs 2,147,483,648 scalars", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void WDE009_message_states_the_true_size()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"A\", 50000, 50000)]\n[Tensor(\"B\", 50000, 50000)]\n[Sgd]");
        GeneratorRun run = Single(source, "WDE009", Error, ClassKeyword, "Head", "shrink the tensors or split the model");
        Assert.Contains("needs 5,000,000,000 scalars", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void WDE010_no_tensors()
    {
        string source = Layout("[ModelLayout]\n[Sgd]");
        Single(source, "WDE010", Error, ClassKeyword, "Head", "add at least one [Tensor(\"Name\", sizes...)] attribute");
    }

    [Fact]
    public void WDE011_no_optimizer_is_a_warning_and_the_buffers_are_still_emitted()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 3, 2)]");
        GeneratorRun run = Single(source, "WDE011", DiagnosticSeverity.Warning, ClassKeyword, "Head", "add [Sgd], [Adam] or [AdamW] to get an optimizer");

        GeneratedSourceResult generated = Assert.Single(run.LayoutSources);
        string text = generated.SourceText.ToString();
        Assert.Contains("public readonly float[] Parameters", text, System.StringComparison.Ordinal);
        Assert.DoesNotContain("sealed class", text, System.StringComparison.Ordinal);

        // The output compiles; the only diagnostic in it is the generator's own warning.
        Assert.Empty(run.OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(run.OutputDiagnostics.Where(d => d.Id != "WDE011"));
    }

    [Fact]
    public void WDE012_static_layout()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 2)]\n[Sgd]", "static partial class Head { }");
        Single(source, "WDE012", Error, ClassKeyword, "Head", "remove 'static'");
    }

    [Theory]
    [InlineData("Tensor(null, 2)")]
    [InlineData("Tensor(\"\", 2)")]
    [InlineData("Tensor(\"\")")]
    public void WDE013_null_or_empty_name(string attribute)
    {
        string source = Layout($"[ModelLayout]\n[{attribute}]\n[Sgd]");
        Single(source, "WDE013", Error, AttributeOpen, attribute, "pass the tensor's name as the first argument");
    }

    [Theory]
    [InlineData("[Dense(\"Hidden\", 4, 3)]\n[Dense(\"Out\", 2, 1)]", "Dense(\"Out\", 2, 1)", "WDE014", "make each [Dense]'s inputs equal the previous [Dense]'s outputs")]
    [InlineData("[Dense(\"Hidden\", 0, 3)]", "Dense(\"Hidden\", 0, 3)", "WDE015", "use a positive size")]
    [InlineData("[Dense(\"1st\", 4, 3)]", "Dense(\"1st\", 4, 3)", "WDE016", "use letters, digits and '_', not starting with a digit")]
    [InlineData("[Dense(\"class\", 4, 3)]", "Dense(\"class\", 4, 3)", "WDE016", "use letters, digits and '_', not starting with a digit")]
    [InlineData("[Tensor(\"HiddenWeight\", 2)]\n[Dense(\"Hidden\", 4, 3)]", "Dense(\"Hidden\", 4, 3)", "WDE017", "rename the layer")]
    [InlineData("[Dense(\"Hidden\", 4, 3, Activation = (Activation)7)]", "Dense(\"Hidden\", 4, 3, Activation = (Activation)7)", "WDE018", "use Activation.Identity, ReLU, Tanh or Sigmoid")]
    public void WDE014_to_WDE018_bad_dense_layers(string attributes, string located, string id, string fix)
    {
        string source = Layout($"[ModelLayout]\n{attributes}\n[Sgd]");
        Single(source, id, Error, AttributeOpen, located, fix);
    }

    [Fact]
    public void WDE019_layout_derives_from_a_layout()
    {
        string source = GeneratorHarness.Using + """
            namespace Demo;

            [ModelLayout]
            [Tensor("W", 2)]
            [Sgd]
            public partial class Base { }

            [ModelLayout]
            [Tensor("V", 2)]
            [Sgd]
            public partial class Head : Base { }
            """;
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorCrash();
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        AssertDiagnostic(run, diagnostic, source, "WDE019", Error, ClassKeyword, "Head", "derive from a class that is not a layout, or declare all tensors on one layout");
        Assert.Contains("derives from the model layout 'Base'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);

        // The base layout is still generated; the derived one is not.
        Assert.Equal(new[] { "Demo.Base.g.cs" }, run.LayoutSources.Select(s => s.HintName));
    }

    [Theory]
    [InlineData("Parameters")]
    [InlineData("ZeroGrad")]
    [InlineData("AdamWOptimizer")]
    public void WDE020_layout_named_like_a_generated_member(string name)
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 2)]\n[Sgd]", $"partial class {name} {{ }}");
        GeneratorRun run = Single(source, "WDE020", Error, ClassKeyword, name, "rename the class");
        Assert.Contains($"The model layout '{name}' has the name of a member every layout generates", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public void ZeroGrad() { }", "ZeroGrad")]
    [InlineData("public int ParameterCount;", "ParameterCount")]
    [InlineData("public float[] Gradients = new float[0];", "Gradients")]
    [InlineData("public sealed class Optimizer { }", "Optimizer")]
    [InlineData("private sealed class SgdOptimizer { }", "SgdOptimizer")]
    [InlineData("private static int StateSlice(int tensor) => tensor;", "StateSlice")]
    public void WDE021_layout_declares_a_generated_member(string member, string name)
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 2)]\n[Sgd]", $"partial class Head {{ {member} }}");
        GeneratorRun run = Single(source, "WDE021", Error, ClassKeyword, "Head", "rename or remove the member");
        Assert.Contains($"declares '{name}', which the generator adds to every layout", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Tensor(\"W\", 2)]", "Tensor(\"W\", 2)", "Tensor")]
    [InlineData("[Dense(\"Hidden\", 4, 3)]", "Dense(\"Hidden\", 4, 3)", "Dense")]
    [InlineData("[Sgd]", "Sgd", "Sgd")]
    [InlineData("[Adam]", "Adam", "Adam")]
    [InlineData("[AdamW(  )]", "AdamW(  )", "AdamW")]
    public void WDE025_layout_attribute_without_ModelLayout_is_a_warning_on_the_attribute(string attribute, string located, string shortName)
    {
        string source = Layout(attribute);
        GeneratorRun run = Single(source, "WDE025", DiagnosticSeverity.Warning, AttributeOpen, located, "add [ModelLayout] to 'Head'");
        Assert.StartsWith($"The attribute [{shortName}] on 'Head' has no effect", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        NoLayoutSource(run);
    }

    [Fact]
    public void WDE025_every_orphan_attribute_is_reported_at_its_own_place()
    {
        string source = Layout("[Tensor(\"W\", 2)]\n[Tensor(\"B\", 2)]\n[AdamW, Sgd]");
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorCrash();
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal("WDE025", d.Id));
        Assert.Equal(
            new[] { "AdamW", "Sgd", "Tensor(\"B\", 2)", "Tensor(\"W\", 2)" },
            run.GeneratorDiagnostics.Select(run.LocatedText).OrderBy(text => text, System.StringComparer.Ordinal));
    }

    [Fact]
    public void WDE025_is_not_reported_when_another_part_carries_ModelLayout()
    {
        GeneratorRun run = GeneratorHarness.Run(
            GeneratorHarness.Using + "namespace Demo;\n[ModelLayout][Tensor(\"W\", 3)] partial class Head { }",
            GeneratorHarness.Using + "namespace Demo;\n[Tensor(\"B\", 2, Decay = false)][Sgd] partial class Head { }");
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.LayoutSources);
    }

    [Fact]
    public void WDE025_on_a_class_derived_from_a_layout_says_to_add_ModelLayout_there()
    {
        string source = GeneratorHarness.Using + "namespace Demo;\n[ModelLayout][Tensor(\"W\", 3)][Sgd] public partial class Base { }\n[Tensor(\"V\", 2)] public class Derived : Base { }\n";
        GeneratorRun run = Single(source, "WDE025", DiagnosticSeverity.Warning, AttributeOpen, "Tensor(\"V\", 2)", "add [ModelLayout] to 'Derived'");
        Assert.Single(run.LayoutSources);
    }

    [Theory]
    [InlineData("partial record Head;")]
    [InlineData("public partial record Head(int Size);")]
    [InlineData("partial record class Head { }")]
    [InlineData("sealed partial record Head { }")]
    public void WDE026_record_layout(string declaration)
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 2)]\n[Sgd]", declaration);
        string before = declaration.Substring(0, declaration.IndexOf("Head", System.StringComparison.Ordinal));
        Single(source, "WDE026", Error, before, "Head", "declare it as 'partial class Head'");
    }

    [Fact]
    public void WDE026_record_struct_is_left_to_the_compiler()
    {
        // [ModelLayout] only targets classes: the compiler reports CS0592, the generator adds nothing.
        GeneratorRun run = GeneratorHarness.Run(Layout("[ModelLayout]\n[Tensor(\"W\", 2)]\n[Sgd]", "partial record struct Head;"));
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains(run.OutputDiagnostics, d => d.Id == "CS0592");
        NoLayoutSource(run);
    }

    [Theory]
    [InlineData("Tensor(\"W\", 2, Init = TensorInit.Uniform)", "sets InitBound = 0")]
    [InlineData("Tensor(\"W\", 2, Init = TensorInit.Normal, InitStd = -1f)", "sets InitStd = -1")]
    [InlineData("Tensor(\"W\", 2, Init = TensorInit.Uniform, InitBound = float.NaN)", "sets InitBound = NaN")]
    [InlineData("Tensor(\"W\", 2, Init = TensorInit.Normal, InitStd = float.PositiveInfinity)", "sets InitStd = ")]
    [InlineData("Tensor(\"W\", 2, Init = (TensorInit)9)", "sets Init = 9")]
    public void WDE027_invalid_tensor_init(string attribute, string what)
    {
        string source = Layout($"[ModelLayout]\n[{attribute}]\n[Sgd]");
        GeneratorRun run = Single(source, "WDE027", Error, AttributeOpen, attribute, "a positive finite number");
        Assert.Contains("The tensor 'W' " + what, run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tensor(\"W\", 2, Init = TensorInit.Uniform, InitBound = 0.5f)")]
    [InlineData("Tensor(\"W\", 2, Init = TensorInit.Normal, InitStd = 1e-30f)")]
    [InlineData("Tensor(\"W\", 2, Init = TensorInit.None, InitBound = -1f)")]
    [InlineData("Tensor(\"W\", 2, Init = TensorInit.Zeros)")]
    public void WDE027_is_not_reported_for_a_valid_init(string attribute)
    {
        GeneratorRun run = GeneratorHarness.Run(Layout($"[ModelLayout]\n[{attribute}]\n[Sgd]"));
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertOutputCompilesCleanly();
    }

    [Theory]
    [InlineData("Tensor(\"W\", 2, 3, L1 = -1e-4f)", "sets L1 = -0.0001, but L1 must be zero (none) or a positive finite number")]
    [InlineData("Tensor(\"W\", 2, 3, L1 = float.PositiveInfinity)", "sets L1 = ")]
    [InlineData("Tensor(\"W\", 2, 3, MaxNorm = float.NaN)", "sets MaxNorm = NaN, but MaxNorm must be zero (none) or a positive finite number")]
    [InlineData("Tensor(\"W\", 2, 3, MaxNorm = -3f)", "sets MaxNorm = -3, but")]
    [InlineData("Tensor(\"W\", 6, MaxNorm = 3f)", "sets MaxNorm = 3, but MaxNorm bounds the L2 norm of each row")]
    [InlineData("Tensor(\"W\", 2, 3, L1 = 0.5f, Trainable = false)", "sets L1 = 0.5, but the tensor is frozen")]
    [InlineData("Tensor(\"W\", 2, 3, DecayTowardAnchor = true, Decay = false)", "sets DecayTowardAnchor = true, but the tensor is not decayed (Decay = false)")]
    [InlineData("Tensor(\"W\", 2, 3, DecayTowardAnchor = true, Trainable = false)", "sets DecayTowardAnchor = true, but the tensor is frozen")]
    [InlineData("Tensor(\"W\", 2, 3, LearningRateScale = 0f)", "sets LearningRateScale = 0, but LearningRateScale must be a positive finite number")]
    [InlineData("Tensor(\"W\", 2, 3, LearningRateScale = -0.5f)", "sets LearningRateScale = -0.5, but LearningRateScale must be a positive finite number")]
    [InlineData("Tensor(\"W\", 2, 3, LearningRateScale = float.NaN)", "sets LearningRateScale = NaN, but")]
    [InlineData("Tensor(\"W\", 2, 3, WeightDecayScale = float.PositiveInfinity)", "sets WeightDecayScale = ")]
    [InlineData("Tensor(\"W\", 2, 3, WeightDecayScale = 0f)", "sets WeightDecayScale = 0, but WeightDecayScale must be a positive finite number")]
    [InlineData("Tensor(\"W\", 2, 3, LearningRateScale = 2f, Trainable = false)", "sets LearningRateScale = 2, but the tensor is frozen")]
    [InlineData("Tensor(\"W\", 2, 3, WeightDecayScale = 2f, Decay = false)", "sets WeightDecayScale = 2, but the tensor is not decayed (Decay = false)")]
    public void WDE029_invalid_regulariser_on_a_tensor(string attribute, string what)
    {
        string source = Layout($"[ModelLayout]\n[{attribute}]\n[Sgd]");
        GeneratorRun run = Single(source, "WDE029", Error, AttributeOpen, attribute, "on a trainable, decayed tensor");
        Assert.Contains("The tensor 'W' " + what, run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Dense(\"Hidden\", 4, 3, MaxNorm = 0.5f, Trainable = false)", "sets MaxNorm = 0.5, but the tensor is frozen")]
    [InlineData("Dense(\"Hidden\", 4, 3, L1 = float.NaN)", "sets L1 = NaN, but")]
    [InlineData("Dense(\"Hidden\", 4, 3, DecayTowardAnchor = true, Trainable = false)", "sets DecayTowardAnchor = true, but the tensor is frozen")]
    [InlineData("Dense(\"Hidden\", 4, 3, LearningRateScale = -1f)", "sets LearningRateScale = -1, but")]
    [InlineData("Dense(\"Hidden\", 4, 3, WeightDecayScale = 3f, Trainable = false)", "sets WeightDecayScale = 3, but the tensor is frozen")]
    public void WDE029_invalid_regulariser_on_a_dense_layer(string attribute, string what)
    {
        string source = Layout($"[ModelLayout]\n[{attribute}]\n[Sgd]");
        GeneratorRun run = Single(source, "WDE029", Error, AttributeOpen, attribute, "on a trainable, decayed tensor");
        Assert.Contains("The tensor 'HiddenWeight' " + what, run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tensor(\"W\", 2, 3, L1 = 1e-4f, MaxNorm = 3f)")]
    [InlineData("Tensor(\"W\", 6, L1 = 0f, MaxNorm = 0f, Trainable = false)")]
    [InlineData("Dense(\"Hidden\", 4, 3, L1 = 1e-30f, MaxNorm = 1e30f)")]
    [InlineData("Tensor(\"W\", 2, 3, DecayTowardAnchor = true, L1 = 1e-4f)")]
    [InlineData("Tensor(\"W\", 2, 3, DecayTowardAnchor = false, Decay = false)")]
    [InlineData("Dense(\"Hidden\", 4, 3, DecayTowardAnchor = true, BiasDecay = true)")]
    [InlineData("Tensor(\"W\", 2, 3, LearningRateScale = 1f, WeightDecayScale = 1f, Trainable = false)")]
    [InlineData("Tensor(\"W\", 2, 3, LearningRateScale = 1e-6f, WeightDecayScale = 1e6f, DecayTowardAnchor = true)")]
    [InlineData("Tensor(\"W\", 2, 3, LearningRateScale = 3f, Decay = false)")]
    [InlineData("Dense(\"Hidden\", 4, 3, LearningRateScale = 0.1f, WeightDecayScale = 10f)")]
    public void WDE029_is_not_reported_for_valid_regularisers(string attribute)
    {
        GeneratorRun run = GeneratorHarness.Run(Layout($"[ModelLayout]\n[{attribute}]\n[Sgd, Adam, AdamW]"));
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertOutputCompilesCleanly();
    }

    [Fact]
    public void Several_problems_are_all_reported_each_at_its_own_place()
    {
        string source = Layout("[ModelLayout]\n[Tensor(\"W\", 0)]\n[Tensor(\"class\", 2)]\n[Tensor(\"\", 2)]", "class Head { }");
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorCrash();
        Assert.Equal(
            new[] { "WDE001", "WDE005", "WDE007", "WDE011", "WDE013" },
            run.GeneratorDiagnostics.Select(d => d.Id).OrderBy(id => id, System.StringComparer.Ordinal));
        NoLayoutSource(run);
    }

    [Fact]
    public void Every_descriptor_is_documented()
    {
        string docs = System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"));
        foreach (DiagnosticDescriptor descriptor in AllDescriptors())
        {
            string title = descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"| {descriptor.Id} | {title} |", docs, System.StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// docs/diagnostics.md promises a test per ID. An ID counts as tested when a [Fact] or [Theory]
    /// of the generator or CLI tests names it in a string (its body or its data), other than in
    /// Assert.DoesNotContain: the diagnostic tests pass the ID they expect as a string.
    /// </summary>
    [Fact]
    public void Every_diagnostic_ID_is_asserted_by_a_test()
    {
        string[] projects = { "WeightDecay.Edge.Generators.Tests", "WeightDecay.Edge.Generators.Cli.Tests" };
        string[] files = projects
            .SelectMany(project => System.IO.Directory.GetFiles(System.IO.Path.Combine(RepositoryRoot(), "tests", project), "*.cs"))
            .ToArray();
        Assert.Contains(files, file => file.EndsWith("FlashWarningTests.cs", System.StringComparison.Ordinal));

        var asserted = new System.Collections.Generic.HashSet<string>(System.StringComparer.Ordinal);
        foreach (string file in files)
        {
            SyntaxNode root = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(System.IO.File.ReadAllText(file)).GetRoot();
            foreach (var method in root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>())
            {
                bool isTest = method.AttributeLists.SelectMany(list => list.Attributes)
                    .Any(attribute => attribute.Name.ToString() is "Fact" or "Theory");
                if (!isTest || method.Identifier.Text == nameof(Every_diagnostic_ID_is_asserted_by_a_test))
                {
                    continue;
                }

                IEnumerable<SyntaxToken> strings = method.DescendantTokens().Where(token =>
                    (token.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.StringLiteralToken)
                        || token.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.InterpolatedStringTextToken))
                    && !token.Parent!.AncestorsAndSelf().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>()
                        .Any(call => call.Expression.ToString().EndsWith("DoesNotContain", System.StringComparison.Ordinal)));
                foreach (SyntaxToken token in strings)
                {
                    foreach (System.Text.RegularExpressions.Match id in System.Text.RegularExpressions.Regex.Matches(token.ValueText, @"\bWDE[0-9]{3}\b"))
                    {
                        asserted.Add(id.Value);
                    }
                }
            }
        }

        string[] untested = AllDescriptors().Select(d => d.Id).Where(id => !asserted.Contains(id)).ToArray();
        Assert.True(untested.Length == 0, "No test asserts " + string.Join(", ", untested) + ": add one (see docs/diagnostics.md).");
    }

    private static DiagnosticDescriptor[] AllDescriptors() =>
        typeof(Diagnostics.DiagnosticDescriptors)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id, System.StringComparer.Ordinal)
            .ToArray();

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(thisFile)!, "..", ".."));

    [Fact]
    public void Every_descriptor_has_a_stable_ID_a_title_and_a_fix()
    {
        DiagnosticDescriptor[] descriptors = AllDescriptors();

        // Contiguous, stable IDs; new ones are appended.
        Assert.True(descriptors.Length >= 13);
        Assert.Equal(Enumerable.Range(1, descriptors.Length).Select(i => $"WDE{i:000}"), descriptors.Select(d => d.Id));
        foreach (DiagnosticDescriptor descriptor in descriptors)
        {
            Assert.Equal("WeightDecay.Edge", descriptor.Category);
            Assert.True(descriptor.IsEnabledByDefault);
            if (string.CompareOrdinal(descriptor.Id, "WDE013") <= 0)
            {
                Assert.Equal(descriptor.Id == "WDE011" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            }

            // The fix follows a colon: "...: rename the tensor".
            string format = descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(": ", format, System.StringComparison.Ordinal);
        }
    }
}
