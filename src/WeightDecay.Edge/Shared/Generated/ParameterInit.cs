#nullable disable

namespace WeightDecay.Edge.Generated
{
    /// <summary>
    /// The fills generated <c>ResetParameters(seed)</c> methods call, one per tensor. Each tensor
    /// draws from its own <see cref="WeightDecay.Edge.SplitMix64"/> stream, seeded with the layout's
    /// seed xor a hash of the tensor's name, so reshaping or adding one tensor leaves the initial
    /// values of the others unchanged. Allocates nothing.
    /// </summary>
    public static class ParameterInit
    {
        /// <summary>
        /// Fills <paramref name="count"/> values from <paramref name="offset"/> with draws from
        /// U(-<paramref name="bound"/>, <paramref name="bound"/>), in index order (row-major), as
        /// torch's <c>uniform_</c>; for a dense layer's weight and bias the bound is 1/√fan_in, which is
        /// <c>torch.nn.Linear.reset_parameters</c> (<c>kaiming_uniform_</c> with a = √5).
        /// </summary>
        /// <param name="values">The parameter buffer.</param>
        /// <param name="offset">Index of the tensor's first value.</param>
        /// <param name="count">Number of values.</param>
        /// <param name="seed">The tensor's stream: the layout's seed xor the tensor's name hash.</param>
        /// <param name="bound">The half-width of the interval.</param>
        public static void Uniform(float[] values, int offset, int count, ulong seed, float bound)
        {
            SplitMix64 random = new SplitMix64(seed);
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                values[i] = random.NextUniform(bound);
            }
        }
    }
}
