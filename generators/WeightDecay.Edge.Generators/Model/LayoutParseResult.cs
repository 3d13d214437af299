using WeightDecay.Edge.Generators.Diagnostics;

namespace WeightDecay.Edge.Generators.Model;

/// <summary>
/// What the parser makes of one <c>[ModelLayout]</c> class: a spec to emit (null when an error
/// prevents emission) and the diagnostics to report. Both are values, so the pair caches.
/// </summary>
internal sealed record LayoutParseResult(LayoutSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
