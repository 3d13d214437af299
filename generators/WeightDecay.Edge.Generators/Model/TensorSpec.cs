namespace WeightDecay.Edge.Generators.Model;

/// <summary>One <c>[Tensor]</c> of a layout, with its place in the flat buffers.</summary>
/// <param name="Name">The identifier the user gave; generated members are named after it.</param>
/// <param name="Shape">The dimensions, outermost first (row-major).</param>
/// <param name="Offset">Index of the tensor's first scalar in <c>Parameters</c>.</param>
/// <param name="Length">Number of scalars: the product of <paramref name="Shape"/>.</param>
/// <param name="Decay">Whether weight decay applies to this tensor.</param>
/// <param name="Trainable">
/// Whether optimizers update this tensor. A frozen tensor gets no optimizer state, no update and
/// no decay; its gradient is neither read nor clipped.
/// </param>
internal sealed record TensorSpec(string Name, EquatableArray<int> Shape, int Offset, int Length, bool Decay, bool Trainable = true)
{
    /// <summary>How the constructor and <c>ResetParameters(seed)</c> initialise the tensor.</summary>
    public TensorInitKind Init { get; init; } = TensorInitKind.Zeros;

    /// <summary>The bound of <see cref="TensorInitKind.Uniform"/> or the standard deviation of <see cref="TensorInitKind.Normal"/>.</summary>
    public float InitScale { get; init; }

    /// <summary>The proximal L1 strength λ₁ applied after each update (<c>L1 = λ₁</c>), 0 for none.</summary>
    public float L1 { get; init; }

    /// <summary>The largest L2 norm of each row (slice along the first dimension) after each update, 0 for no limit.</summary>
    public float MaxNorm { get; init; }

    /// <summary>
    /// Whether weight decay pulls this tensor toward its slice of the layout's anchor instead of toward zero
    /// (<c>DecayTowardAnchor = true</c>): only on trainable, decayed tensors (the parser checks).
    /// </summary>
    public bool Anchored { get; init; }

    /// <summary>
    /// The factor on the learning rate of this tensor (<c>LearningRateScale</c>, a torch param group's lr over the base lr),
    /// 1 by default; positive and finite (the parser checks).
    /// </summary>
    public float LearningRateScale { get; init; } = 1f;

    /// <summary>
    /// The factor on the weight decay of this tensor (<c>WeightDecayScale</c>), 1 by default and on tensors that are not
    /// decayed; positive and finite (the parser checks).
    /// </summary>
    public float WeightDecayScale { get; init; } = 1f;

    /// <summary>Whether a step ends with a pass over this tensor: a proximal L1 step or a max-norm projection.</summary>
    public bool HasConstraint => L1 != 0f || MaxNorm != 0f;
}
