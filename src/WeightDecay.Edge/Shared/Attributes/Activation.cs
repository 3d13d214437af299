#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>The activation a <see cref="DenseAttribute"/> layer applies to its outputs.</summary>
    public enum Activation
    {
        /// <summary>No activation: <c>y = z</c> (logits for a cross-entropy output layer).</summary>
        Identity = 0,

        /// <summary><c>y = max(z, 0)</c>, derivative 0 at 0 (as torch).</summary>
        ReLU = 1,

        /// <summary><c>y = tanh(z)</c>.</summary>
        Tanh = 2,

        /// <summary><c>y = 1 / (1 + exp(-z))</c>.</summary>
        Sigmoid = 3,
    }
}
