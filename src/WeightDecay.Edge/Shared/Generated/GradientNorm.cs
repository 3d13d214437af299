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
    /// The sum of squares behind gradient clipping and the non-finite guard (desktop), in double, with a fixed
    /// order of additions that does not depend on the machine: the same bits on every run, on the Vector512,
    /// Vector256, Vector128 and scalar paths alike.
    /// </summary>
    /// <remarks>
    /// The order: element <c>start + k</c> is added to partial sum <c>k mod 32</c>; each of the 32 partial sums adds
    /// its elements in increasing k, starting from +0. Then the partial sums are folded in halves, partial j taking
    /// partial j + 16, then j + 8, j + 4, j + 2 and j + 1, and partial 0 is the result. Each square of a float is exact
    /// in double (24-bit significands give 48-bit products), so a fused and an unfused multiply-add give the same
    /// sum, and a vector of w doubles simply holds w neighbouring partial sums: every path performs the very same
    /// roundings. The sum of squares of floats cannot overflow a double, so it is finite exactly when every element
    /// is. It differs from a serial sum (the device profile's, and torch's float32 one) in the last bits only.
    /// </remarks>
    public static class GradientNorm
    {
        /// <summary>The number of partial sums, whatever the hardware's vector width.</summary>
        public const int PartialSums = 32;

        /// <summary>Σ values[i]² for start ≤ i &lt; end, in double, in the fixed order described on the class.</summary>
        /// <param name="values">The array, usually a layout's gradients.</param>
        /// <param name="start">The first index summed.</param>
        /// <param name="end">One past the last index summed.</param>
        /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range is not inside the array.</exception>
        public static double SquaredSum(float[] values, int start, int end)
        {
            CheckRange(values, start, end);
#if NET8_0_OR_GREATER
            if (Vector512.IsHardwareAccelerated)
            {
                return SquaredSumVector512(values, start, end);
            }

            if (Vector256.IsHardwareAccelerated)
            {
                return SquaredSumVector256(values, start, end);
            }

            if (Vector128.IsHardwareAccelerated)
            {
                return SquaredSumVector128(values, start, end);
            }
#endif
            return SquaredSumScalar(values, start, end);
        }

        /// <summary>
        /// <see cref="SquaredSum(float[], int, int)"/> on a path chosen by the caller, for tests and benchmarks:
        /// 16, 8 or 4 floats per vector (Vector512, Vector256, Vector128; where the hardware lacks the width the
        /// runtime emulates it, slowly but with the same results) or 1 (scalar). Every width returns the same bits.
        /// </summary>
        /// <param name="values">The array.</param>
        /// <param name="start">The first index summed.</param>
        /// <param name="end">One past the last index summed.</param>
        /// <param name="floatsPerVector">16, 8, 4 or 1.</param>
        /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range is not inside the array, or the width is not one of those.</exception>
        public static double SquaredSum(float[] values, int start, int end, int floatsPerVector)
        {
            CheckRange(values, start, end);
            switch (floatsPerVector)
            {
#if NET8_0_OR_GREATER
                case 16: return SquaredSumVector512(values, start, end);
                case 8: return SquaredSumVector256(values, start, end);
                case 4: return SquaredSumVector128(values, start, end);
#endif
                case 1: return SquaredSumScalar(values, start, end);
                default: throw new ArgumentOutOfRangeException(nameof(floatsPerVector), "16, 8, 4 or 1 (16, 8 and 4 from .NET 8).");
            }
        }

        /// <summary>Multiplies values[i] by <paramref name="scale"/> in place for start ≤ i &lt; end (one float rounding each, as a scalar
        /// loop).</summary>
        /// <param name="values">The array, usually a layout's gradients.</param>
        /// <param name="start">The first index scaled.</param>
        /// <param name="end">One past the last index scaled.</param>
        /// <param name="scale">The factor.</param>
        /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range is not inside the array.</exception>
        public static void Scale(float[] values, int start, int end, float scale)
        {
            CheckRange(values, start, end);
            int i = start;
#if NET8_0_OR_GREATER
            ref float r = ref MemoryMarshal.GetArrayDataReference(values);
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> s = Vector256.Create(scale);
                for (; i <= end - 8; i += 8)
                {
                    (Vector256.LoadUnsafe(ref Unsafe.Add(ref r, i)) * s).StoreUnsafe(ref Unsafe.Add(ref r, i));
                }
            }
#endif
            for (; i < end; i++)
            {
                values[i] *= scale;
            }
        }

        private static void CheckRange(float[] values, int start, int end)
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
        }

        // The reference order itself: 32 partial sums in a small stack buffer.
        private static double SquaredSumScalar(float[] values, int start, int end)
        {
            Span<double> partial = stackalloc double[PartialSums];
            int i = start;
            for (; i <= end - PartialSums; i += PartialSums)
            {
                for (int j = 0; j < PartialSums; j++)
                {
                    double x = values[i + j];
                    partial[j] += x * x;
                }
            }

            return Finish(values, i, end, partial);
        }

        // The remainder (fewer than 32 elements) into partials 0, 1, ..., then the fold.
        private static double Finish(float[] values, int i, int end, Span<double> partial)
        {
            for (int j = 0; i + j < end; j++)
            {
                double x = values[i + j];
                partial[j] += x * x;
            }

            for (int half = PartialSums / 2; half >= 1; half /= 2)
            {
                for (int j = 0; j < half; j++)
                {
                    partial[j] += partial[j + half];
                }
            }

            return partial[0];
        }

#if NET8_0_OR_GREATER
        // Four accumulators of 8 doubles: partials 0-7, 8-15, 16-23, 24-31.
        private static double SquaredSumVector512(float[] values, int start, int end)
        {
            ref float r = ref MemoryMarshal.GetArrayDataReference(values);
            Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
            int i = start;
            for (; i <= end - PartialSums; i += PartialSums)
            {
                Vector512<float> f0 = Vector512.LoadUnsafe(ref Unsafe.Add(ref r, i));
                Vector512<float> f1 = Vector512.LoadUnsafe(ref Unsafe.Add(ref r, i + 16));
                Vector512<double> d0 = Vector512.WidenLower(f0);
                Vector512<double> d1 = Vector512.WidenUpper(f0);
                Vector512<double> d2 = Vector512.WidenLower(f1);
                Vector512<double> d3 = Vector512.WidenUpper(f1);
                a0 += d0 * d0;
                a1 += d1 * d1;
                a2 += d2 * d2;
                a3 += d3 * d3;
            }

            Span<double> partial = stackalloc double[PartialSums];
            a0.CopyTo(partial);
            a1.CopyTo(partial.Slice(8));
            a2.CopyTo(partial.Slice(16));
            a3.CopyTo(partial.Slice(24));
            return Finish(values, i, end, partial);
        }

        // Eight accumulators of 4 doubles.
        private static double SquaredSumVector256(float[] values, int start, int end)
        {
            ref float r = ref MemoryMarshal.GetArrayDataReference(values);
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<double> a4 = default, a5 = default, a6 = default, a7 = default;
            int i = start;
            for (; i <= end - PartialSums; i += PartialSums)
            {
                Vector256<float> f0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref r, i));
                Vector256<float> f1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref r, i + 8));
                Vector256<float> f2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref r, i + 16));
                Vector256<float> f3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref r, i + 24));
                a0 = AddSquares(a0, Vector256.WidenLower(f0));
                a1 = AddSquares(a1, Vector256.WidenUpper(f0));
                a2 = AddSquares(a2, Vector256.WidenLower(f1));
                a3 = AddSquares(a3, Vector256.WidenUpper(f1));
                a4 = AddSquares(a4, Vector256.WidenLower(f2));
                a5 = AddSquares(a5, Vector256.WidenUpper(f2));
                a6 = AddSquares(a6, Vector256.WidenLower(f3));
                a7 = AddSquares(a7, Vector256.WidenUpper(f3));
            }

            Span<double> partial = stackalloc double[PartialSums];
            a0.CopyTo(partial);
            a1.CopyTo(partial.Slice(4));
            a2.CopyTo(partial.Slice(8));
            a3.CopyTo(partial.Slice(12));
            a4.CopyTo(partial.Slice(16));
            a5.CopyTo(partial.Slice(20));
            a6.CopyTo(partial.Slice(24));
            a7.CopyTo(partial.Slice(28));
            return Finish(values, i, end, partial);
        }

        // Sixteen accumulators of 2 doubles, kept in the stack buffer (more than the 16 registers of SSE/NEON).
        private static double SquaredSumVector128(float[] values, int start, int end)
        {
            ref float r = ref MemoryMarshal.GetArrayDataReference(values);
            Span<double> partial = stackalloc double[PartialSums];
            ref double p = ref MemoryMarshal.GetReference(partial);
            int i = start;
            for (; i <= end - PartialSums; i += PartialSums)
            {
                for (int j = 0; j < PartialSums; j += 4)
                {
                    Vector128<float> f = Vector128.LoadUnsafe(ref Unsafe.Add(ref r, i + j));
                    Vector128<double> low = Vector128.WidenLower(f);
                    Vector128<double> high = Vector128.WidenUpper(f);
                    (Vector128.LoadUnsafe(ref Unsafe.Add(ref p, j)) + (low * low)).StoreUnsafe(ref Unsafe.Add(ref p, j));
                    (Vector128.LoadUnsafe(ref Unsafe.Add(ref p, j + 2)) + (high * high)).StoreUnsafe(ref Unsafe.Add(ref p, j + 2));
                }
            }

            return Finish(values, i, end, partial);
        }

        private static Vector256<double> AddSquares(Vector256<double> sum, Vector256<double> x) => sum + (x * x);
#endif
    }
#endif
}
