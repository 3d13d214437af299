namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// The reference assemblies a compilation builds against. The generator targets netstandard2.0 and
/// runs inside the compiler, so the tests run on one runtime (net10.0) and build user code against
/// either framework's references: the desktop profile emits only the SIMD paths whose APIs the
/// referenced framework has.
/// </summary>
public enum ReferenceFramework
{
    /// <summary>The running runtime's own assemblies (.NET 10).</summary>
    Net10,

    /// <summary>The .NET 8 reference pack and the net8.0 build of the runtime library.</summary>
    Net8,
}
