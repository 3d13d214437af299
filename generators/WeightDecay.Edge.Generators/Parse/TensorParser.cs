using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using WeightDecay.Edge.Generators.Diagnostics;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Parse;

/// <summary>
/// Reads the <c>[Tensor]</c> attributes of a layout, checks each (name, shape, size) and places the
/// tensors one after another in the flat buffers.
/// </summary>
internal static class TensorParser
{
    /// <summary>Sizes are counted exactly up to 2^62 scalars, far past what an int-indexed array holds.</summary>
    private const long SizeCap = 1L << 62;

    /// <summary>Reads <c>[Tensor]</c>s and <c>[Dense]</c> layers (each adding its weight and bias) in attribute order.</summary>
    public static List<TensorSpec> Parse(
        INamedTypeSymbol type,
        Location layoutLocation,
        List<DiagnosticInfo> diagnostics,
        List<DenseLayerSpec> denseLayers,
        ref bool canEmit,
        CancellationToken cancellationToken)
    {
        var tensors = new List<TensorSpec>();
        var denseLocations = new List<Location>();
        var names = new GeneratedNames(type, type.GetAttributes().Any(DenseLayerParser.IsDense));
        long offset = 0;
        bool sawTensorAttribute = false;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool isDense = DenseLayerParser.IsDense(attribute);
            if (!isDense && attribute.AttributeClass?.ToDisplayString() != AttributeNames.Tensor)
            {
                continue;
            }

            sawTensorAttribute = true;
            Location location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? layoutLocation;
            if (isDense)
            {
                if (!DenseLayerParser.TryRead(attribute, location, diagnostics, names, out DenseLayerParser.Declaration layer))
                {
                    canEmit = false;
                    continue;
                }

                long weightLength = (long)layer.Inputs * layer.Outputs;
                int weightOffset = (int)System.Math.Min(offset, int.MaxValue);
                int biasOffset = (int)System.Math.Min(offset + weightLength, int.MaxValue);
                tensors.Add(new TensorSpec(layer.Name + "Weight", ImmutableArray.Create(layer.Outputs, layer.Inputs).ToEquatableArray(), weightOffset, (int)System.Math.Min(weightLength, int.MaxValue), true, layer.Trainable));
                tensors.Add(new TensorSpec(layer.Name + "Bias", ImmutableArray.Create(layer.Outputs).ToEquatableArray(), biasOffset, layer.Outputs, layer.BiasDecay, layer.Trainable));
                denseLayers.Add(new DenseLayerSpec(layer.Name, layer.Inputs, layer.Outputs, layer.Activation, weightOffset, biasOffset, layer.Trainable));
                denseLocations.Add(location);
                offset = System.Math.Min(offset + weightLength + layer.Outputs, SizeCap);
                continue;
            }

            if (!TryReadTensor(attribute, type.Name, location, diagnostics, names, out string name, out ImmutableArray<int> shape, out long length, out bool decay))
            {
                canEmit = false;
                continue;
            }

            tensors.Add(new TensorSpec(name, shape.ToEquatableArray(), (int)System.Math.Min(offset, int.MaxValue), (int)length, decay, ReadBool(attribute, "Trainable")));
            offset = System.Math.Min(offset + length, SizeCap);
        }

        if (!DenseLayerParser.CheckChain(denseLayers, denseLocations, diagnostics))
        {
            canEmit = false;
        }

        if (!sawTensorAttribute)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoTensors, layoutLocation, type.Name));
            canEmit = false;
        }
        else if (offset > int.MaxValue)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.SizeOverflow, layoutLocation, type.Name, offset.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
            canEmit = false;
        }

        return tensors;
    }

    private static bool TryReadTensor(
        AttributeData attribute,
        string layoutName,
        Location location,
        List<DiagnosticInfo> diagnostics,
        GeneratedNames names,
        out string name,
        out ImmutableArray<int> shape,
        out long length,
        out bool decay)
    {
        name = string.Empty;
        shape = ImmutableArray<int>.Empty;
        length = 0;
        decay = ReadBool(attribute, "Decay");

        // A constructor that did not bind is already a compiler error; say nothing more.
        if (attribute.AttributeConstructor is null || attribute.ConstructorArguments.Length != 2)
        {
            return false;
        }

        if (attribute.ConstructorArguments[0].Value is not string text || text.Length == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingTensorName, location, layoutName));
            return false;
        }

        name = text;
        if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTensorName, location, name));
            return false;
        }

        if (!names.TryClaim(name, location, diagnostics, layoutName))
        {
            return false;
        }

        return TryReadShape(attribute.ConstructorArguments[1], name, location, diagnostics, out shape, out length);
    }

    private static bool TryReadShape(
        TypedConstant argument,
        string name,
        Location location,
        List<DiagnosticInfo> diagnostics,
        out ImmutableArray<int> shape,
        out long length)
    {
        shape = ImmutableArray<int>.Empty;
        length = 1;
        if (argument.Kind != TypedConstantKind.Array || argument.IsNull || argument.Values.Length == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingShape, location, name));
            return false;
        }

        var dimensions = ImmutableArray.CreateBuilder<int>(argument.Values.Length);
        bool valid = true;
        for (int i = 0; i < argument.Values.Length; i++)
        {
            int dimension = argument.Values[i].Value is int value ? value : 0;
            if (dimension < 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.InvalidDimension,
                    location,
                    name,
                    i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    dimension.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                valid = false;
                continue;
            }

            dimensions.Add(dimension);
            length = length > SizeCap / dimension ? SizeCap : length * dimension; // exact below the cap, which only WDE009 sees.
        }

        shape = dimensions.ToImmutable();
        return valid;
    }

    /// <summary>A bool named property of the attribute (<c>Decay</c>, <c>Trainable</c>), true when not set.</summary>
    private static bool ReadBool(AttributeData attribute, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is bool value)
            {
                return value;
            }
        }

        return true;
    }
}
