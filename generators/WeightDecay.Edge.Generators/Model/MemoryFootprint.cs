namespace WeightDecay.Edge.Generators.Model;

/// <summary>
/// The bytes a layout allocates, by part, computed from its spec: what the generated size
/// constants say and what <c>[ModelLayout(RamBudgetBytes = ...)]</c> is checked against. Optimizer
/// state is the worst case of the optimizers the layout opts into: Adam and AdamW keep three
/// floats per trainable parameter with AMSGrad on, SGD one (its momentum buffer). Dense buffers hold
/// <c>MaxBatchSize</c> samples (at least one). The anchor holds one float per anchored parameter. With
/// <c>GradientAccumulationSteps</c> above 1, each optimizer's gradient sum adds one float per trainable parameter, and
/// with <c>EmaDecay</c> its moving average of the weights one more.
/// </summary>
internal readonly struct MemoryFootprint
{
    private const long FloatBytes = 4;

    public MemoryFootprint(LayoutSpec layout)
    {
        ParameterBytes = FloatBytes * layout.ParameterCount;
        GradientBytes = FloatBytes * layout.ParameterCount;
        AnchorBytes = FloatBytes * layout.AnchoredParameterCount;
        long statePerParameter = OptimizerDefinitions.MostStateArrays(layout.Optimizers);
        statePerParameter += layout.AccumulatesGradients ? 1 : 0; // the gradient sum of GradientAccumulationSteps
        statePerParameter += layout.HasEma ? 1 : 0; // the moving average of the weights (EmaDecay)
        OptimizerStateBytes = FloatBytes * statePerParameter * layout.TrainableParameterCount;
        long activations = 0;
        foreach (DenseLayerSpec layer in layout.DenseLayers)
        {
            activations += 2L * layer.Outputs * layout.BatchRows; // each layer's activations and deltas, per sample of a pass
        }

        ActivationBytes = FloatBytes * activations;
    }

    public long ParameterBytes { get; }

    public long GradientBytes { get; }

    /// <summary>The anchor of the tensors decayed toward it (<c>DecayTowardAnchor</c>): 4 bytes per anchored parameter.</summary>
    public long AnchorBytes { get; }

    public long OptimizerStateBytes { get; }

    public long ActivationBytes { get; }

    public long TotalBytes => ParameterBytes + GradientBytes + AnchorBytes + OptimizerStateBytes + ActivationBytes;
}
