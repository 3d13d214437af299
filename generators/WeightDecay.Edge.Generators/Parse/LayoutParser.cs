using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using WeightDecay.Edge.Generators.Diagnostics;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Parse;

/// <summary>
/// Turns a class marked <c>[ModelLayout]</c> into a <see cref="LayoutSpec"/> and its diagnostics.
/// This is the only stage that sees symbols and syntax; nothing it returns holds on to them.
/// </summary>
internal static class LayoutParser
{
    public static LayoutParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax declaration)
        {
            return new LayoutParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        // A declaration typed mid-edit ('partial class { }') has no name to generate for, and a class
        // marked [ModelLayout] on several parts (already CS0579) is generated once, for the first.
        if (declaration.Identifier.IsMissing || !IsFirstLayoutDeclaration(type, declaration, cancellationToken))
        {
            return new LayoutParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        Location location = declaration.Identifier.GetLocation();
        bool canEmit = CheckDeclaration(type, declaration, location, diagnostics);
        canEmit &= CheckMembers(type, location, diagnostics);
        EquatableArray<ContainingTypeSpec> containingTypes = ParseContainingTypes(type, location, diagnostics, ref canEmit);

        cancellationToken.ThrowIfCancellationRequested();
        var denseLayers = new List<DenseLayerSpec>();
        List<TensorSpec> tensors = TensorParser.Parse(type, location, diagnostics, denseLayers, ref canEmit, cancellationToken);
        OptimizerKinds optimizers = ParseOptimizers(type);
        if (optimizers == OptimizerKinds.None)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoOptimizer, location, type.Name));
        }

        LayoutSpec? spec = canEmit
            ? new LayoutSpec(
                type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
                Identifier(type.Name),
                containingTypes,
                tensors.ToEquatableArray(),
                optimizers)
            {
                DenseLayers = denseLayers.ToEquatableArray(),
            }
            : null;
        if (spec is not null)
        {
            CheckRamBudget(context, spec, diagnostics);
            CheckFlashBudget(context, spec, diagnostics);
        }

        return new LayoutParseResult(spec, diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// <c>[ModelLayout(RamBudgetBytes = n)]</c>: an error with the breakdown when the layout needs
    /// more. The code is still generated, so the budget is the only error the build reports.
    /// </summary>
    private static void CheckRamBudget(GeneratorAttributeSyntaxContext context, LayoutSpec spec, List<DiagnosticInfo> diagnostics)
    {
        foreach (AttributeData attribute in context.Attributes)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key != "RamBudgetBytes" || argument.Value.Value is not long budget || budget <= 0)
                {
                    continue;
                }

                var footprint = new MemoryFootprint(spec);
                if (footprint.TotalBytes > budget)
                {
                    System.Globalization.CultureInfo invariant = System.Globalization.CultureInfo.InvariantCulture;
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.RamBudgetExceeded,
                        attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation(),
                        spec.ClassName,
                        footprint.TotalBytes.ToString("N0", invariant),
                        footprint.ParameterBytes.ToString("N0", invariant),
                        footprint.GradientBytes.ToString("N0", invariant),
                        footprint.OptimizerStateBytes.ToString("N0", invariant),
                        footprint.ActivationBytes.ToString("N0", invariant),
                        budget.ToString("N0", invariant)));
                }
            }
        }
    }

    /// <summary>
    /// <c>[ModelLayout(FlashBudgetBytes = n)]</c>: an error with the estimated device IL by part when the
    /// layout's generated code would take more (see <see cref="FlashEstimate"/>). The code is still generated.
    /// </summary>
    private static void CheckFlashBudget(GeneratorAttributeSyntaxContext context, LayoutSpec spec, List<DiagnosticInfo> diagnostics)
    {
        foreach (AttributeData attribute in context.Attributes)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key != "FlashBudgetBytes" || argument.Value.Value is not long budget || budget <= 0)
                {
                    continue;
                }

                var estimate = new FlashEstimate(spec);
                if (estimate.TotalBytes > budget)
                {
                    System.Globalization.CultureInfo invariant = System.Globalization.CultureInfo.InvariantCulture;
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.FlashBudgetExceeded,
                        attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation(),
                        spec.ClassName,
                        estimate.TotalBytes.ToString("N0", invariant),
                        estimate.LayoutBytes.ToString("N0", invariant),
                        estimate.DenseBytes.ToString("N0", invariant),
                        estimate.OptimizerBytes.ToString("N0", invariant),
                        estimate.CheckpointBytes.ToString("N0", invariant),
                        FlashEstimate.SharedBytes.ToString("N0", invariant),
                        budget.ToString("N0", invariant)));
                }
            }
        }
    }

    private static bool CheckDeclaration(INamedTypeSymbol type, ClassDeclarationSyntax declaration, Location location, List<DiagnosticInfo> diagnostics)
    {
        bool canEmit = true;
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayoutNotPartial, location, type.Name));
            canEmit = false;
        }

        if (type.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayoutIsStatic, location, type.Name));
            canEmit = false;
        }

        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeParameters.Length > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayoutIsGeneric, location, type.Name));
                canEmit = false;
                break;
            }
        }

        return canEmit;
    }

    private static EquatableArray<ContainingTypeSpec> ParseContainingTypes(
        INamedTypeSymbol type, Location location, List<DiagnosticInfo> diagnostics, ref bool canEmit)
    {
        var containingTypes = new List<ContainingTypeSpec>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartial(outer))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, location, type.Name, outer.Name));
                canEmit = false;
            }

            containingTypes.Insert(0, new ContainingTypeSpec(Keyword(outer), Identifier(outer.Name)));
        }

        return containingTypes.ToEquatableArray();
    }

    private static bool IsFirstLayoutDeclaration(INamedTypeSymbol type, ClassDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == AttributeNames.ModelLayout)
            {
                SyntaxNode? applied = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
                return applied is null || declaration.Span.Contains(applied.Span) && applied.SyntaxTree == declaration.SyntaxTree;
            }
        }

        return true;
    }

    /// <summary>
    /// Members every layout generates must not clash with the class itself: its own name, members it
    /// declares, or members a base layout already generated.
    /// </summary>
    private static bool CheckMembers(INamedTypeSymbol type, Location location, List<DiagnosticInfo> diagnostics)
    {
        bool canEmit = true;
        for (INamedTypeSymbol? baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (baseType.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AttributeNames.ModelLayout))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayoutDerivesFromLayout, location, type.Name, baseType.Name));
                canEmit = false;
                break;
            }
        }

        if (GeneratedNames.LayoutMembers.Contains(type.Name))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayoutNamedLikeMember, location, type.Name));
            canEmit = false;
        }

        foreach (string member in GeneratedNames.LayoutMembers)
        {
            if (type.MemberNames.Contains(member))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayoutDeclaresGeneratedMember, location, type.Name, member));
                canEmit = false;
            }
        }

        return canEmit;
    }

    /// <summary>A name as it must be written in C#: <c>@class</c> for a type named after a keyword.</summary>
    private static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static bool IsPartial(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Length > 0 &&
        type.DeclaringSyntaxReferences.All(reference =>
            reference.GetSyntax() is TypeDeclarationSyntax syntax && syntax.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    private static OptimizerKinds ParseOptimizers(INamedTypeSymbol type)
    {
        OptimizerKinds kinds = OptimizerKinds.None;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            kinds |= attribute.AttributeClass?.ToDisplayString() switch
            {
                AttributeNames.Sgd => OptimizerKinds.Sgd,
                AttributeNames.Adam => OptimizerKinds.Adam,
                AttributeNames.AdamW => OptimizerKinds.AdamW,
                _ => OptimizerKinds.None,
            };
        }

        return kinds;
    }
}
