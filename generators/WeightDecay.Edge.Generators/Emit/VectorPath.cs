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

    /// <summary>The vector type: <c>global::System.Runtime.Intrinsics.Vector256&lt;float&gt;</c>.</summary>
    public string VectorType => $"{Intrinsics}.{Suffix}<float>";

    /// <summary>The vector of 32-bit integers of the same width (lane masks): <c>Vector256&lt;int&gt;</c>.</summary>
    public string IntVectorType => $"{Intrinsics}.{Suffix}<int>";

    /// <summary>The class whose <c>GetArrayDataReference</c> gives a buffer's first element without a bounds check.</summary>
    public const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";

    /// <summary>The static helper class: <c>global::System.Runtime.Intrinsics.Vector256</c>.</summary>
    public string StaticClass => $"{Intrinsics}.{Suffix}";

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
                $"{Intrinsics}.Vector512.IsHardwareAccelerated && {Intrinsics}.X86.Avx512F.IsSupported && {Intrinsics}.X86.Fma.IsSupported",
                $"{Intrinsics}.X86.Avx512F.FusedMultiplyAdd({{0}}, {{1}}, {{2}})"));
        }

        if (profile.HasVector256Fma)
        {
            paths.Add(new VectorPath(
                "Vector256",
                8,
                $"{Intrinsics}.Vector256.IsHardwareAccelerated && {Intrinsics}.X86.Fma.IsSupported",
                $"{Intrinsics}.X86.Fma.MultiplyAdd({{0}}, {{1}}, {{2}})"));
        }

        if (profile.HasVector128Fma)
        {
            paths.Add(new VectorPath(
                "Vector128",
                4,
                $"{Intrinsics}.Vector128.IsHardwareAccelerated",
                $"{Intrinsics}.Vector128.FusedMultiplyAdd({{0}}, {{1}}, {{2}})"));
        }

        return paths;
    }
}
