using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using WeightDecay.Edge.Generators.Diagnostics;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Parse;

/// <summary>
/// Reads the compile-time options of the optimizer attributes: today <c>[AdamW(CautiousWeightDecay = true)]</c>. A value
/// that is not a constant bool, or one that could change nothing, gets WDE030 and nothing is generated for the layout.
/// </summary>
internal static class OptimizerOptionParser
{
    public const string CautiousWeightDecay = "CautiousWeightDecay";

    /// <summary>
    /// <c>[AdamW(CautiousWeightDecay = ...)]</c>: its value, false when not set. WDE030 (and <paramref name="canEmit"/>
    /// cleared) when the value is not a constant (the compiler reports its own error too, and the generator must not
    /// crash on it), or when it is true on a layout where no trainable tensor is decayed, so there is no decay to mask.
    /// </summary>
    public static bool ReadCautiousWeightDecay(INamedTypeSymbol type, IReadOnlyList<TensorSpec> tensors, List<DiagnosticInfo> diagnostics, ref bool canEmit) =>
        ReadCautiousWeightDecay(type, tensors, diagnostics, ref canEmit, AttributeNames.AdamW, "AdamW");

    /// <summary>The same option on <c>[Sgd(CautiousWeightDecay = ...)]</c>, for SGDW (<c>Decoupled = true</c>).</summary>
    public static bool ReadSgdCautiousWeightDecay(INamedTypeSymbol type, IReadOnlyList<TensorSpec> tensors, List<DiagnosticInfo> diagnostics, ref bool canEmit) =>
        ReadCautiousWeightDecay(type, tensors, diagnostics, ref canEmit, AttributeNames.Sgd, "Sgd");

    private static bool ReadCautiousWeightDecay(
        INamedTypeSymbol type, IReadOnlyList<TensorSpec> tensors, List<DiagnosticInfo> diagnostics, ref bool canEmit, string attributeName, string shortName)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != attributeName)
            {
                continue;
            }

            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key != CautiousWeightDecay)
                {
                    continue;
                }

                Location? location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();
                if (argument.Value.Kind != TypedConstantKind.Primitive || argument.Value.Value is not bool value)
                {
                    Report(diagnostics, location, type.Name, shortName, "(not a constant)", "the value must be the constant true or false", ref canEmit);
                    return false;
                }

                if (value && !HasDecayedTensor(tensors))
                {
                    const string Reason = "no trainable tensor of the layout is decayed (every one is Decay = false or Trainable = false), "
                        + "so there is no decay for it to mask";
                    Report(diagnostics, location, type.Name, shortName, "true", Reason, ref canEmit);
                    return false;
                }

                return value;
            }
        }

        return false;
    }

    private static bool HasDecayedTensor(IReadOnlyList<TensorSpec> tensors)
    {
        foreach (TensorSpec tensor in tensors)
        {
            if (tensor.Trainable && tensor.Decay)
            {
                return true;
            }
        }

        return false;
    }

    private static void Report(
        List<DiagnosticInfo> diagnostics, Location? location, string layout, string attribute, string value, string reason, ref bool canEmit)
    {
        canEmit = false;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOptimizerOption, location, layout, CautiousWeightDecay, value, reason, attribute));
    }
}
