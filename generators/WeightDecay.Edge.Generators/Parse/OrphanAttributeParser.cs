using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using WeightDecay.Edge.Generators.Diagnostics;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Parse;

/// <summary>
/// Finds layout attributes (<c>[Tensor]</c>, <c>[Dense]</c>, <c>[Sgd]</c>, <c>[Adam]</c>,
/// <c>[AdamW]</c>) on a class that is not marked <c>[ModelLayout]</c>. Without this the only sign
/// is a CS0426 ("'AdamWOptimizer' does not exist") far away, at the first use of the layout.
/// </summary>
internal static class OrphanAttributeParser
{
    /// <summary>The attributes that mean something only next to <c>[ModelLayout]</c>, with the names users write.</summary>
    public static readonly (string MetadataName, string ShortName)[] LayoutAttributes =
    {
        (AttributeNames.Tensor, "Tensor"),
        (AttributeNames.Dense, "Dense"),
        (AttributeNames.Sgd, "Sgd"),
        (AttributeNames.Adam, "Adam"),
        (AttributeNames.AdamW, "AdamW"),
    };

    /// <summary>
    /// One WDE025 per matching attribute on this declaration when the class (any of its parts)
    /// lacks <c>[ModelLayout]</c>; nothing otherwise. Returns values only, so the step caches.
    /// </summary>
    public static EquatableArray<DiagnosticInfo> Parse(GeneratorAttributeSyntaxContext context, string shortName, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || IsModelLayout(type))
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        var diagnostics = new List<DiagnosticInfo>();
        foreach (AttributeData attribute in context.Attributes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Location? location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AttributeWithoutModelLayout, location, shortName, type.Name));
        }

        return diagnostics.ToEquatableArray();
    }

    private static bool IsModelLayout(INamedTypeSymbol type)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == AttributeNames.ModelLayout)
            {
                return true;
            }
        }

        return false;
    }
}
