using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// The transcendental functions the dense passes need, spelled for the target profile: MathF on
/// desktop; on the device (no MathF, and System.Math only in an optional package) the emitted
/// <c>FloatMath</c> helpers, which are within an ulp and never overflow in tanh, sigmoid or softmax.
/// </summary>
internal sealed class DenseMath
{
    private const string FloatMathClass = "global::WeightDecay.Edge.Generated.FloatMath";
    private readonly TargetProfile _profile;

    public DenseMath(TargetProfile profile) => _profile = profile;

    /// <summary>The parameter type of the passes' input and target: a span on desktop (arrays convert), an array on the device.</summary>
    public string VectorType => _profile.HasSpan ? "global::System.ReadOnlySpan<float>" : "float[]";

    public string Exp(string x) => _profile.HasMathF ? $"MathF.Exp({x})" : $"{FloatMathClass}.Exp({x})";

    public string Log(string x) => _profile.HasMathF ? $"MathF.Log({x})" : $"{FloatMathClass}.Log({x})";

    /// <summary>
    /// Applies <paramref name="activation"/> to <paramref name="z"/>. ReLU is written so NaN passes
    /// through (as torch.relu); sigmoid as <c>1 / (1 + e^-z)</c>, which saturates to 0 or 1 without
    /// overflow since <c>1 / infinity</c> is 0.
    /// </summary>
    public string Activate(DenseActivation activation, string z) => activation switch
    {
        DenseActivation.ReLU => $"{z} < 0f ? 0f : {z}",
        DenseActivation.Tanh => _profile.HasMathF ? $"MathF.Tanh({z})" : $"{FloatMathClass}.Tanh({z})",
        DenseActivation.Sigmoid => _profile.HasMathF ? $"1f / (1f + MathF.Exp(-{z}))" : $"{FloatMathClass}.Sigmoid({z})",
        _ => z,
    };

    /// <summary>
    /// dLoss/dz from dLoss/dy (<paramref name="upstream"/>) and the activation's output
    /// <paramref name="y"/>: every derivative here is a function of the output, as in torch's
    /// autograd, so pre-activations need not be kept.
    /// </summary>
    public static string Derivative(DenseActivation activation, string upstream, string y) => activation switch
    {
        DenseActivation.ReLU => $"0f < {y} ? {upstream} : 0f", // Not "y > 0f": nanoCLR gets ">" wrong with NaN.
        DenseActivation.Tanh => $"{upstream} * (1f - ({y} * {y}))",
        DenseActivation.Sigmoid => $"{upstream} * ({y} * (1f - {y}))",
        _ => upstream,
    };
}
