using System.Collections.Generic;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// One SIMD width the desktop profile emits an update loop for, with the run-time test that picks
/// it. The tests are JIT-time constants, so the JIT keeps only the widest path the machine runs
/// well and drops the others; Native AOT keeps the ones its instruction set allows.
/// </summary>
/// <param name="Suffix">Appended to the update method's name: <c>UpdateVector256</c>.</param>
/// <param name="Width">Floats per vector.</param>
/// <param name="Condition">The C# condition under which this path runs.</param>
/// <param name="FusedMultiplyAdd">The format of <c>a * b + c</c> with one rounding, for <c>{0}, {1}, {2}</c>.</param>
internal sealed record VectorPath(string Suffix, int Width, string Condition, string FusedMultiplyAdd)
{
    private const string Intrinsics = "global::System.Runtime.Intrinsics";

    /// <summary>The bits per vector: <c>256</c>.</summary>
    private string Bits => Literals.Int(Width * 32);

    /// <summary>The vector type, through its alias (see <see cref="Aliases"/>): <c>Floats256</c> for <c>Vector256&lt;float&gt;</c>.</summary>
    public string VectorType => "Floats" + Bits;

    /// <summary>The vector of 32-bit integers of the same width (lane masks): <c>Ints256</c> for <c>Vector256&lt;int&gt;</c>.</summary>
    public string IntVectorType => "Ints" + Bits;

    /// <summary>The class whose <c>GetArrayDataReference</c> gives a buffer's first element without a bounds check.</summary>
    public const string MemoryMarshal = "InteropMarshal";

    /// <summary>The static helper class, through its alias: <c>Simd256</c> for <c>Vector256</c>.</summary>
    public string StaticClass => "Simd" + Bits;

    /// <summary>
    /// The <c>using</c> aliases the emitted SIMD code is written with, so that a line reads
    /// <c>Floats256 m0 = X86Fma.MultiplyAdd(...)</c> instead of repeating <c>global::System.Runtime.Intrinsics</c>.
    /// The names are not those of the framework's types, so the aliases cannot clash with a user's <c>using</c>.
    /// </summary>
    public static IEnumerable<(string Alias, string Target)> Aliases()
    {
        foreach (string bits in new[] { "128", "256", "512" })
        {
            yield return ("Simd" + bits, $"{Intrinsics}.Vector{bits}");
            yield return ("Floats" + bits, $"{Intrinsics}.Vector{bits}<float>");
            yield return ("Ints" + bits, $"{Intrinsics}.Vector{bits}<int>");
        }

        yield return ("X86Fma", $"{Intrinsics}.X86.Fma");
        yield return ("X86Avx512F", $"{Intrinsics}.X86.Avx512F");
        yield return (MemoryMarshal, "global::System.Runtime.InteropServices.MemoryMarshal");
    }

    /// <summary>
    /// The paths the compilation can use, widest first. AVX-512 and AVX2+FMA use x86 intrinsics for
    /// the fused multiply-add (available from .NET 8); the 128-bit path (ARM64 NEON, or x86 without
    /// AVX) needs the cross-platform <c>Vector128.FusedMultiplyAdd</c> of .NET 9 and later.
    /// </summary>
    public static IReadOnlyList<VectorPath> For(TargetProfile profile)
    {
        var paths = new List<VectorPath>();
        if (profile.HasVector512Fma)
        {
            paths.Add(new VectorPath(
                "Vector512",
                16,
                "Simd512.IsHardwareAccelerated && X86Avx512F.IsSupported && X86Fma.IsSupported",
                "X86Avx512F.FusedMultiplyAdd({0}, {1}, {2})"));
        }

        if (profile.HasVector256Fma)
        {
            paths.Add(new VectorPath(
                "Vector256",
                8,
                "Simd256.IsHardwareAccelerated && X86Fma.IsSupported",
                "X86Fma.MultiplyAdd({0}, {1}, {2})"));
        }

        if (profile.HasVector128Fma)
        {
            paths.Add(new VectorPath(
                "Vector128",
                4,
                "Simd128.IsHardwareAccelerated",
                "Simd128.FusedMultiplyAdd({0}, {1}, {2})"));
        }

        return paths;
    }
}
