using System.Collections.Generic;

namespace WeightDecay.Edge;

/// <summary>
/// A model layout generated from a <c>[ModelLayout]</c> class, seen without its static type: its
/// flat buffers and the tensors laid out in them. Every generated layout implements it when this
/// library is referenced.
/// </summary>
public interface IModelLayout
{
    /// <summary>All parameters, flat, in declaration order, each tensor row-major.</summary>
    float[] Parameters { get; }

    /// <summary>The gradient for each entry of <see cref="Parameters"/>, same layout.</summary>
    float[] Gradients { get; }

    /// <summary>The tensors, in declaration order, with their places in the flat buffers and their flags.</summary>
    IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGrad();
}
