#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>
    /// The pseudo-random generator behind the generated parameter initialisation: SplitMix64
    /// (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the
    /// constants of Vigna's reference <c>splitmix64.c</c>). 64 bits of state, one add, three
    /// xor-shifts and two multiplies per number, all integer arithmetic, so the device build
    /// (nanoFramework) and the desktop build give the same numbers bit for bit. Not for cryptography.
    /// </summary>
    /// <remarks>
    /// A value type so that drawing allocates nothing; copy it and both copies continue with the
    /// same numbers. torch draws from a global Mersenne Twister instead, so the values differ from
    /// torch's for the same seed; their distribution is the same.
    /// </remarks>
    public struct SplitMix64
    {
        private ulong _state;

        /// <summary>A generator whose sequence is fixed by <paramref name="seed"/> (every seed, 0 included, is fine).</summary>
        /// <param name="seed">The seed.</param>
        public SplitMix64(ulong seed)
        {
            _state = seed;
        }

        /// <summary>The next 64 random bits.</summary>
        /// <returns>A uniformly distributed 64-bit value.</returns>
        public ulong NextUInt64()
        {
            unchecked
            {
                _state += 0x9E3779B97F4A7C15UL;
                ulong z = _state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }

        /// <summary>
        /// A float uniform on [0, 1): the top 24 bits of <see cref="NextUInt64"/> times 2^-24, so
        /// every value is an exact multiple of 2^-24 and the conversion rounds nothing.
        /// </summary>
        /// <returns>A value in [0, 1).</returns>
        public float NextSingle()
        {
            return (int)(NextUInt64() >> 40) * (1f / 16777216f);
        }

        /// <summary>
        /// A float uniform on [-<paramref name="bound"/>, <paramref name="bound"/>), as torch's
        /// <c>uniform_(-bound, bound)</c>: <c>bound · (2u − 1)</c> with u from <see cref="NextSingle"/>.
        /// <c>2u − 1</c> is exact, so the one rounding is the product's, and no value exceeds the bound.
        /// </summary>
        /// <param name="bound">The half-width, at least 0.</param>
        /// <returns>A value in [-bound, bound].</returns>
        public float NextUniform(float bound)
        {
            return bound * (2f * NextSingle() - 1f);
        }
    }
}
