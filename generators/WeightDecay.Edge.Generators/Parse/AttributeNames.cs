namespace WeightDecay.Edge.Generators.Parse;

/// <summary>Metadata names of the attributes a layout is declared with (src/WeightDecay.Edge/Shared/Attributes/).</summary>
internal static class AttributeNames
{
    public const string ModelLayout = "WeightDecay.Edge.ModelLayoutAttribute";
    public const string Tensor = "WeightDecay.Edge.TensorAttribute";
    public const string Sgd = "WeightDecay.Edge.SgdAttribute";
    public const string Adam = "WeightDecay.Edge.AdamAttribute";
    public const string AdamW = "WeightDecay.Edge.AdamWAttribute";
    public const string Dense = "WeightDecay.Edge.DenseAttribute";
}
