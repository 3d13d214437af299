using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using WeightDecay.Edge.Generators.Diagnostics;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Parse;

/// <summary>
/// Reads one <c>[Dense(name, inputs, outputs)]</c> attribute and checks that consecutive layers
/// chain. <see cref="TensorParser"/> calls it in attribute order, so a layer's weight and bias
/// take their place among the <c>[Tensor]</c>s exactly where the attribute stands.
/// </summary>
internal static class DenseLayerParser
{
    /// <summary>A dense layer as declared, before it is placed in the flat buffers.</summary>
    public readonly struct Declaration
    {
        public Declaration(string name, int inputs, int outputs, DenseActivation activation, bool biasDecay, bool trainable = true)
        {
            Trainable = trainable;
            Name = name;
            Inputs = inputs;
            Outputs = outputs;
            Activation = activation;
            BiasDecay = biasDecay;
        }

        public string Name { get; }

        public int Inputs { get; }

        public int Outputs { get; }

        public DenseActivation Activation { get; }

        public bool BiasDecay { get; }

        /// <summary>False for a frozen layer: its weight and bias are frozen tensors and get no gradients.</summary>
        public bool Trainable { get; }
    }

    public static bool IsDense(AttributeData attribute) =>
        attribute.AttributeClass?.ToDisplayString() == AttributeNames.Dense;

    public static bool TryRead(
        AttributeData attribute,
        Location location,
        List<DiagnosticInfo> diagnostics,
        GeneratedNames names,
        out Declaration declaration)
    {
        declaration = default;

        // A constructor that did not bind is already a compiler error; say nothing more.
        if (attribute.AttributeConstructor is null || attribute.ConstructorArguments.Length != 3)
        {
            return false;
        }

        string name = attribute.ConstructorArguments[0].Value as string ?? string.Empty;
        if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDenseName, location, name));
            return false;
        }

        int inputs = attribute.ConstructorArguments[1].Value is int i ? i : 0;
        int outputs = attribute.ConstructorArguments[2].Value is int o ? o : 0;
        bool valid = CheckSize(name, inputs, "inputs", location, diagnostics) & CheckSize(name, outputs, "outputs", location, diagnostics);
        int activationValue = 0;
        bool biasDecay = false;
        bool trainable = true;
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == "Activation" && argument.Value.Value is int value)
            {
                activationValue = value;
            }
            else if (argument.Key == "BiasDecay" && argument.Value.Value is bool decay)
            {
                biasDecay = decay;
            }
            else if (argument.Key == "Trainable" && argument.Value.Value is bool isTrainable)
            {
                trainable = isTrainable;
            }
        }

        if (activationValue < (int)DenseActivation.Identity || activationValue > (int)DenseActivation.Sigmoid)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnknownActivation, location, name, activationValue.ToString(CultureInfo.InvariantCulture)));
            valid = false;
        }

        if (!valid || !names.TryClaimDense(name, location, diagnostics))
        {
            return false;
        }

        declaration = new Declaration(name, inputs, outputs, (DenseActivation)activationValue, biasDecay, trainable);
        return true;
    }

    /// <summary>Reports each pair of consecutive layers where one's outputs are not the next one's inputs.</summary>
    public static bool CheckChain(List<DenseLayerSpec> layers, List<Location> locations, List<DiagnosticInfo> diagnostics)
    {
        bool chained = true;
        for (int l = 1; l < layers.Count; l++)
        {
            if (layers[l].Inputs != layers[l - 1].Outputs)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.DenseSizesDoNotChain,
                    locations[l],
                    layers[l].Name,
                    layers[l].Inputs.ToString(CultureInfo.InvariantCulture),
                    layers[l - 1].Name,
                    layers[l - 1].Outputs.ToString(CultureInfo.InvariantCulture)));
                chained = false;
            }
        }

        return chained;
    }

    private static bool CheckSize(string name, int size, string what, Location location, List<DiagnosticInfo> diagnostics)
    {
        if (size >= 1)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.InvalidDenseSize, location, name, size.ToString(CultureInfo.InvariantCulture), what));
        return false;
    }
}
