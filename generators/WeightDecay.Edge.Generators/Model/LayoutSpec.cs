namespace WeightDecay.Edge.Generators.Model;

/// <summary>
/// Everything the emitter needs to know about one <c>[ModelLayout]</c> class. Holds only strings,
/// numbers and equatable arrays (no symbols, syntax or locations), so two parses of an unchanged
/// declaration compare equal and the pipeline skips emission.
/// </summary>
internal sealed record LayoutSpec(
    string? Namespace,
    string ClassName,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    EquatableArray<TensorSpec> Tensors,
    OptimizerKinds Optimizers)
{
    /// <summary>
    /// The <c>[Dense]</c> layers in declaration order, each feeding the next; empty when the layout
    /// declares only tensors. Their weights and biases are also in <see cref="Tensors"/>.
    /// </summary>
    public EquatableArray<DenseLayerSpec> DenseLayers { get; init; } = EquatableArray<DenseLayerSpec>.Empty;

    /// <summary>
    /// The CLR name (<c>Ns.Outer+Head</c>): what the hint name is made from, because two layouts can
    /// share <see cref="FullName"/> (a namespace <c>A.B</c> and a class <c>B</c> in <c>A</c>).
    /// </summary>
    public string MetadataName { get; init; } = string.Empty;

    /// <summary>The seed the constructor initialises the parameters with: <c>[ModelLayout(Seed = n)]</c>, 0 by default.</summary>
    public ulong InitSeed { get; init; }

    /// <summary>
    /// <c>[ModelLayout(MaxBatchSize = n)]</c>: the samples one mini-batch pass holds, 0 (the default) when the
    /// layout has no mini-batch methods. Validated by the parser (WDE028): 0, or positive on a dense layout.
    /// </summary>
    public int MaxBatchSize { get; init; }

    /// <summary>
    /// <c>[ModelLayout(GradientAccumulationSteps = k)]</c>: how many <c>Step()</c> calls make one update, 1 (the default)
    /// for every call. At least 1 (the parser checks, WDE031).
    /// </summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>
    /// <c>[ModelLayout(EmaDecay = d)]</c>: the decay of the moving average of the weights each optimizer keeps, 0 for none.
    /// 0 or in (0, 1) (the parser checks, WDE032).
    /// </summary>
    public float EmaDecay { get; init; }

    /// <summary>Whether the optimizers keep a moving average of the weights (<see cref="EmaDecay"/> set).</summary>
    public bool HasEma => EmaDecay != 0f;

    /// <summary>Whether the optimizers sum k micro-batches per update (<see cref="GradientAccumulationSteps"/> above 1).</summary>
    public bool AccumulatesGradients => GradientAccumulationSteps > 1;
    /// <c>[AdamW(CautiousWeightDecay = true)]</c>: AdamW decays a coordinate only where its update and the parameter (or
    /// its distance from the anchor) do not have strictly opposite signs (Chen et al. 2025). False by default, and then
    /// nothing generated differs from a layout that never heard of it.
    /// </summary>
    public bool CautiousWeightDecay { get; init; }

    /// <summary>
    /// <c>[Sgd(CautiousWeightDecay = true)]</c>: SGDW (<c>Decoupled = true</c>) decays a coordinate only where the step's
    /// direction and the parameter (or its distance from the anchor) do not have strictly opposite signs.
    /// </summary>
    public bool SgdCautiousWeightDecay { get; init; }

    /// <summary>
    /// The shared-type aliases (<see cref="SharedTypeAliases"/>) whose names the layout's code already sees as something
    /// else, so its generated file spells those types in full; empty for almost every layout.
    /// </summary>
    public EquatableArray<string> TakenAliases { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Samples each dense buffer holds: <see cref="MaxBatchSize"/>, at least one (the per-sample calls).</summary>
    public int BatchRows => MaxBatchSize < 1 ? 1 : MaxBatchSize;

    /// <summary>Total number of scalars over all tensors.</summary>
    public int ParameterCount => Tensors.Count == 0 ? 0 : Tensors[Tensors.Count - 1].Offset + Tensors[Tensors.Count - 1].Length;

    /// <summary>Number of scalars in trainable tensors: the length of every optimizer state buffer.</summary>
    public int TrainableParameterCount
    {
        get
        {
            int count = 0;
            foreach (TensorSpec tensor in Tensors)
            {
                count += tensor.Trainable ? tensor.Length : 0;
            }

            return count;
        }
    }

    /// <summary>Number of scalars in tensors decayed toward the anchor: the length of the layout's <c>Anchor</c>.</summary>
    public int AnchoredParameterCount
    {
        get
        {
            int count = 0;
            foreach (TensorSpec tensor in Tensors)
            {
                count += tensor.Anchored ? tensor.Length : 0;
            }

            return count;
        }
    }

    /// <summary>Number of scalars in frozen (<c>Trainable = false</c>) tensors.</summary>
    public int FrozenParameterCount => ParameterCount - TrainableParameterCount;

    /// <summary>The fully qualified name, used for the generated file's hint name.</summary>
    public string FullName
    {
        get
        {
            var name = new System.Text.StringBuilder();
            if (Namespace is not null)
            {
                name.Append(Namespace).Append('.');
            }

            foreach (ContainingTypeSpec type in ContainingTypes)
            {
                name.Append(type.Name).Append('.');
            }

            return name.Append(ClassName).ToString();
        }
    }
}
