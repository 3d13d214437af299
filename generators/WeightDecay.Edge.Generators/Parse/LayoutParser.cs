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
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax target)
        {
            return new LayoutParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        if (target is not ClassDeclarationSyntax declaration)
        {
            return ParseRecord(type, target, cancellationToken);
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
        int maxBatchSize = ReadMaxBatchSize(context, type.Name, denseLayers, diagnostics, ref canEmit);
        int accumulation = ReadGradientAccumulation(context, type.Name, diagnostics, ref canEmit);
        float emaDecay = ReadEmaDecay(context, type.Name, diagnostics, ref canEmit);
        OptimizerKinds optimizers = ParseOptimizers(type);
        bool cautious = OptimizerOptionParser.ReadCautiousWeightDecay(type, tensors, diagnostics, ref canEmit);
        bool sgdCautious = OptimizerOptionParser.ReadSgdCautiousWeightDecay(type, tensors, diagnostics, ref canEmit);
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
                MetadataName = MetadataName(type),
                InitSeed = ReadSeed(context),
                MaxBatchSize = maxBatchSize,
                GradientAccumulationSteps = accumulation,
                EmaDecay = emaDecay,
                CautiousWeightDecay = cautious,
                SgdCautiousWeightDecay = sgdCautious,
                TakenAliases = TakenAliases(context.SemanticModel, declaration, tensors),
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
    /// The names of <see cref="SharedTypeAliases.All"/> that code in the layout's body already binds to something (a member,
    /// a nested or enclosing type, a type of its namespaces or usings), which an alias of that name would be shadowed by or
    /// conflict with; and those the generator itself adds to the class for its tensors (a tensor named <c>Buffers</c>),
    /// which the user's compilation does not hold yet.
    /// </summary>
    private static EquatableArray<string> TakenAliases(SemanticModel model, ClassDeclarationSyntax declaration, List<TensorSpec> tensors)
    {
        int position = declaration.OpenBraceToken.IsMissing ? declaration.SpanStart : declaration.OpenBraceToken.Span.End;
        var tensorMembers = new HashSet<string>(
            tensors.SelectMany(tensor => GeneratedNames.TensorMemberSuffixes.Select(suffix => tensor.Name + suffix)), System.StringComparer.Ordinal);
        // The shared type itself, seen through the user's own using directive, is what the alias names: no conflict.
        return SharedTypeAliases.All
            .Where(entry => tensorMembers.Contains(entry.Alias) || model.LookupSymbols(position, name: entry.Alias)
                .Any(symbol => symbol is not INamedTypeSymbol named || named.ToDisplayString() != entry.Type))
            .Select(entry => entry.Alias)
            .ToEquatableArray();
    }

    /// <summary>
    /// A <c>record</c> (class) marked <c>[ModelLayout]</c>: WDE026, once, on the first marked part.
    /// A <c>record struct</c> is left to the compiler, which already rejects the attribute (CS0592).
    /// </summary>
    private static LayoutParseResult ParseRecord(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        if (declaration is not RecordDeclarationSyntax record
            || record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword)
            || record.Identifier.IsMissing
            || !IsFirstLayoutDeclaration(type, record, cancellationToken))
        {
            return new LayoutParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        DiagnosticInfo diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.LayoutIsRecord, record.Identifier.GetLocation(), type.Name);
        return new LayoutParseResult(null, new[] { diagnostic }.ToEquatableArray());
    }

    /// <summary><c>[ModelLayout(Seed = n)]</c>, or 0.</summary>
    private static ulong ReadSeed(GeneratorAttributeSyntaxContext context)
    {
        foreach (AttributeData attribute in context.Attributes)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == "Seed" && argument.Value.Value is ulong seed)
                {
                    return seed;
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// <c>[ModelLayout(MaxBatchSize = n)]</c>, or 0. WDE028 (and nothing generated) when it is negative, set on a
    /// layout without [Dense] layers, or so large that a layer's buffer (or the input rows) would pass int.MaxValue floats.
    /// </summary>
    private static int ReadMaxBatchSize(
        GeneratorAttributeSyntaxContext context, string className, List<DenseLayerSpec> layers, List<DiagnosticInfo> diagnostics, ref bool canEmit)
    {
        foreach (AttributeData attribute in context.Attributes)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key != "MaxBatchSize" || argument.Value.Value is not int size || size == 0)
                {
                    continue;
                }

                long widest = 0;
                foreach (DenseLayerSpec layer in layers)
                {
                    widest = System.Math.Max(widest, System.Math.Max(layer.Inputs, layer.Outputs));
                }

                string? problem = size < 0 ? "it is negative"
                    : layers.Count == 0 ? "the layout declares no [Dense] layers, which are what it sizes"
                    : size * widest > int.MaxValue ? "MaxBatchSize times the widest layer (" + widest.ToString(System.Globalization.CultureInfo.InvariantCulture) + ") is over int.MaxValue floats"
                    : null;
                if (problem is null)
                {
                    return size;
                }

                canEmit = false;
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.InvalidMaxBatchSize,
                    attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation(),
                    className,
                    size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    problem));
            }
        }

        return 0;
    }

    /// <summary><c>[ModelLayout(EmaDecay = d)]</c>, or 0. WDE032 (and nothing generated) unless it is 0 or in (0, 1).</summary>
    private static float ReadEmaDecay(GeneratorAttributeSyntaxContext context, string className, List<DiagnosticInfo> diagnostics, ref bool canEmit)
    {
        foreach (AttributeData attribute in context.Attributes)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key != "EmaDecay" || argument.Value.Value is not float decay)
                {
                    continue;
                }

                if (decay == 0f || (decay > 0f && decay < 1f))
                {
                    return decay;
                }

                canEmit = false;
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.InvalidEmaDecay,
                    attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation(),
                    className,
                    decay.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        return 0f;
    }

    /// <summary><c>[ModelLayout(GradientAccumulationSteps = k)]</c>, or 1. WDE031 (and nothing generated) when it is below 1.</summary>
    private static int ReadGradientAccumulation(
        GeneratorAttributeSyntaxContext context, string className, List<DiagnosticInfo> diagnostics, ref bool canEmit)
    {
        foreach (AttributeData attribute in context.Attributes)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key != "GradientAccumulationSteps" || argument.Value.Value is not int steps)
                {
                    continue;
                }

                if (steps >= 1)
                {
                    return steps;
                }

                canEmit = false;
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.InvalidGradientAccumulation,
                    attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation(),
                    className,
                    steps.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        return 1;
    }

    /// <summary>
    /// The CLR name (<c>Ns.Outer+Head</c>, file-local types mangled): unique in the compilation,
    /// unlike the C# name, which a namespace and a containing type can share.
    /// </summary>
    private static string MetadataName(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }

        // Names, not display strings: a namespace written '@event' is named 'event'.
        for (INamespaceSymbol? space = type.ContainingNamespace; space is { IsGlobalNamespace: false }; space = space.ContainingNamespace)
        {
            name = space.MetadataName + "." + name;
        }

        return name;
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
                        budget.ToString("N0", invariant),
                        footprint.AnchorBytes == 0 ? string.Empty : ", anchor " + footprint.AnchorBytes.ToString("N0", invariant)));
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

    private static bool IsFirstLayoutDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
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
            // MemberNames leaves out nested types: a nested class Optimizer or SgdOptimizer clashes too.
            if (type.MemberNames.Contains(member) || !type.GetTypeMembers(member).IsEmpty)
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
