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
internal sealed record TargetProfile(bool HasSpan, bool HasMathF, bool HasSystemMath, bool HasRuntimeLibrary, bool SupportsNullable)
{
    /// <summary>True for the full desktop profile (JIT and Native AOT).</summary>
    public bool IsDesktop => HasSpan && HasMathF && HasSystemMath;
}
