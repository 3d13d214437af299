#nullable disable

namespace WeightDecay.Edge.Generated
{
#if NETCOREAPP
    using System;
    using System.Runtime.CompilerServices;
    using System.Runtime.InteropServices;
#if NET8_0_OR_GREATER
    using System.Runtime.Intrinsics;
#endif

    /// <summary>
    /// The flush behind the optimizers' opt-in <c>FlushSubnormals</c> (desktop): values whose magnitude is below
    /// <see cref="MinNormal"/> (subnormals, and zeros of either sign) become +0. NaN and infinities are left alone.
    /// </summary>
    public static class Subnormals
    {
        /// <summary>The smallest positive normal float, 2^-126 (<c>float.MinNormal</c> of .NET 9 and later).</summary>
        public const float MinNormal = 1.17549435E-38f;

        /// <summary>Sets values[i] to +0 where |values[i]| &lt; <see cref="MinNormal"/>, for start ≤ i &lt; end; the others keep their
        /// bits.</summary>
        /// <param name="values">The array, usually a layout's parameters.</param>
        /// <param name="start">The first index.</param>
        /// <param name="end">One past the last index.</param>
        /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range is not inside the array.</exception>
        public static void Flush(float[] values, int start, int end)
        {
            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            if (start < 0 || end < start || end > values.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(end), "start " + start.ToString() + " and end " + end.ToString()
                    + " must satisfy 0 <= start <= end <= " + values.Length.ToString() + ".");
            }

            int i = start;
#if NET8_0_OR_GREATER
            if (Vector256.IsHardwareAccelerated)
            {
                ref float r = ref MemoryMarshal.GetArrayDataReference(values);
                Vector256<float> minNormal = Vector256.Create(MinNormal);
                for (; i <= end - 8; i += 8)
                {
                    ref float at = ref Unsafe.Add(ref r, i);
                    Vector256<float> v = Vector256.LoadUnsafe(ref at);
                    Vector256<float> tiny = Vector256.LessThan(Vector256.Abs(v), minNormal); // false for NaN
                    Vector256.AndNot(v, tiny).StoreUnsafe(ref at);
                }
            }
#endif
            for (; i < end; i++)
            {
                float w = values[i];
                if (w < MinNormal && -MinNormal < w)
                {
                    values[i] = 0f;
                }
            }
        }
    }
#endif
}
