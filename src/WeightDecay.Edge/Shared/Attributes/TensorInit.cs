#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>How a plain <see cref="TensorAttribute"/> tensor is initialised by the layout's constructor and
    /// <c>ResetParameters(seed)</c>.</summary>
    public enum TensorInit
    {
        /// <summary>Zeros (the default), as <c>torch.zeros</c>.</summary>
        Zeros = 0,

        /// <summary>Left to the user: zeros after construction, untouched by <c>ResetParameters</c>.</summary>
        None = 1,

        /// <summary>U(-InitBound, InitBound), as <c>torch.nn.init.uniform_(t, -b, b)</c>.</summary>
        Uniform = 2,

        /// <summary>N(0, InitStd²), as <c>torch.nn.init.normal_(t, 0, std)</c>, by Box-Muller.</summary>
        Normal = 3,
    }
}
