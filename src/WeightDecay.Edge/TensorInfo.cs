using System;
using System.Collections.Generic;

namespace WeightDecay.Edge;

/// <summary>One tensor of a generated layout: its name, shape, place in the flat buffers, decay and trainable flags.</summary>
public sealed class TensorInfo
{
    private readonly int[] _shape;

    /// <summary>Describes a tensor. Generated code calls this; users rarely need to.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="offset">Index of its first scalar in the flat buffers.</param>
    /// <param name="length">Number of scalars; the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimensions, outermost first. Copied.</param>
    /// <param name="decay">Whether weight decay applies to it.</param>
    /// <param name="trainable">Whether optimizers update it (false for a frozen tensor).</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">The shape is empty, has a dimension below 1, or its product is not
    /// <paramref name="length"/>.</exception>
    public TensorInfo(string name, int offset, int length, int[] shape, bool decay, bool trainable = true)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        long product = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 1)
            {
                throw new ArgumentException($"Every dimension of '{name}' must be at least 1.", nameof(shape));
            }

            product *= dimension;
        }

        if (shape.Length == 0 || product != length)
        {
            throw new ArgumentException($"The shape of '{name}' has {product} elements, not {length}.", nameof(shape));
        }

        Name = name;
        Offset = offset;
        Length = length;
        Decay = decay;
        Trainable = trainable;
        _shape = (int[])shape.Clone();
    }

    /// <summary>The tensor's name, as declared.</summary>
    public string Name { get; }

    /// <summary>Index of the tensor's first scalar in the flat buffers.</summary>
    public int Offset { get; }

    /// <summary>Number of scalars in the tensor.</summary>
    public int Length { get; }

    /// <summary>Whether weight decay applies to this tensor.</summary>
    public bool Decay { get; }

    /// <summary>
    /// Whether optimizers update this tensor. A frozen tensor (false: <c>Trainable = false</c> on its attribute) has
    /// no optimizer state, no gradient, and keeps its values (torch: <c>requires_grad_(False)</c>).
    /// </summary>
    public bool Trainable { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name} ({string.Join("x", _shape)}){(Decay ? string.Empty : ", no decay")}{(Trainable ? string.Empty : ", frozen")}";
}
