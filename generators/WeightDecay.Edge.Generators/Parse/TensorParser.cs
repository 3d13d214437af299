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

                // A bad value is reported, and the layer still placed, so the next layers' chain is checked as declared.
                if (!ConstraintParser.TryRead(attribute, layer.Name + "Weight", 2, layer.Trainable, decay: true, location, diagnostics, out ConstraintParser.Constraints weightConstraints))
                {
                    canEmit = false;
                }

                long weightLength = (long)layer.Inputs * layer.Outputs;
                int weightOffset = (int)System.Math.Min(offset, int.MaxValue);
                int biasOffset = (int)System.Math.Min(offset + weightLength, int.MaxValue);
                // torch.nn.Linear.reset_parameters: kaiming_uniform_(a = √5) gives the weight
                // U(-1/√fan_in, 1/√fan_in), and the bias gets the same bound. fan_in is the inputs.
                float bound = (float)(1.0 / System.Math.Sqrt(layer.Inputs));
                tensors.Add(new TensorSpec(layer.Name + "Weight", ImmutableArray.Create(layer.Outputs, layer.Inputs).ToEquatableArray(), weightOffset, (int)System.Math.Min(weightLength, int.MaxValue), true, layer.Trainable)
                {
                    Init = TensorInitKind.Uniform,
                    InitScale = bound,
                    L1 = weightConstraints.L1,
                    MaxNorm = weightConstraints.MaxNorm,
                    Anchored = weightConstraints.Anchored,
                    LearningRateScale = weightConstraints.LearningRateScale,
                    WeightDecayScale = weightConstraints.WeightDecayScale,
                });
                tensors.Add(new TensorSpec(layer.Name + "Bias", ImmutableArray.Create(layer.Outputs).ToEquatableArray(), biasOffset, layer.Outputs, layer.BiasDecay, layer.Trainable)
                {
                    Init = TensorInitKind.Uniform,
                    InitScale = bound,
                    LearningRateScale = weightConstraints.LearningRateScale,
                    WeightDecayScale = layer.BiasDecay ? weightConstraints.WeightDecayScale : 1f,
                });
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

            if (!TryReadInit(attribute, name, location, diagnostics, out TensorInitKind init, out float scale))
            {
                canEmit = false;
                continue;
            }

            bool trainable = ReadBool(attribute, "Trainable");
            if (!ConstraintParser.TryRead(attribute, name, shape.Length, trainable, decay, location, diagnostics, out ConstraintParser.Constraints constraints))
            {
                canEmit = false;
                continue;
            }

            tensors.Add(new TensorSpec(name, shape.ToEquatableArray(), (int)System.Math.Min(offset, int.MaxValue), (int)length, decay, trainable)
            {
                Init = init,
                InitScale = scale,
                L1 = constraints.L1,
                MaxNorm = constraints.MaxNorm,
                Anchored = constraints.Anchored,
                LearningRateScale = constraints.LearningRateScale,
                WeightDecayScale = constraints.WeightDecayScale,
            });
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
                    Ordinal(i + 1),
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

    /// <summary>
    /// <c>Init = TensorInit.Zeros | None | Uniform | Normal</c> with <c>InitBound</c> (uniform) or
    /// <c>InitStd</c> (normal): WDE027 for an unknown kind or a scale that is not a positive finite
    /// number, since U(-0, 0) or N(0, NaN) would be a silent mistake.
    /// </summary>
    private static bool TryReadInit(AttributeData attribute, string name, Location location, List<DiagnosticInfo> diagnostics, out TensorInitKind init, out float scale)
    {
        int kind = 0;
        float bound = 0f;
        float std = 0f;
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            switch (argument.Key, argument.Value.Value)
            {
                case ("Init", int value):
                    kind = value;
                    break;
                case ("InitBound", float value):
                    bound = value;
                    break;
                case ("InitStd", float value):
                    std = value;
                    break;
            }
        }

        // The public enum's values: Zeros = 0 (the default), None = 1, Uniform = 2, Normal = 3.
        (init, scale, string? scaleName) = kind switch
        {
            0 => (TensorInitKind.Zeros, 0f, null),
            1 => (TensorInitKind.None, 0f, null),
            2 => (TensorInitKind.Uniform, bound, "InitBound"),
            3 => (TensorInitKind.Normal, std, "InitStd"),
            _ => (TensorInitKind.None, float.NaN, "Init"),
        };
        if (scaleName is null || (scale > 0f && !float.IsInfinity(scale)))
        {
            return true;
        }

        string given = scaleName == "Init"
            ? kind.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTensorInit, location, name, scaleName, given));
        return false;
    }

    /// <summary>
    /// "first", "second", ... for a 1-based position: WDE007 names a dimension both ways (ordinal
    /// and 0-based index), so neither a torch user nor a mathematician misreads "dimension 1".
    /// </summary>
    internal static string Ordinal(int position)
    {
        string[] spelled = { "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth" };
        if (position >= 1 && position <= spelled.Length)
        {
            return spelled[position - 1];
        }

        int lastTwo = position % 100;
        string suffix = lastTwo is >= 11 and <= 13 ? "th" : (position % 10) switch
        {
            1 => "st",
            2 => "nd",
            3 => "rd",
            _ => "th",
        };
        return position.ToString(System.Globalization.CultureInfo.InvariantCulture) + suffix;
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
