namespace WeightDecay.Edge.Generators.Model;

/// <summary>
/// What the compilation offers the emitted code, read once per compilation. The desktop profile has
/// <c>System.Span&lt;T&gt;</c> and <c>System.MathF</c>; a nanoFramework compilation has neither.
/// </summary>
/// <param name="HasSpan">Whether <c>System.Span&lt;T&gt;</c> exists (tensor views are emitted).</param>
/// <param name="HasMathF">Whether <c>System.MathF</c> with <c>FusedMultiplyAdd</c> exists.</param>
/// <param name="HasSystemMath">Whether <c>System.Math</c> exists (for <c>Math.Pow</c> and <c>Math.Sqrt</c>).</param>
/// <param name="HasRuntimeLibrary">Whether the WeightDecay.Edge runtime library (its interfaces) is referenced.</param>
/// <param name="SupportsNullable">Whether the language version has nullable reference types (C# 8).</param>
/// <param name="HasVector512Fma">Whether <c>Vector512</c> and <c>Avx512F.FusedMultiplyAdd</c> exist (.NET 8+).</param>
/// <param name="HasVector256Fma">Whether <c>Vector256</c> and <c>Fma.MultiplyAdd</c> exist (.NET Core 3+).</param>
/// <param name="HasVector128Fma">Whether the cross-platform <c>Vector128.FusedMultiplyAdd</c> exists (.NET 9+).</param>
/// <param name="HasStream">Whether <c>System.IO.Stream</c> exists (checkpoints get Stream overloads).</param>
/// <param name="HasGeneratedCodeAttribute">Whether <c>System.CodeDom.Compiler.GeneratedCodeAttribute</c> exists (not in nanoFramework's mscorlib).</param>
internal sealed record TargetProfile(
    bool HasSpan,
    bool HasMathF,
    bool HasSystemMath,
    bool HasRuntimeLibrary,
    bool SupportsNullable,
    bool HasVector512Fma = false,
    bool HasVector256Fma = false,
    bool HasVector128Fma = false,
    bool HasStream = false,
    bool HasGeneratedCodeAttribute = false)
{
    /// <summary>
    /// The accessibility of generated members whose signatures use shared types: public when the runtime
    /// library declares them, internal when they are emitted internal into the compilation.
    /// </summary>
    public string SharedAccessibility => HasRuntimeLibrary ? "public" : "internal";
}
