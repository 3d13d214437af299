using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using WeightDecay.Edge.Generators.Diagnostics;

namespace WeightDecay.Edge.Generators.Parse;

/// <summary>
/// Reads the per-tensor regularisers a <c>[Tensor]</c> or a <c>[Dense]</c> layer's weight declares (<c>L1</c>,
/// <c>MaxNorm</c>, <c>DecayTowardAnchor</c>, <c>LearningRateScale</c>, <c>WeightDecayScale</c>) and checks them (WDE029): a value that is negative or not finite, or one on a
/// tensor that no step updates, a row norm on a tensor without rows, or an anchor on a tensor that is not decayed, would
/// be a silent mistake.
/// </summary>
internal static class ConstraintParser
{
    /// <summary>The declared values; 0 where a property is not set.</summary>
    public readonly struct Constraints
    {
        public Constraints(float l1, float maxNorm, bool anchored, float learningRateScale, float weightDecayScale)
        {
            L1 = l1;
            MaxNorm = maxNorm;
            Anchored = anchored;
            LearningRateScale = learningRateScale;
            WeightDecayScale = weightDecayScale;
        }

        public float L1 { get; }

        public float MaxNorm { get; }

        /// <summary><c>DecayTowardAnchor</c>: decay toward the layout's anchor instead of zero.</summary>
        public bool Anchored { get; }

        /// <summary><c>LearningRateScale</c>: 1 when not set.</summary>
        public float LearningRateScale { get; }

        /// <summary><c>WeightDecayScale</c>: 1 when not set.</summary>
        public float WeightDecayScale { get; }
    }

    /// <summary>
    /// Reads <c>L1</c>, <c>MaxNorm</c> and <c>DecayTowardAnchor</c> for the tensor <paramref name="tensorName"/> of rank
    /// <paramref name="rank"/>; false (with WDE029 added) when any is out of range.
    /// </summary>
    public static bool TryRead(
        AttributeData attribute,
        string tensorName,
        int rank,
        bool trainable,
        bool decay,
        Location location,
        List<DiagnosticInfo> diagnostics,
        out Constraints constraints)
    {
        float l1 = 0f;
        float maxNorm = 0f;
        bool anchored = false;
        float learningRateScale = 1f;
        float weightDecayScale = 1f;
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            switch (argument.Key, argument.Value.Value)
            {
                case ("L1", float value):
                    l1 = value;
                    break;
                case ("MaxNorm", float value):
                    maxNorm = value;
                    break;
                case ("DecayTowardAnchor", bool value):
                    anchored = value;
                    break;
                case ("LearningRateScale", float value):
                    learningRateScale = value;
                    break;
                case ("WeightDecayScale", float value):
                    weightDecayScale = value;
                    break;
            }
        }

        constraints = new Constraints(l1, maxNorm, anchored, learningRateScale, weightDecayScale);
        bool valid = Check(tensorName, "L1", l1, location, diagnostics, trainable, rankError: null);
        string? rankError = rank < 2
            ? $"MaxNorm bounds the L2 norm of each row (each slice along the first dimension), and '{tensorName}' has one dimension"
            : null;
        valid = Check(tensorName, "MaxNorm", maxNorm, location, diagnostics, trainable, rankError) && valid;
        valid = CheckScale(tensorName, "LearningRateScale", learningRateScale, trainable, decay: true, location, diagnostics) && valid;
        valid = CheckScale(tensorName, "WeightDecayScale", weightDecayScale, trainable, decay, location, diagnostics) && valid;
        return CheckAnchor(tensorName, anchored, trainable, decay, location, diagnostics) && valid;
    }

    // A scale is a factor on a hyperparameter: 0 would silently freeze the tensor or turn its decay off (which Trainable and
    // Decay say out loud), a negative one would step uphill, and one on a tensor that nothing updates or decays does nothing.
    private static bool CheckScale(
        string tensorName, string property, float value, bool trainable, bool decay, Location location, List<DiagnosticInfo> diagnostics)
    {
        string? reason = value == 1f ? null
            : !(value > 0f) || float.IsInfinity(value) ? $"{property} must be a positive finite number (1, the default, leaves the base value)"
            : !trainable ? $"the tensor is frozen (Trainable = false), and no step updates it, so {property} would do nothing"
            : !decay ? $"the tensor is not decayed (Decay = false), so {property} would do nothing"
            : null;
        if (reason is null)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.InvalidConstraint, location, tensorName, property, value.ToString("R", CultureInfo.InvariantCulture), reason));
        return false;
    }

    // An anchor on a tensor that is never decayed would be silently ignored, as would one on a frozen tensor.
    private static bool CheckAnchor(string tensorName, bool anchored, bool trainable, bool decay, Location location, List<DiagnosticInfo> diagnostics)
    {
        string? reason = !anchored ? null
            : !trainable ? "the tensor is frozen (Trainable = false), and no step updates it, so DecayTowardAnchor would do nothing"
            : !decay ? "the tensor is not decayed (Decay = false), so no weight decay pulls it toward the anchor"
            : null;
        if (reason is null)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidConstraint, location, tensorName, "DecayTowardAnchor", "true", reason));
        return false;
    }

    private static bool Check(
        string tensorName, string property, float value, Location location, List<DiagnosticInfo> diagnostics, bool trainable, string? rankError)
    {
        if (value == 0f)
        {
            return true;
        }

        string? reason = null;
        if (!(value > 0f) || float.IsInfinity(value))
        {
            reason = $"{property} must be zero (none) or a positive finite number";
        }
        else if (!trainable)
        {
            reason = $"the tensor is frozen (Trainable = false), and no step updates it, so {property} would do nothing";
        }
        else if (rankError is not null)
        {
            reason = rankError;
        }

        if (reason is null)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.InvalidConstraint,
            location,
            tensorName,
            property,
            value.ToString("R", CultureInfo.InvariantCulture),
            reason));
        return false;
    }
}
