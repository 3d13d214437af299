namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Sources added to every compilation that references the generator, before any layout is parsed:
/// the attributes users write and the scalar helpers the optimizers call. They are emitted rather
/// than shipped in a library because a nanoFramework project cannot reference a netstandard
/// assembly; so they are C# 7.3 and use only what nanoFramework's mscorlib has.
/// </summary>
internal static class PostInitializationSources
{
    public const string AttributesHintName = "WeightDecay.Edge.Attributes.g.cs";
    public const string HyperParametersHintName = "WeightDecay.Edge.HyperParameters.g.cs";
    public const string FloatMathHintName = "WeightDecay.Edge.FloatMath.g.cs";
    public const string BuffersHintName = "WeightDecay.Edge.Buffers.g.cs";

    public const string ModelLayoutAttributeName = "WeightDecay.Edge.ModelLayoutAttribute";
    public const string TensorAttributeName = "WeightDecay.Edge.TensorAttribute";
    public const string SgdAttributeName = "WeightDecay.Edge.SgdAttribute";
    public const string AdamAttributeName = "WeightDecay.Edge.AdamAttribute";
    public const string AdamWAttributeName = "WeightDecay.Edge.AdamWAttribute";
    public const string DenseAttributeName = "WeightDecay.Edge.DenseAttribute";

    public const string Attributes = Header + """
namespace WeightDecay.Edge
{
    /// <summary>
    /// Marks a partial class as a fixed-size model layout. The WeightDecay.Edge generator adds
    /// flat <c>Parameters</c> and <c>Gradients</c> buffers, per-tensor offsets and the optimizers
    /// the class opts into with <see cref="SgdAttribute"/>, <see cref="AdamAttribute"/> and
    /// <see cref="AdamWAttribute"/>.
    /// </summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    internal sealed class ModelLayoutAttribute : global::System.Attribute
    {
        /// <summary>
        /// An optional RAM budget, in bytes, for what the layout allocates: parameters, gradients,
        /// the largest optimizer state it opts into (with AMSGrad or momentum on) and dense-layer
        /// activations. A layout over budget fails the build with WDE022, which breaks the total
        /// down. 0 (the default) sets no budget. The generated <c>RamBytes</c> constant is the total.
        /// </summary>
        public long RamBudgetBytes { get; set; }
    }

    /// <summary>
    /// Declares one tensor of a <see cref="ModelLayoutAttribute"/> layout. Tensors are laid out
    /// flat, in declaration order, row-major: the order of
    /// <c>torch.cat([p.flatten() for p in params])</c>.
    /// </summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    internal sealed class TensorAttribute : global::System.Attribute
    {
        /// <summary>Declares a tensor.</summary>
        /// <param name="name">A C# identifier; generated members are named after it.</param>
        /// <param name="shape">The dimensions, outermost first; each at least 1.</param>
        public TensorAttribute(string name, params int[] shape)
        {
            Name = name;
            Shape = shape;
            Decay = true;
            Trainable = true;
        }

        /// <summary>The tensor's name.</summary>
        public string Name { get; private set; }

        /// <summary>The tensor's dimensions, outermost first.</summary>
        public int[] Shape { get; private set; }

        /// <summary>
        /// Whether weight decay applies to this tensor (default true). Set it to false for biases
        /// and normalisation parameters, as torch users do with a parameter group whose
        /// <c>weight_decay</c> is 0.
        /// </summary>
        public bool Decay { get; set; }

        /// <summary>
        /// Whether optimizers update this tensor (default true). A frozen tensor (false) keeps its
        /// values: optimizers allocate no state for it, never read, clip or decay its gradient, and
        /// leave it out of <c>TrainableParameterCount</c> (torch: <c>requires_grad_(False)</c>, or
        /// leaving the parameter out of the optimizer).
        /// </summary>
        public bool Trainable { get; set; }
    }

    /// <summary>Opts a layout into a generated <c>SgdOptimizer</c> (torch.optim.SGD).</summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    internal sealed class SgdAttribute : global::System.Attribute
    {
    }

    /// <summary>Opts a layout into a generated <c>AdamOptimizer</c> (torch.optim.Adam, coupled L2 decay).</summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    internal sealed class AdamAttribute : global::System.Attribute
    {
    }

    /// <summary>Opts a layout into a generated <c>AdamWOptimizer</c> (torch.optim.AdamW, decoupled decay).</summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    internal sealed class AdamWAttribute : global::System.Attribute
    {
    }

    /// <summary>The activation a <see cref="DenseAttribute"/> layer applies to its outputs.</summary>
    internal enum Activation
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

    /// <summary>
    /// Declares one fully connected layer <c>y = f(W x + b)</c> of a <see cref="ModelLayoutAttribute"/>
    /// layout, as <c>torch.nn.Linear(inputs, outputs)</c> followed by the activation. It adds two
    /// tensors in attribute order: <c>{name}Weight</c> of shape (outputs, inputs), row-major like
    /// <c>Linear.weight</c>, decayed; and <c>{name}Bias</c> of shape (outputs), decayed only if
    /// <see cref="BiasDecay"/> is set. Consecutive layers must chain (each one's inputs equal the
    /// previous one's outputs); the generator then emits <c>Forward</c>, <c>Predict</c> and
    /// gradient-accumulating backward passes.
    /// </summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    internal sealed class DenseAttribute : global::System.Attribute
    {
        /// <summary>Declares a dense layer.</summary>
        /// <param name="name">A C# identifier; the layer's tensors and buffers are named after it.</param>
        /// <param name="inputs">Number of inputs, at least 1.</param>
        /// <param name="outputs">Number of outputs, at least 1.</param>
        public DenseAttribute(string name, int inputs, int outputs)
        {
            Name = name;
            Inputs = inputs;
            Outputs = outputs;
            Activation = Activation.Identity;
            BiasDecay = false;
            Trainable = true;
        }

        /// <summary>The layer's name.</summary>
        public string Name { get; private set; }

        /// <summary>Number of inputs.</summary>
        public int Inputs { get; private set; }

        /// <summary>Number of outputs.</summary>
        public int Outputs { get; private set; }

        /// <summary>The activation applied to the outputs (default <see cref="global::WeightDecay.Edge.Activation.Identity"/>).</summary>
        public Activation Activation { get; set; }

        /// <summary>Whether weight decay applies to the bias (default false, as biases usually are not decayed).</summary>
        public bool BiasDecay { get; set; }

        /// <summary>
        /// Whether optimizers train this layer (default true). A frozen layer's weight and bias are frozen
        /// tensors (see <see cref="TensorAttribute.Trainable"/>), and the backward passes compute no
        /// gradients for them; deltas still flow through it to the layers before.
        /// </summary>
        public bool Trainable { get; set; }
    }
}
""";

    public const string HyperParameters = Header + """
namespace WeightDecay.Edge.Generated
{
    /// <summary>
    /// Validation and conversion of optimizer hyperparameters, shared by every generated optimizer.
    /// </summary>
    internal static class HyperParameters
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
            while (magnitude >= PowerOfTen(exponent + 1))
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

        /// <summary>Throws unless <paramref name="value"/> is zero or positive (NaN is rejected).</summary>
        public static void RequireNonNegative(float value, string name)
        {
            if (!(value >= 0f))
            {
                throw new global::System.ArgumentOutOfRangeException(name, name + " must be zero or positive, but was " + value.ToString() + ".");
            }
        }

        /// <summary>Throws unless 0 &lt;= <paramref name="value"/> &lt; 1, as torch.optim requires of betas.</summary>
        public static void RequireBeta(float value, string name)
        {
            if (!(value >= 0f && value < 1f))
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
            return value - whole >= 0.5 ? whole + 1.0 : whole;
        }
    }
}
""";

    public const string FloatMath = Header + """
namespace WeightDecay.Edge.Generated
{
    /// <summary>
    /// Square root, power, exponential, logarithm, tanh, sigmoid and cosine for targets whose mscorlib has
    /// no <c>System.Math</c> or <c>MathF</c> (nanoFramework). Generated code calls these only there.
    /// </summary>
    internal static class FloatMath
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
            while (f >= 4294967296.0)
            {
                f *= 2.3283064365386963E-10; // 2^-32
                scale *= 65536.0;
            }

            while (f < 2.3283064365386963E-10)
            {
                f *= 4294967296.0;
                scale *= 1.52587890625E-05; // 2^-16
            }

            while (f >= 4.0)
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
            else if (a > 20.0)
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

            if (x >= 0f)
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

            if (x > float.MaxValue)
            {
                return x; // +infinity.
            }

            // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); scaling by powers of two is exact.
            double m = x;
            int exponent = 0;
            while (m >= 4294967296.0)
            {
                m *= 2.3283064365386963E-10; // 2^-32
                exponent += 32;
            }

            while (m < 2.3283064365386963E-10)
            {
                m *= 4294967296.0;
                exponent -= 32;
            }

            while (m >= 1.4142135623730951)
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

            if (x > 709.8)
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
""";

    public const string Buffers = Header + """
namespace WeightDecay.Edge.Generated
{
    /// <summary>Checks on buffers handed to generated code, made before anything is written.</summary>
    internal static class Buffers
    {
        /// <summary>Throws unless <paramref name="buffer"/> is non-null and has exactly <paramref name="length"/> elements.</summary>
        public static void RequireLength(float[] buffer, int length, string name)
        {
            if (buffer == null)
            {
                throw new global::System.ArgumentNullException(name);
            }

            RequireLength(buffer.Length, length, name);
        }

        /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="length"/>.</summary>
        public static void RequireLength(int actual, int length, string name)
        {
            if (actual != length)
            {
                throw new global::System.ArgumentException(
                    name + " has " + actual.ToString() + " elements, but this layout has " + length.ToString() + " parameters; nothing was copied.",
                    name);
            }
        }

        /// <summary>Throws unless <paramref name="vector"/> is non-null and has exactly <paramref name="size"/> elements.</summary>
        public static void RequireSize(float[] vector, int size, string name)
        {
            if (vector == null)
            {
                throw new global::System.ArgumentNullException(name);
            }

            RequireSize(vector.Length, size, name);
        }

        /// <summary>Throws unless a vector's length <paramref name="actual"/> equals <paramref name="size"/>.</summary>
        public static void RequireSize(int actual, int size, string name)
        {
            if (actual != size)
            {
                throw new global::System.ArgumentException(
                    name + " has " + actual.ToString() + " elements, but must have exactly " + size.ToString() + "; nothing was written.",
                    name);
            }
        }

        /// <summary>Throws unless 0 &lt;= <paramref name="label"/> &lt; <paramref name="classes"/>.</summary>
        public static void RequireLabel(int label, int classes, string name)
        {
            if (label < 0 || label >= classes)
            {
                throw new global::System.ArgumentOutOfRangeException(
                    name, name + " must be in [0, " + classes.ToString() + "), but was " + label.ToString() + "; nothing was written.");
            }
        }
    }
}
""";

    private const string Header = """
// <auto-generated/>
// Emitted by the WeightDecay.Edge source generator. Do not edit: changes are lost on the next build.

""";
}
