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

        /// <summary>
        /// Fills <paramref name="count"/> values from <paramref name="offset"/> with draws from
        /// N(0, <paramref name="std"/>²) by Box-Muller (the cosine branch, two uniforms per value):
        /// u1 in (0, 1] (so the logarithm is finite: at most 5.8σ), u2 in [0, 1). The logarithm,
        /// square root and cosine are <see cref="FloatMath"/>'s on both profiles, so the device and
        /// the desktop draw the same bits.
        /// </summary>
        /// <param name="values">The parameter buffer.</param>
        /// <param name="offset">Index of the tensor's first value.</param>
        /// <param name="count">Number of values.</param>
        /// <param name="seed">The tensor's stream: the layout's seed xor the tensor's name hash.</param>
        /// <param name="std">The standard deviation.</param>
        public static void Normal(float[] values, int offset, int count, ulong seed, float std)
        {
            SplitMix64 random = new SplitMix64(seed);
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                float u1 = ((int)(random.NextUInt64() >> 40) + 1) * (1f / 16777216f);
                double u2 = (int)(random.NextUInt64() >> 40) * (1.0 / 16777216.0);
                double radius = FloatMath.SqrtDouble(-2.0 * FloatMath.Log(u1));
                values[i] = (float)(std * radius * FloatMath.Cos(6.283185307179586 * u2));
            }
        }
    }
}
