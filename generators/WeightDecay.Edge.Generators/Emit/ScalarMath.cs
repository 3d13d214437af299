using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// The scalar operations the update loops are written in, spelled for the target profile.
/// <list type="bullet">
/// <item>Desktop: <c>MathF.FusedMultiplyAdd</c> reproduces torch's CPU kernels, which fuse every
/// <c>add(alpha)</c> and the second moment's <c>addcmul</c> into one rounding.</item>
/// <item>Device (nanoFramework): no MathF, so <c>a * b + c</c> in float (two roundings, the fewest
/// IL instructions for an interpreter); <c>System.Math</c> when the compilation has it (the
/// nanoFramework.System.Math package), else the emitted <c>FloatMath</c> helpers.</item>
/// </list>
/// </summary>
internal sealed class ScalarMath
{
    private const string FloatMathClass = "global::WeightDecay.Edge.Generated.FloatMath";
    private readonly TargetProfile _profile;

    public ScalarMath(TargetProfile profile) => _profile = profile;

    /// <summary>Whether <see cref="Fma"/> rounds once (desktop) rather than twice (device).</summary>
    public bool HasFusedMultiplyAdd => _profile.HasMathF;

    /// <summary>Whether <see cref="Max"/> is a function call rather than a compare-and-branch.</summary>
    public bool HasMaxFunction => _profile.HasMathF;

    /// <summary><c>a * b + c</c>: one rounding on desktop, two on the device.</summary>
    public string Fma(string a, string b, string c) => _profile.HasMathF
        ? $"MathF.FusedMultiplyAdd({a}, {b}, {c})"
        : $"{Operand(a)} * {Operand(b)} + {c}";

    /// <summary>Correctly rounded float square root.</summary>
    public string Sqrt(string x) => _profile.HasMathF
        ? $"MathF.Sqrt({x})"
        : _profile.HasSystemMath
            ? $"(float)global::System.Math.Sqrt({x})"
            : $"{FloatMathClass}.Sqrt({x})";

    /// <summary>The larger of two floats, NaN if either is NaN (as <c>torch.maximum</c>); desktop only.</summary>
    public string Max(string a, string b) => $"MathF.Max({a}, {b})";

    /// <summary><c>x^n</c> in double, as Python's <c>beta ** step</c>.</summary>
    public string PowDouble(string x, string n) => _profile.HasSystemMath
        ? $"global::System.Math.Pow({x}, {n})"
        : $"{FloatMathClass}.Pow({x}, {n})";

    /// <summary>Square root in double, as Python's <c>math.sqrt</c>.</summary>
    public string SqrtDouble(string x) => _profile.HasSystemMath
        ? $"global::System.Math.Sqrt({x})"
        : $"{FloatMathClass}.SqrtDouble({x})";

    private static string Operand(string expression)
    {
        foreach (char c in expression)
        {
            if (c == ' ')
            {
                return "(" + expression + ")";
            }
        }

        return expression;
    }
}
