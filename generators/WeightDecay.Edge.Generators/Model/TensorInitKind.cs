namespace WeightDecay.Edge.Generators.Model;

/// <summary>How a tensor's parameters are initialised by the constructor and <c>ResetParameters(seed)</c>.</summary>
internal enum TensorInitKind
{
    /// <summary>Left as they are: the constructor leaves zeros, <c>ResetParameters</c> leaves the values alone.</summary>
    None = 0,

    /// <summary>Zeros (a plain <c>[Tensor]</c>'s default: what every layout did before initialisation existed).</summary>
    Zeros = 1,

    /// <summary>U(-scale, scale), as torch's <c>uniform_</c>; a dense layer's weight and bias use 1/√fan_in.</summary>
    Uniform = 2,

    /// <summary>N(0, scale²) by Box-Muller, as torch's <c>normal_(0, std)</c>.</summary>
    Normal = 3,
}
