using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>A layout's generated file and the shared SIMD kernels it calls (see <see cref="SharedKernel"/>).</summary>
internal sealed record EmittedLayout(string Text, EquatableArray<SharedKernel> Kernels);
