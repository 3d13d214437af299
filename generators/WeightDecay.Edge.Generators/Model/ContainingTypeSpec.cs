namespace WeightDecay.Edge.Generators.Model;

/// <summary>A type the layout is nested in, re-declared as <c>partial</c> around the generated code.</summary>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">The type's name, with its type parameter list when it has one.</param>
internal sealed record ContainingTypeSpec(string Keyword, string Name);
