#nullable disable

namespace WeightDecay.Edge.Generated
{
    /// <summary>
    /// Square root, power, exponential, logarithm, tanh, sigmoid and cosine for targets whose mscorlib has
    /// no <c>System.Math</c> or <c>MathF</c> (nanoFramework). Generated code calls these only there.
    /// Float comparisons are written with <c>&lt;</c>, <c>&lt;=</c> and <c>==</c> only, operands swapped where needed:
    /// nanoCLR evaluates <c>&gt;</c> and <c>&gt;=</c> wrongly when an operand is NaN (device/README.md).
    /// </summary>
    public static class FloatMath
    {
        /// <summary>
        /// The correctly rounded square root of a float (as <c>MathF.Sqrt</c>): the double Newton
        /// iteration below is within an ulp of a double, and the square root of a float is never
        /// that close to the midpoint between two floats, so rounding it to float is exact.
        /// </summary>
        public static float Sqrt(float x)
        {
            return (float)SqrtDouble(x);
        }

        /// <summary>Square root in double, within one ulp; NaN for negative input, as <c>Math.Sqrt</c>.</summary>
        public static double SqrtDouble(double x)
        {
            if (double.IsNaN(x) || x == 0.0 || double.IsPositiveInfinity(x))
            {
                return x; // Keeps the sign of -0, as IEEE 754 requires.
            }

            if (x < 0.0)
            {
                return double.NaN;
            }

            // x = f * 4^k with f in [1, 4): sqrt(x) = sqrt(f) * 2^k. Scaling by powers of two is exact.
            double f = x;
            double scale = 1.0;
            while (4294967296.0 <= f)
            {
                f *= 2.3283064365386963E-10; // 2^-32
                scale *= 65536.0;
            }

            while (f < 2.3283064365386963E-10)
            {
                f *= 4294967296.0;
                scale *= 1.52587890625E-05; // 2^-16
            }

            while (4.0 <= f)
            {
                f *= 0.25;
                scale *= 2.0;
            }

            while (f < 1.0)
            {
                f *= 4.0;
                scale *= 0.5;
            }

            // Start within 10% of sqrt(f) on [1, 4); Newton's method squares the error each step:
            // 0.1, 5e-3, 1.3e-5, 8e-11, 3e-21, below a double's precision after four steps.
            double y = 0.6 + (0.4 * f);
            y = 0.5 * (y + (f / y));
            y = 0.5 * (y + (f / y));
            y = 0.5 * (y + (f / y));
            y = 0.5 * (y + (f / y));
            y = 0.5 * (y + (f / y));
            return y * scale;
        }

        /// <summary>
        /// <c>e^x</c>, within one ulp of the exact value (the result is computed in double to about
        /// 1e-16 and rounded once): +infinity above about 88.72, zero (or a subnormal) below about
        /// -87.3, NaN for NaN.
        /// </summary>
        public static float Exp(float x)
        {
            return (float)ExpDouble(x);
        }

        /// <summary><c>tanh(x)</c>, within one ulp; ±1 for large |x| with no overflow, NaN for NaN.</summary>
        public static float Tanh(float x)
        {
            if (double.IsNaN(x) || x == 0f)
            {
                return x;
            }

            double a = x < 0f ? -(double)x : x;
            double t;
            if (a < 0.0009765625)
            {
                // Near zero (e^2a - 1) would cancel; the series x - x^3/3 + 2x^5/15 is exact to 1e-22 here.
                double a2 = a * a;
                t = a * (1.0 - (a2 * (0.3333333333333333 - (a2 * 0.13333333333333333))));
            }
            else if (20.0 < a)
            {
                t = 1.0; // tanh(20) is 1 - 8e-18: 1 in float, and e^40 is never formed.
            }
            else
            {
                double e = ExpDouble(2.0 * a);
                t = (e - 1.0) / (e + 1.0);
            }

            return x < 0f ? (float)-t : (float)t;
        }

        /// <summary>The logistic function <c>1 / (1 + e^-x)</c>, within one ulp, for every x (no overflow).</summary>
        public static float Sigmoid(float x)
        {
            if (double.IsNaN(x))
            {
                return x;
            }

            if (0f <= x)
            {
                return (float)(1.0 / (1.0 + ExpDouble(-(double)x)));
            }

            double e = ExpDouble(x);
            return (float)(e / (1.0 + e));
        }

        /// <summary>The natural logarithm, within one ulp: -infinity at 0, NaN below 0 or for NaN.</summary>
        public static float Log(float x)
        {
            if (double.IsNaN(x) || x < 0f)
            {
                return float.NaN;
            }

            if (x == 0f)
            {
                return float.NegativeInfinity;
            }

            if (float.MaxValue < x)
            {
                return x; // +infinity.
            }

            // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); scaling by powers of two is exact.
            double m = x;
            int exponent = 0;
            while (4294967296.0 <= m)
            {
                m *= 2.3283064365386963E-10; // 2^-32
                exponent += 32;
            }

            while (m < 2.3283064365386963E-10)
            {
                m *= 4294967296.0;
                exponent -= 32;
            }

            while (1.4142135623730951 <= m)
            {
                m *= 0.5;
                exponent++;
            }

            while (m < 0.7071067811865476)
            {
                m *= 2.0;
                exponent--;
            }

            // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172: the odd series to s^19 is exact to 1e-17.
            double s = (m - 1.0) / (m + 1.0);
            double s2 = s * s;
            double series = 0.05263157894736842;
            series = 0.058823529411764705 + (s2 * series);
            series = 0.06666666666666667 + (s2 * series);
            series = 0.07692307692307693 + (s2 * series);
            series = 0.09090909090909091 + (s2 * series);
            series = 0.1111111111111111 + (s2 * series);
            series = 0.14285714285714285 + (s2 * series);
            series = 0.2 + (s2 * series);
            series = 0.3333333333333333 + (s2 * series);
            series = 1.0 + (s2 * series);
            return (float)((exponent * 0.6931471805599453) + (2.0 * s * series));
        }

        /// <summary>
        /// <c>e^x</c> in double, to about 1e-16 relative: x = k ln2 + r with |r| &lt;= ln2/2 (Cody and
        /// Waite: ln2 split in two so that k * Ln2Hi is exact), e^r by its Taylor series to r^13
        /// (the rest is below 5e-18), then scaled by 2^k, an exact power of two.
        /// </summary>
        private static double ExpDouble(double x)
        {
            if (double.IsNaN(x))
            {
                return x;
            }

            if (709.8 < x)
            {
                return double.PositiveInfinity;
            }

            if (x < -745.2)
            {
                return 0.0;
            }

            const double Ln2Hi = 0.6931471803691238; // 0x3FE62E42FEE00000: 21 trailing zero bits.
            const double Ln2Lo = 1.9082149292705877E-10;
            double kd = x * 1.4426950408889634; // x / ln2
            long k = (long)(kd < 0.0 ? kd - 0.5 : kd + 0.5);
            double r = (x - (k * Ln2Hi)) - (k * Ln2Lo);

            double p = 1.6059043836821613E-10; // 1/13!
            p = 2.08767569878681E-09 + (r * p);
            p = 2.505210838544172E-08 + (r * p);
            p = 2.755731922398589E-07 + (r * p);
            p = 2.7557319223985893E-06 + (r * p);
            p = 2.48015873015873E-05 + (r * p);
            p = 0.0001984126984126984 + (r * p);
            p = 0.001388888888888889 + (r * p);
            p = 0.008333333333333333 + (r * p);
            p = 0.041666666666666664 + (r * p);
            p = 0.16666666666666666 + (r * p);
            p = 0.5 + (r * p);
            p = 1.0 + (r * p);
            p = 1.0 + (r * p);

            while (k > 512)
            {
                p *= 1.3407807929942597E+154; // 2^512
                k -= 512;
            }

            while (k < -512)
            {
                p *= 7.458340731200207E-155; // 2^-512
                k += 512;
            }

            return k >= 0 ? p * Pow(2.0, k) : p / Pow(2.0, -k);
        }

        /// <summary>
        /// <c>cos(x)</c> in double, for learning-rate schedules. |x| is reduced to r in [-π/4, π/4]
        /// around the nearest multiple k·π/2 (Cody and Waite, with π/2 split into three 33-bit parts so
        /// that each product k·part is exact for |x| &lt; 2^20·π/2 ≈ 1.6e6), then cos or sin of r by
        /// Taylor series to r^16 and r^17 (the rest is below 3e-18), chosen and signed by k mod 4.
        /// Within 2 ulp of <c>Math.Cos</c> for |x| &lt; 1.6e6; beyond that the reduction loses about
        /// |x|·2^-53 absolute. NaN for NaN or an infinity.
        /// </summary>
        public static double Cos(double x)
        {
            if (double.IsNaN(x) || double.IsInfinity(x))
            {
                return double.NaN;
            }

            const double HalfPi1 = 1.57079632673412561417e+00; // The first 33 bits of π/2.
            const double HalfPi2 = 6.07710050630396597660e-11; // The next 33 bits.
            const double HalfPi3 = 2.02226624871116645580e-21; // The next 33 bits.
            const double HalfPi3Tail = 8.47842766036889956997e-32;
            double a = x < 0.0 ? -x : x;
            long k = (long)((a * 0.6366197723675814) + 0.5); // Nearest integer to a / (π/2).
            double r = (((a - (k * HalfPi1)) - (k * HalfPi2)) - (k * HalfPi3)) - (k * HalfPi3Tail);
            double z = r * r;
            long quadrant = k & 3;
            if (quadrant == 0 || quadrant == 2)
            {
                double c = 1.0 / 20922789888000.0; // 1/16!
                c = (-1.0 / 87178291200.0) + (z * c);
                c = (1.0 / 479001600.0) + (z * c);
                c = (-1.0 / 3628800.0) + (z * c);
                c = (1.0 / 40320.0) + (z * c);
                c = (-1.0 / 720.0) + (z * c);
                c = (1.0 / 24.0) + (z * c);
                c = -0.5 + (z * c);
                c = 1.0 + (z * c);
                return quadrant == 0 ? c : -c;
            }

            double s = 1.0 / 355687428096000.0; // 1/17!
            s = (-1.0 / 1307674368000.0) + (z * s);
            s = (1.0 / 6227020800.0) + (z * s);
            s = (-1.0 / 39916800.0) + (z * s);
            s = (1.0 / 362880.0) + (z * s);
            s = (-1.0 / 5040.0) + (z * s);
            s = (1.0 / 120.0) + (z * s);
            s = (-1.0 / 6.0) + (z * s);
            s = r + (r * z * s);
            return quadrant == 1 ? -s : s;
        }

        /// <summary><paramref name="x"/> to the power <paramref name="n"/> (n &gt;= 0) by repeated squaring.</summary>
        public static double Pow(double x, long n)
        {
            double result = 1.0;
            double power = x;
            while (n > 0)
            {
                if ((n & 1) != 0)
                {
                    result *= power;
                }

                power *= power;
                n >>= 1;
            }

            return result;
        }
    }
}
