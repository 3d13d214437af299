using System.Collections.Generic;
using System.Linq;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>Valid declarations, in every place a user may put a layout, with code that uses the output.</summary>
internal static class ValidLayouts
{
    private const string Tensors = "[Tensor(\"W\", 3, 2)]\n[Tensor(\"B\", 2, Decay = false)]";
    private const string AllOptimizers = "[Sgd, Adam, AdamW]";

    private static readonly Dictionary<string, Case> s_cases = new()
    {
        ["FileScopedNamespace"] = new(
            "Demo.Head",
            Layout("namespace Demo;\n\n{0}\npublic partial class Head { }")),
        ["BlockNamespace"] = new(
            "Demo.Models.Head",
            Layout("namespace Demo.Models\n{{\n{0}\npublic partial class Head { }\n}}")),
        ["GlobalNamespace"] = new(
            "Head",
            Layout("{0}\npublic partial class Head { }")),
        ["InternalSealedClass"] = new(
            "Demo.Head",
            Layout("namespace Demo;\n\n{0}\ninternal sealed partial class Head { }")),
        ["AbstractClassWithUserMembers"] = new(
            "Demo.Head",
            Layout("""
                namespace Demo;

                {0}
                public abstract partial class Head
                {
                    /// <summary>User code next to the generated members.</summary>
                    public float FirstWeight() => W[0] + Parameters[WOffset] + (float)BLength;
                }
                """),
            instantiation: "new Demo.Concrete()",
            extra: "namespace Demo { internal sealed class Concrete : Head { } }"),
        ["NestedInPartialClass"] = new(
            "Demo.Outer.Head",
            Layout("namespace Demo;\n\npublic partial class Outer\n{{\n{0}\npublic partial class Head { }\n}}")),
        ["NestedInStaticPartialClass"] = new(
            "Demo.Outer.Head",
            Layout("namespace Demo;\n\npublic static partial class Outer\n{{\n{0}\npublic partial class Head { }\n}}")),
        ["NestedInPartialStruct"] = new(
            "Demo.Outer.Head",
            Layout("namespace Demo;\n\npublic partial struct Outer\n{{\n{0}\npublic partial class Head { }\n}}")),
        ["NestedInPartialRecord"] = new(
            "Demo.Outer.Head",
            Layout("namespace Demo;\n\npublic partial record Outer\n{{\n{0}\npublic partial class Head { }\n}}")),
        ["NestedInPartialRecordStruct"] = new(
            "Demo.Outer.Head",
            Layout("namespace Demo;\n\npublic partial record struct Outer\n{{\n{0}\npublic partial class Head { }\n}}")),
        ["NestedTwoLevels"] = new(
            "Demo.Outer.Middle.Head",
            Layout("namespace Demo;\n\ninternal partial class Outer\n{{\ninternal partial struct Middle\n{{\n{0}\ninternal partial class Head { }\n}}\n}}")),
        ["SplitAcrossTwoFiles"] = new(
            "Demo.Head",
            Layout("namespace Demo;\n\n[ModelLayout]\n[Tensor(\"W\", 3, 2)]\npublic partial class Head { }"),
            Layout("namespace Demo;\n\n[Tensor(\"B\", 2, Decay = false)]\n[Sgd, Adam, AdamW]\npublic partial class Head { }")),
        ["ManyShapes"] = new(
            "Demo.Head",
            Layout("""
                namespace Demo;

                [ModelLayout]
                [Tensor("Scalar", 1)]
                [Tensor("Conv", 2, 3, 3, 1)]
                [Tensor("Bias", 7, Decay = false)]
                [Tensor("Norm", 9, Decay = false)]
                [Tensor("Dense", 33, 5)]
                [Tensor("_private", 4)]
                [Sgd, Adam, AdamW]
                public partial class Head { }
                """)),
        ["TwoLayoutsSameNameDifferentNamespaces"] = new(
            "A.Head",
            Layout("namespace A\n{{\n{0}\npublic partial class Head { }\n}}\nnamespace B\n{{\n{0}\npublic partial class Head { }\n}}"))
        {
            LayoutCount = 2,
        },
    };

    public static IEnumerable<string> Names => s_cases.Keys;

    public static Case Get(string name) => s_cases[name];

    /// <summary>The small W/B layout in namespace Demo, opting into the given optimizers.</summary>
    public static Case WithOptimizers(string[] optimizers) => new(
        "Demo.Head",
        optimizers,
        GeneratorHarness.Using + $"namespace Demo;\n\n[ModelLayout]\n{Tensors}\n[{string.Join(", ", optimizers)}]\npublic partial class Head {{ }}\n");

    /// <summary>
    /// Fills <c>{0}</c> with the standard attributes. Layout text escapes literal braces that
    /// surround <c>{0}</c> as <c>{{</c>; a body <c>{ }</c> directly after a class name stays as written.
    /// </summary>
    private static string Layout(string template) =>
        GeneratorHarness.Using + template
            .Replace("{ }", "\u0001", System.StringComparison.Ordinal)
            .Replace("{0}", $"[ModelLayout]\n{Tensors}\n{AllOptimizers}", System.StringComparison.Ordinal)
            .Replace("{{", "{", System.StringComparison.Ordinal)
            .Replace("}}", "}", System.StringComparison.Ordinal)
            .Replace("\u0001", "{ }", System.StringComparison.Ordinal) + "\n";

    internal sealed record Case(string FullName, IReadOnlyList<string> Optimizers, params string[] Sources)
    {
        public Case(string fullName, params string[] sources)
            : this(fullName, new[] { "Sgd", "Adam", "AdamW" }, sources)
        {
        }

        public Case(string fullName, string layout, string instantiation, string extra)
            : this(fullName, new[] { "Sgd", "Adam", "AdamW" }, layout, extra)
        {
            Instantiation = instantiation;
        }

        public int LayoutCount { get; init; } = 1;

        public string? Instantiation { get; init; }

        /// <summary>Code that creates the layout and every optimizer, steps each, and (with the runtime) uses the interfaces.</summary>
        public string Usage(bool withRuntimeLibrary)
        {
            string type = "global::" + FullName;
            var lines = new List<string>
            {
                $"{type} model = {Instantiation ?? "new " + type + "()"};",
                $"model.Parameters[0] = 1f;",
                $"model.Gradients[{type}.ParameterCount - 1] = 0.5f;",
                "model.ZeroGrad();",
            };
            foreach (string optimizer in Optimizers)
            {
                string variable = "opt" + optimizer;
                lines.Add($"var {variable} = new {type}.{optimizer}Optimizer(model) {{ LearningRate = 0.1f, WeightDecay = 0.01f }};");
                lines.Add($"{variable}.Step();");
                lines.Add($"long {variable}Steps = {variable}.StepCount;");
                if (withRuntimeLibrary)
                {
                    lines.Add($"global::WeightDecay.Edge.IOptimizer {variable}AsInterface = {variable};");
                }
            }

            if (withRuntimeLibrary)
            {
                lines.Add("global::WeightDecay.Edge.IModelLayout asLayout = model;");
                lines.Add("int tensorCount = asLayout.Tensors.Count;");
            }

            return "internal static class GeneratedCodeUsage\n{\n    internal static void Train()\n    {\n        "
                + string.Join("\n        ", lines) + "\n    }\n}\n";
        }
    }
}
