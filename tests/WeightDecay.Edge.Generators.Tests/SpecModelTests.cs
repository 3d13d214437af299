using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using WeightDecay.Edge.Generators.Diagnostics;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// The model the pipeline caches: two parses of one declaration compare equal, and no spec can
/// hold a symbol, syntax, location or compilation (which would root old compilations and defeat
/// caching).
/// </summary>
public class SpecModelTests
{
    private const string Source = GeneratorHarness.Using + """
        namespace Demo;

        public partial class Outer
        {
            [ModelLayout]
            [Tensor("W", 3, 2)]
            [Tensor("B", 2, Decay = false)]
            [Sgd, AdamW]
            public partial class Head { }
        }
        """;

    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(Compilation), typeof(SemanticModel),
        typeof(SyntaxToken), typeof(SyntaxReference), typeof(AttributeData), typeof(TypedConstant),
    };

    [Fact]
    public void Parsing_the_same_declaration_twice_gives_equal_results()
    {
        LayoutParseResult first = Parse(Source);
        LayoutParseResult second = Parse(Source);

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public void Parsing_a_bad_declaration_twice_gives_equal_results_with_diagnostics()
    {
        string source = DiagnosticAssert.Layout("[ModelLayout]\n[Tensor(\"W\", 0)]\n[Tensor(\"W\", 2)]");
        LayoutParseResult first = Parse(source);
        LayoutParseResult second = Parse(source);

        Assert.Null(first.Spec);
        Assert.Equal(3, first.Diagnostics.Count); // WDE007, WDE004, WDE011
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public void A_different_declaration_gives_a_different_result()
    {
        Assert.NotEqual(Parse(Source), Parse(Source.Replace("Decay = false", "Decay = true", StringComparison.Ordinal)));
        Assert.NotEqual(Parse(Source), Parse(Source.Replace("[Sgd, AdamW]", "[Sgd]", StringComparison.Ordinal)));
        Assert.NotEqual(Parse(Source), Parse(Source.Replace("3, 2", "2, 3", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_spec_describes_the_declaration()
    {
        LayoutParseResult result = Parse(Source);

        Assert.Equal(0, result.Diagnostics.Count);
        LayoutSpec spec = Assert.IsType<LayoutSpec>(result.Spec);
        Assert.Equal("Demo", spec.Namespace);
        Assert.Equal("Head", spec.ClassName);
        Assert.Equal("Demo.Outer.Head", spec.FullName);
        Assert.Equal(new ContainingTypeSpec("class", "Outer"), Assert.Single(spec.ContainingTypes));
        Assert.Equal(OptimizerKinds.Sgd | OptimizerKinds.AdamW, spec.Optimizers);
        Assert.Equal(8, spec.ParameterCount);
        Assert.Equal(
            new[]
            {
                new TensorSpec("W", new[] { 3, 2 }.ToEquatableArray(), 0, 6, true),
                new TensorSpec("B", new[] { 2 }.ToEquatableArray(), 6, 2, false),
            },
            spec.Tensors);
    }

    [Fact]
    public void EquatableArray_compares_by_content()
    {
        EquatableArray<int> a = new[] { 1, 2, 3 }.ToEquatableArray();
        EquatableArray<int> b = new[] { 1, 2, 3 }.ToEquatableArray();
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new[] { 1, 2 }.ToEquatableArray());
        Assert.Equal(EquatableArray<int>.Empty, default(EquatableArray<int>));
    }

    [Fact]
    public void No_model_type_holds_symbols_syntax_or_compilations()
    {
        Assembly generator = typeof(ModelLayoutGenerator).Assembly;
        IEnumerable<Type> roots = generator.GetTypes()
            .Where(type => type.Namespace == typeof(LayoutSpec).Namespace)
            .Append(typeof(DiagnosticInfo));

        var visited = new HashSet<Type>();
        var offenders = new List<string>();
        foreach (Type root in roots)
        {
            Walk(root, root.Name, generator, visited, offenders);
        }

        Assert.True(offenders.Count == 0, "Model members that root a compilation:\n" + string.Join("\n", offenders));
        Assert.Contains(typeof(LayoutSpec), visited);
        Assert.Contains(typeof(TensorSpec), visited);
        Assert.Contains(typeof(ContainingTypeSpec), visited);
        Assert.Contains(typeof(LayoutParseResult), visited);
        Assert.Contains(typeof(DiagnosticInfo), visited);
    }

    [Fact]
    public void The_walker_catches_a_forbidden_member()
    {
        // Guards the guard: a type holding a Location inside a generic must be reported.
        var offenders = new List<string>();
        Walk(typeof(HoldsALocation), nameof(HoldsALocation), typeof(HoldsALocation).Assembly, new HashSet<Type>(), offenders);
        Assert.Single(offenders);
    }

    /// <summary>Visits every field and property type, recursing into generic arguments, array elements and the generator's own types.</summary>
    private static void Walk(Type type, string path, Assembly generator, HashSet<Type> visited, List<string> offenders)
    {
        if (type.IsGenericParameter || !visited.Add(type))
        {
            return;
        }

        if (Forbidden.Any(forbidden => forbidden.IsAssignableFrom(type)))
        {
            offenders.Add($"{path}: {type}");
            return;
        }

        foreach (Type argument in type.GetGenericArguments())
        {
            Walk(argument, path + "<" + argument.Name + ">", generator, visited, offenders);
        }

        if (type.IsArray || type.HasElementType)
        {
            Walk(type.GetElementType()!, path + "[]", generator, visited, offenders);
        }

        if (type.Assembly != generator || type.IsEnum)
        {
            return; // Framework and Roslyn types (string, ImmutableArray<T>, DiagnosticDescriptor) are leaves.
        }

        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        for (Type? current = type; current is not null && current.Assembly == generator; current = current.BaseType)
        {
            foreach (FieldInfo field in current.GetFields(all))
            {
                Walk(field.FieldType, path + "." + field.Name, generator, visited, offenders);
            }

            foreach (PropertyInfo property in current.GetProperties(all))
            {
                Walk(property.PropertyType, path + "." + property.Name, generator, visited, offenders);
            }
        }
    }

    private static LayoutParseResult Parse(string source)
    {
        // A fresh compilation and driver each time: equality must not rest on shared objects.
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorCrash();
        object? value = Assert.Single(Assert.Single(run.Single.TrackedSteps[TrackingNames.Parse]).Outputs).Value;
        return Assert.IsType<LayoutParseResult>(value);
    }

    private sealed class HoldsALocation
    {
        public List<Location> Locations { get; } = new();
    }
}
