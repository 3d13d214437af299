using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// The scalar operations the update loops are written in, spelled for the target profile. On
/// desktop, <c>MathF.FusedMultiplyAdd</c> reproduces torch's CPU kernels, which fuse every
/// <c>add(alpha)</c> and the second moment's <c>addcmul</c> into one rounding.
/// </summary>
internal sealed class ScalarMath
{
    private readonly TargetProfile _profile;

    public ScalarMath(TargetProfile profile) => _profile = profile;

    /// <summary><c>a * b + c</c> with a single rounding.</summary>
    public string Fma(string a, string b, string c) =>
        $"global::System.MathF.FusedMultiplyAdd({a}, {b}, {c})";

    /// <summary>Correctly rounded float square root.</summary>
    public string Sqrt(string x) => $"global::System.MathF.Sqrt({x})";

    /// <summary>The larger of two floats, NaN if either is NaN (as <c>torch.maximum</c>).</summary>
    public string Max(string a, string b) => $"global::System.MathF.Max({a}, {b})";

    /// <summary><c>x^n</c> in double, as Python's <c>beta ** step</c>.</summary>
    public string PowDouble(string x, string n) => $"global::System.Math.Pow({x}, {n})";

    /// <summary>Square root in double, as Python's <c>math.sqrt</c>.</summary>
    public string SqrtDouble(string x) => $"global::System.Math.Sqrt({x})";

    public bool HasSpan => _profile.HasSpan;
}
