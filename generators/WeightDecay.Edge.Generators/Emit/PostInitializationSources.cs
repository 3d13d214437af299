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
        /// reproduces its numbers exactly.
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
    /// Square root and power for targets whose mscorlib has no <c>System.Math</c> (nanoFramework
    /// without the nanoFramework.System.Math package). Generated code calls these only there.
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
    }
}
""";

    private const string Header = """
// <auto-generated/>
// Emitted by the WeightDecay.Edge source generator. Do not edit: changes are lost on the next build.

""";
}
