#nullable disable

namespace WeightDecay.Edge.Generated
{
    /// <summary>
    /// Validation and conversion of optimizer hyperparameters, shared by every generated optimizer.
    /// </summary>
    public static class HyperParameters
    {
        /// <summary>
        /// Returns, as a double, the shortest decimal that rounds to <paramref name="value"/>: for
        /// 0.9f that is 0.9, not 0.89999997615814209. torch.optim receives hyperparameters as
        /// Python floats (doubles) and computes <c>1 - beta</c>, the bias corrections and the step
        /// size in double before rounding them to float; starting from the decimal the user typed
        /// reproduces its numbers exactly. Magnitudes below 1e-14 or from 1e23 up return the float's
        /// exact value instead (see the comment in the loop).
        /// </summary>
        public static double ToDecimal(float value)
        {
            if (value == 0f || float.IsNaN(value) || float.IsInfinity(value))
            {
                return value; // NaN, zero or infinity: nothing to recover.
            }

            double magnitude = value < 0f ? -(double)value : value;
            int exponent = 0; // magnitude lies in [10^exponent, 10^(exponent + 1)).
            while (PowerOfTen(exponent + 1) <= magnitude)
            {
                exponent++;
            }

            while (magnitude < PowerOfTen(exponent))
            {
                exponent--;
            }

            for (int digits = 1; digits <= 9; digits++)
            {
                int scale = digits - 1 - exponent; // keep `digits` significant digits.
                if (scale > 22 || scale < -22)
                {
                    // 10^scale is no longer exact in double, so the candidate could be an ulp off:
                    // keep the float's exact value. Only magnitudes below 1e-14 or at or above
                    // 1e23 get here, far outside any hyperparameter's range.
                    return value;
                }

                double candidate = scale >= 0
                    ? RoundHalfUp(magnitude * PowerOfTen(scale)) / PowerOfTen(scale)
                    : RoundHalfUp(magnitude / PowerOfTen(-scale)) * PowerOfTen(-scale);
                if ((float)candidate == (float)magnitude)
                {
                    return value < 0f ? -candidate : candidate;
                }
            }

            return value; // Unreachable: nine significant digits always round-trip a float.
        }

        /// <summary>
        /// Whether <paramref name="value"/> is NaN, tested as <c>value != value</c>: an equality comparison, which
        /// nanoCLR evaluates correctly for NaN (it gets some ordered comparisons wrong; see device/README.md).
        /// </summary>
        public static bool IsNaN(double value)
        {
#pragma warning disable CS1718 // Comparison made to same variable: that is the NaN test.
            return value != value;
#pragma warning restore CS1718
        }

        /// <summary>
        /// Returns <paramref name="multiplier"/>, what <paramref name="schedule"/> returned for <paramref name="step"/>, when it is
        /// finite and zero or positive; otherwise throws before the step changes anything (a user-defined schedule can return
        /// anything). Written with IsNaN and &lt; only, which nanoCLR evaluates correctly for NaN.
        /// </summary>
        /// <exception cref="global::System.InvalidOperationException">The multiplier is NaN, negative or infinite.</exception>
        public static double RequireMultiplier(double multiplier, string schedule, long step)
        {
            if (IsNaN(multiplier) || multiplier < 0.0 || double.MaxValue < multiplier)
            {
                throw new global::System.InvalidOperationException(
                    schedule + ".Multiplier(" + step.ToString() + ") returned " + multiplier.ToString()
                        + "; it must be finite and zero or positive. Nothing was changed.");
            }

            return multiplier;
        }

        /// <summary>Throws unless <paramref name="value"/> is zero or positive (NaN is rejected).</summary>
        public static void RequireNonNegative(float value, string name)
        {
            if (IsNaN(value) || value < 0f)
            {
                throw new global::System.ArgumentOutOfRangeException(
                    name, name + " must be zero or positive, but was " + value.ToString() + ".");
            }
        }

        /// <summary>
        /// Throws unless <paramref name="value"/> is positive: the device profile's rule for Adam's epsilon, since
        /// nanoFramework's interpreter throws on a float division by zero (torch allows epsilon 0 and gets NaN).
        /// </summary>
        public static void RequirePositive(float value, string name)
        {
            if (IsNaN(value) || value <= 0f)
            {
                throw new global::System.ArgumentOutOfRangeException(
                    name,
                    name + " must be positive on nanoFramework, whose interpreter throws on the division by zero a zero " + name
                        + " meets, but was " + value.ToString() + ".");
            }
        }

        /// <summary>Throws unless 0 &lt;= <paramref name="value"/> &lt; 1, as torch.optim requires of betas.</summary>
        public static void RequireBeta(float value, string name)
        {
            if (IsNaN(value) || value < 0f || 1f <= value)
            {
                throw new global::System.ArgumentOutOfRangeException(name, name + " must be in [0, 1), but was " + value.ToString() + ".");
            }
        }

        /// <summary>Exact powers of ten: every 10^k with |k| &lt;= 22 is a double exactly.</summary>
        private static double PowerOfTen(int exponent)
        {
            double result = 1.0;
            int count = exponent < 0 ? -exponent : exponent;
            for (int i = 0; i < count; i++)
            {
                result *= 10.0;
            }

            return exponent < 0 ? 1.0 / result : result;
        }

        private static double RoundHalfUp(double value)
        {
            double whole = (double)(long)value;
            return 0.5 <= value - whole ? whole + 1.0 : whole;
        }
    }
}
