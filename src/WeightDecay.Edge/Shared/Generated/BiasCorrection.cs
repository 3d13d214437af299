#nullable disable

namespace WeightDecay.Edge.Generated
{
#if NETCOREAPP
    /// <summary>
    /// Adam's bias correction <c>1 - beta^step</c> in double, bitwise equal to <c>1.0 - Math.Pow(beta, step)</c>
    /// (torch 1.13: <c>1 - beta1 ** step</c> in Python, which calls the C library's <c>pow</c>, as
    /// <c>Math.Pow</c> does), for about a quarter of the cost of the call at each step.
    /// </summary>
    /// <remarks>
    /// A plain running product <c>beta^t = beta^(t-1) · beta</c> is not what <c>pow</c> returns: it gathers a
    /// rounding error per step (for beta = 0.9 it differs from <c>Math.Pow</c> from step 4 on). This keeps the
    /// running product in double-double instead (the high part plus the exact rounding error of each product,
    /// about 104 bits), so the high part is the correctly rounded beta^step and the low part says how far the true
    /// value is from it. When that distance is at most 0.4 ulp, any <c>pow</c> that is within 0.6 ulp of the true
    /// value returns that same double (glibc documents 0.52 ulp for its <c>pow</c>), and the high part is used.
    /// Otherwise (about one step in five), and whenever beta changed or the step is not the next one (the first
    /// step, a loaded checkpoint), <c>Math.Pow</c> is called. Below 2^-56, 1 - beta^step is exactly 1 whatever
    /// the last bits of beta^step. Desktop only; the device profile calls its <c>pow</c> each step.
    /// </remarks>
    public struct BiasCorrection
    {
        private const double Negligible = 1.3877787807814457E-17; // 2^-56: 1 - x rounds to 1 for every x below it.
        private const double MaxDistance = 0.4; // ulps between the true beta^step and the double returned.

        private double _beta;
        private long _step;
        private double _high;
        private double _low;

        /// <summary>Returns <c>1.0 - Math.Pow(beta, step)</c>, bit for bit, for a <paramref name="beta"/> in [0, 1) and a
        /// <paramref name="step"/> of 1 or more.</summary>
        /// <param name="beta">The decay rate, as the double the user's decimal denotes.</param>
        /// <param name="step">The step being taken, 1 for the first.</param>
        public double Next(double beta, long step)
        {
            if (_step == 0 || step != _step + 1 || beta != _beta)
            {
                _beta = beta;
                _step = step;
                Power(beta, step, out _high, out _low);
                return 1.0 - System.Math.Pow(beta, step);
            }

            _step = step;
            if (_high < Negligible)
            {
                return 1.0; // And no more products: they would soon be subnormal, which is slow on x86.
            }

            Multiply(_high, _low, beta, 0.0, out _high, out _low);
            double power = _high;
            if (power < Negligible)
            {
                return 1.0;
            }

            double up = System.Math.BitIncrement(power) - power;
            double down = power - System.Math.BitDecrement(power);
            double ulp = up < down ? up : down;
            double distance = _low < 0.0 ? -_low : _low;
            return distance <= MaxDistance * ulp ? 1.0 - power : 1.0 - System.Math.Pow(beta, step);
        }

        // beta^n in double-double by binary powering: about 2·log2(n) products, each exact to about 2^-104.
        private static void Power(double beta, long n, out double high, out double low)
        {
            double resultHigh = 1.0, resultLow = 0.0, baseHigh = beta, baseLow = 0.0;
            while (n > 0)
            {
                if ((n & 1) != 0)
                {
                    Multiply(resultHigh, resultLow, baseHigh, baseLow, out resultHigh, out resultLow);
                }

                n >>= 1;
                if (n > 0)
                {
                    Multiply(baseHigh, baseLow, baseHigh, baseLow, out baseHigh, out baseLow);
                }
            }

            high = resultHigh;
            low = resultLow;
        }

        // (ah + al)(bh + bl) as a normalised double-double: the exact error of ah·bh from a fused multiply-add,
        // the cross terms rounded, then a fast two-sum so that high is the rounded sum and low its exact error.
        private static void Multiply(double ah, double al, double bh, double bl, out double high, out double low)
        {
            double product = ah * bh;
            double error = System.Math.FusedMultiplyAdd(ah, bh, -product) + ((ah * bl) + (al * bh));
            high = product + error;
            low = error - (high - product);
        }
    }
#endif
}
