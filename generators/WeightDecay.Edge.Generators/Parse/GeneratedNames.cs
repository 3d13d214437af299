using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using WeightDecay.Edge.Generators.Diagnostics;

namespace WeightDecay.Edge.Generators.Parse;

/// <summary>
/// The member names the generator will add to a layout, so that a tensor whose name (or whose
/// <c>Offset</c>, <c>Length</c> or <c>Gradient</c> member) clashes with another gets a diagnostic
/// instead of a confusing compiler error in generated code.
/// </summary>
internal sealed class GeneratedNames
{
    /// <summary>Members every layout gets, whatever its tensors.</summary>
    public static readonly string[] LayoutMembers =
    {
        "ParameterCount", "Parameters", "Gradients", "ZeroGrad", "SgdOptimizer", "AdamOptimizer", "AdamWOptimizer",
        "CopyParametersFrom", "CopyParametersTo", "CopyGradientsFrom", "s_tensors",
        "ParameterBytes", "GradientBytes", "OptimizerStateBytes", "ActivationBytes", "RamBytes", "DeviceIlBytes",
        "TrainableParameterCount", "FrozenParameterCount", "DecayedSquaredNorm", "Tensors",
        "ResetParameters", "InitSeed", "InitialParameters", "CountZeros", "L1Penalty",
        "ApplyConstraints", "ShrinkTowardZero", "LimitRowNorms",
        "Anchor", "AnchoredParameterCount", "AnchorBytes", "CaptureAnchor", "SetAnchorFrom", "CopyIntoAnchor",
        "Optimizer", "SquaredGradientSum", "ScaleGradients", "FlushSubnormalParameters", "StateSlice", "CopyState",
    };

    /// <summary>Members a layout gets when it declares at least one <c>[Dense]</c> layer.</summary>
    public static readonly string[] DenseLayoutMembers =
    {
        "InputSize", "OutputSize", "Forward", "Predict", "AccumulateCrossEntropyGradient", "AccumulateMeanSquaredErrorGradient",
        "DenseForwardPass", "DenseBackwardPass", "DenseCrossEntropyOutputDeltas", "DenseSquaredErrorOutputDeltas",
        "MaxBatchSize", "DenseForwardKernel", "DenseBackwardKernel",
        "DenseForwardKernelVector512", "DenseForwardKernelVector256", "DenseForwardKernelVector128",
        "DenseBackwardKernelVector512", "DenseBackwardKernelVector256", "DenseBackwardKernelVector128",
    };

    /// <summary>The tensors each dense layer adds, as suffixes of its name.</summary>
    public static readonly string[] DenseTensorSuffixes = { "Weight", "Bias" };

    /// <summary>The private buffers each dense layer adds, as (prefix, suffix) around its name.</summary>
    public static readonly (string Prefix, string Suffix)[] DenseBufferNames = { ("_", "Activations"), ("_", "Deltas") };

    /// <summary>The suffixes of the members generated for each tensor (the empty one is the tensor view).</summary>
    public static readonly string[] TensorMemberSuffixes = { string.Empty, "Offset", "Length", "Gradient", "Anchor" };

    private static readonly string[] ObjectMembers =
    {
        "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    private readonly Dictionary<string, string> _owners = new();
    private readonly HashSet<string> _tensorNames = new();
    private readonly INamedTypeSymbol _type;

    public GeneratedNames(INamedTypeSymbol type, bool hasDenseLayers = false)
    {
        _type = type;
        _owners[type.Name] = "is the name of the layout class";
        foreach (string member in LayoutMembers)
        {
            _owners[member] = "every layout generates";
        }

        foreach (string member in ObjectMembers)
        {
            _owners[member] = "every object already has";
        }

        if (hasDenseLayers)
        {
            foreach (string member in DenseLayoutMembers)
            {
                _owners[member] = "every layout with [Dense] layers generates";
            }
        }
    }

    /// <summary>Reserves a dense layer's tensors and buffers, or reports the first member that clashes.</summary>
    public bool TryClaimDense(string layerName, Location location, List<DiagnosticInfo> diagnostics)
    {
        var members = new List<string>();
        foreach (string tensorSuffix in DenseTensorSuffixes)
        {
            members.AddRange(TensorMemberSuffixes.Select(suffix => layerName + tensorSuffix + suffix));
        }

        members.AddRange(DenseBufferNames.Select(name => name.Prefix + layerName + name.Suffix));
        foreach (string member in members)
        {
            string? owner = _owners.TryGetValue(member, out string? known)
                ? known
                : _type.MemberNames.Contains(member) ? "the class already declares" : null;
            if (owner is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseNameCollision, location, layerName, member, owner));
                return false;
            }
        }

        foreach (string member in members)
        {
            _owners[member] = "the dense layer '" + layerName + "' also generates";
        }

        foreach (string tensorSuffix in DenseTensorSuffixes)
        {
            _tensorNames.Add(layerName + tensorSuffix);
        }

        return true;
    }

    /// <summary>Reserves the tensor's members, or reports why it cannot have them.</summary>
    public bool TryClaim(string tensorName, Location location, List<DiagnosticInfo> diagnostics, string layoutName)
    {
        if (!_tensorNames.Add(tensorName))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateTensorName, location, layoutName, tensorName));
            return false;
        }

        foreach (string suffix in TensorMemberSuffixes)
        {
            string member = tensorName + suffix;
            string? owner = _owners.TryGetValue(member, out string? known)
                ? known
                : _type.MemberNames.Contains(member) ? "the class already declares" : null;
            if (owner is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TensorNameCollision, location, tensorName, member, owner));
                return false;
            }
        }

        foreach (string suffix in TensorMemberSuffixes)
        {
            _owners[tensorName + suffix] = "the tensor '" + tensorName + "' also generates";
        }

        return true;
    }
}
