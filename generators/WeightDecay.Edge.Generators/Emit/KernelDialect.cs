using System.Collections.Generic;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// How an element kernel reads, writes and computes: one float at a time, or a SIMD vector of
/// them. The optimizer emitters write each update rule once against this interface, so the
/// scalar (device and remainder) and vector (desktop) loops cannot drift apart.
/// </summary>
internal abstract class KernelDialect
{
    /// <summary>The type of one kernel value: <c>float</c> or a vector of floats.</summary>
    public abstract string Type { get; }

    /// <summary>Whether this dialect is a SIMD vector.</summary>
    public abstract bool IsVector { get; }

    /// <summary>An expression reading <paramref name="array"/> at <paramref name="index"/>.</summary>
    public abstract string Load(string array, string index);

    /// <summary>A statement writing <paramref name="value"/> to <paramref name="array"/> at <paramref name="index"/>.</summary>
    public abstract string Store(string array, string index, string value);

    /// <summary>A per-step scalar (a method parameter) as an operand of this dialect.</summary>
    public abstract string Scalar(string name);

    /// <summary><c>a * b + c</c> (one rounding where the target has a fused multiply-add).</summary>
    public abstract string Fma(string a, string b, string c);

    /// <summary>Correctly rounded square root.</summary>
    public abstract string Sqrt(string x);

    /// <summary>
    /// An expression equal to <c>numerator / divisor</c> rounded exactly as the division would be,
    /// where <paramref name="divisor"/> is constant for the whole step and <paramref name="reciprocal"/>
    /// is its correctly rounded reciprocal. With a fused multiply-add this needs no division:
    /// q = n·y, r = n − q·d (exact), q' = q + r·y is the correctly rounded quotient (Markstein's
    /// theorem; the tests check it bit for bit against true division). Writes any statements first.
    /// </summary>
    public abstract string DivideByStepConstant(CodeWriter writer, string numerator, string divisor, string reciprocal, string suffix);

    /// <summary>Statements that set <c>target = max(array[index], target)</c> and store it back (AMSGrad).</summary>
    public abstract void WriteRunningMax(CodeWriter writer, string target, string array, string index, string suffix);

    /// <summary>
    /// Writes the local <c>opposite{suffix}</c>, set where <paramref name="a"/> and <paramref name="b"/> have strictly
    /// opposite signs (one below zero, the other above), and returns its name. A zero of either sign, or a NaN, is never
    /// opposite (every comparison with NaN is false). Signs are compared, not the product a·b, which underflows to zero
    /// for small values of opposite signs. The scalar form uses only <c>&lt;</c>: nanoCLR decides <c>&gt;</c> wrongly with NaN.
    /// </summary>
    public abstract string WriteOppositeSigns(CodeWriter writer, string a, string b, string suffix);

    /// <summary>An expression: <paramref name="ifSet"/> where <paramref name="mask"/> is set, else <paramref name="ifClear"/>.</summary>
    public abstract string Select(string mask, string ifSet, string ifClear);

    /// <summary>One float at a time, through <see cref="ScalarMath"/>: the device profile and loop remainders.</summary>
    internal sealed class ScalarDialect : KernelDialect
    {
        private readonly ScalarMath _math;

        public ScalarDialect(ScalarMath math) => _math = math;

        public override string Type => "float";

        public override bool IsVector => false;

        public override string Load(string array, string index) => $"{array}[{index}]";

        public override string Store(string array, string index, string value) => $"{array}[{index}] = {value};";

        public override string Scalar(string name) => name;

        public override string Fma(string a, string b, string c) => _math.Fma(a, b, c);

        public override string Sqrt(string x) => _math.Sqrt(x);

        public override string DivideByStepConstant(CodeWriter writer, string numerator, string divisor, string reciprocal, string suffix)
        {
            if (!_math.HasFusedMultiplyAdd)
            {
                return $"({numerator} / {divisor})"; // No FMA (the device): a plain division, fewest IL instructions.
            }

            writer.Line($"float n{suffix} = {numerator};");
            writer.Line($"float q{suffix} = n{suffix} * {reciprocal};");
            writer.Line($"float e{suffix} = {Fma(Fma($"-q{suffix}", divisor, $"n{suffix}"), reciprocal, $"q{suffix}")};");
            writer.Line($"if (!float.IsNaN(e{suffix})) {{ q{suffix} = e{suffix}; }} // NaN only for an infinite numerator, where q is already right.");
            return $"q{suffix}";
        }

        public override void WriteRunningMax(CodeWriter writer, string target, string array, string index, string suffix)
        {
            if (_math.HasMaxFunction)
            {
                writer.Line($"{target} = {_math.Max($"{array}[{index}]", target)};");
                writer.Line($"{array}[{index}] = {target};");
                return;
            }

            writer.Line($"float w{suffix} = {array}[{index}];");
            // "target < w", not "w > target" (the same on .NET, NaN included): nanoCLR evaluates ">" wrongly with NaN.
            writer.Line($"if ({target} < w{suffix}) {{ {target} = w{suffix}; }} else {{ {array}[{index}] = {target}; }}");
        }

        public override string WriteOppositeSigns(CodeWriter writer, string a, string b, string suffix)
        {
            writer.Line($"bool opposite{suffix} = ({a} < 0f && 0f < {b}) || (0f < {a} && {b} < 0f);");
            return "opposite" + suffix;
        }

        public override string Select(string mask, string ifSet, string ifClear) => $"{mask} ? {ifSet} : {ifClear}";
    }

    /// <summary>
    /// A SIMD vector: loads and stores through a <c>ref float</c> to each buffer's first element
    /// (named <c>{array}Ref</c>), without bounds checks: every buffer is a field of exactly
    /// <c>ParameterCount</c> (parameters, gradients) or <c>TrainableParameterCount</c> (state) floats
    /// allocated by generated code, and the kernels are private and called only with the layout's
    /// run bounds (constants written by the generator), so the checks could only ever pass.
    /// </summary>
    internal sealed class VectorDialect : KernelDialect
    {
        private readonly VectorPath _path;
        private readonly List<(string Array, string Index)>? _deferredStores;
        private readonly string _lanes;
        private readonly string _windowName;

        /// <summary>A dialect for <paramref name="path"/>; per-step scalars are broadcast as <c>{name}{lanes}</c>.</summary>
        public VectorDialect(VectorPath path, string lanes = "Lanes")
            : this(path, lanes, null)
        {
        }

        private VectorDialect(VectorPath path, string lanes, List<(string Array, string Index)>? deferredStores, string windowName = "")
        {
            _path = path;
            _lanes = lanes;
            _deferredStores = deferredStores;
            _windowName = windowName;
        }

        /// <summary>Floats per vector.</summary>
        public int Width => _path.Width;

        /// <summary>The SIMD path this dialect writes.</summary>
        public VectorPath Path => _path;

        public override string Type => _path.VectorType;

        public override bool IsVector => true;

        public override string Load(string array, string index) => $"{_path.StaticClass}.LoadUnsafe(ref {array}Ref, {index})";

        public override string Store(string array, string index, string value)
        {
            if (_deferredStores is null)
            {
                return $"{_path.StaticClass}.StoreUnsafe({value}, ref {array}Ref, {index});";
            }

            _deferredStores.Add((array, index));
            return $"{Type} {array}Window{_windowName} = {value};";
        }

        /// <summary>
        /// The same dialect for a tail window whose stores are held back: each store becomes a local
        /// (<c>pWindow</c>, ...), recorded in <paramref name="deferredStores"/>, for <see cref="BlendedStore"/> to
        /// write later. So a window's loads and arithmetic can be issued before the vector loop that updates the
        /// lanes it overlaps, and only its final stores wait for that loop's stores to reach memory. Locals are
        /// named with <paramref name="name"/> appended when several windows share a scope.
        /// </summary>
        public VectorDialect Deferred(List<(string Array, string Index)> deferredStores, string name = "") =>
            new(_path, _lanes, deferredStores, name);

        /// <summary>
        /// The held-back store of <paramref name="array"/>'s window at <paramref name="index"/>: the lanes where
        /// <paramref name="mask"/> is set take the window's value, the others are re-read from memory and written
        /// back as they are, so they keep every bit the vector loop (or another run) gave them.
        /// </summary>
        public string BlendedStore(string array, string index, string mask, string name = "") =>
            $"{_path.StaticClass}.StoreUnsafe({_path.StaticClass}.ConditionalSelect({mask}, {array}Window{name}, {Load(array, index)}), ref {array}Ref, {index});";

        /// <summary>The broadcast copy of a per-step scalar, made once per step: <c>beta1</c> becomes <c>beta1Lanes</c>.</summary>
        public override string Scalar(string name) => name + _lanes;

        public override string Fma(string a, string b, string c) => string.Format(_path.FusedMultiplyAdd, a, b, c);

        public override string Sqrt(string x) => $"{_path.StaticClass}.Sqrt({x})";

        public override string DivideByStepConstant(CodeWriter writer, string numerator, string divisor, string reciprocal, string suffix)
        {
            writer.Line($"{Type} n{suffix} = {numerator};");
            writer.Line($"{Type} q{suffix} = n{suffix} * {reciprocal};");
            writer.Line($"{Type} e{suffix} = {Fma(Fma($"-q{suffix}", divisor, $"n{suffix}"), reciprocal, $"q{suffix}")};");
            writer.Line($"q{suffix} = {_path.StaticClass}.ConditionalSelect({_path.StaticClass}.Equals(e{suffix}, e{suffix}), e{suffix}, q{suffix});");
            return $"q{suffix}";
        }

        public override void WriteRunningMax(CodeWriter writer, string target, string array, string index, string suffix)
        {
            writer.Line($"{target} = {_path.StaticClass}.Max({Load(array, index)}, {target});");
            writer.Line(Store(array, index, target));
        }

        public override string WriteOppositeSigns(CodeWriter writer, string a, string b, string suffix)
        {
            string simd = _path.StaticClass, zero = Type + ".Zero";
            writer.Line($"{Type} opposite{suffix} = {simd}.LessThan({a}, {zero}) & {simd}.GreaterThan({b}, {zero});");
            writer.Line($"opposite{suffix} |= {simd}.GreaterThan({a}, {zero}) & {simd}.LessThan({b}, {zero});");
            return "opposite" + suffix;
        }

        public override string Select(string mask, string ifSet, string ifClear) => $"{_path.StaticClass}.ConditionalSelect({mask}, {ifSet}, {ifClear})";

        /// <summary>The statement broadcasting a per-step scalar into all lanes.</summary>
        public string Broadcast(string name) => $"{Type} {Scalar(name)} = {_path.StaticClass}.Create({name});";
    }
}
