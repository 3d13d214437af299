using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Emits the layout's initial parameters: torch's module semantics (the constructor initialises,
/// <c>reset_parameters()</c> re-draws), but seeded, so every run of a program starts from the same
/// weights, on the device as on the desktop.
/// </summary>
internal static class InitializationEmitter
{
    private const string Init = "global::WeightDecay.Edge.Generated.ParameterInit";

    /// <summary>True when some tensor draws random values, so the constructor must fill the buffer.</summary>
    public static bool DrawsAtConstruction(LayoutSpec layout) =>
        layout.Tensors.Any(tensor => tensor.Init is TensorInitKind.Uniform or TensorInitKind.Normal);

    /// <summary>The initialiser of the <c>Parameters</c> field.</summary>
    public static string ParametersInitializer(LayoutSpec layout) =>
        DrawsAtConstruction(layout) ? "InitialParameters()" : "new float[ParameterCount]";

    // public const ulong InitSeed = 0;
    // public void ResetParameters(ulong seed) { ResetParameters(Parameters, seed); }
    // private static float[] InitialParameters() { float[] parameters = new float[ParameterCount]; ResetParameters(parameters, InitSeed); return parameters; }
    // private static void ResetParameters(float[] p, ulong seed)
    // {
    //     // HiddenWeight: U(-0.125, 0.125), as torch.nn.Linear
    //     global::WeightDecay.Edge.Generated.ParameterInit.Uniform(p, HiddenWeightOffset, HiddenWeightLength, seed ^ 0x...UL, 0.125f);
    //     // W: zeros
    //     global::System.Array.Clear(p, WOffset, WLength);
    // }
    public static void Emit(CodeWriter writer, LayoutSpec layout)
    {
        writer.Line();
        writer.Line("/// <summary>The seed the constructor draws the initial parameters with (<c>[ModelLayout(Seed = n)]</c>; see <see cref=\"ResetParameters(ulong)\"/>).</summary>");
        writer.Line($"public const ulong InitSeed = {layout.InitSeed.ToString(System.Globalization.CultureInfo.InvariantCulture)}UL;");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Re-initialises every tensor as the constructor did, from <paramref name=\"seed\"/>, as torch's");
        writer.Line("/// <c>reset_parameters()</c>: dense weights and biases U(-1/√fan_in, 1/√fan_in) (<c>torch.nn.Linear</c>),");
        writer.Line("/// plain tensors as their <c>Init</c> says (zeros by default; <c>None</c> leaves them alone). Each tensor");
        writer.Line("/// draws from its own SplitMix64 stream (seed xor a hash of its name), so device and desktop get the");
        writer.Line("/// same values bit for bit. Gradients and optimizer state are not touched. Allocates nothing.");
        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"seed\">Any value; the constructor uses <see cref=\"InitSeed\"/>.</param>");
        writer.Arrow("public void ResetParameters(ulong seed)", "ResetParameters(Parameters, seed)");

        if (DrawsAtConstruction(layout))
        {
            writer.Line();
            using (writer.OpenBlock("private static float[] InitialParameters()"))
            {
                writer.Line("float[] parameters = new float[ParameterCount];");
                writer.Line("ResetParameters(parameters, InitSeed);");
                writer.Line("return parameters;");
            }
        }

        writer.Line();
        using (writer.OpenBlock("private static void ResetParameters(float[] p, ulong seed)"))
        {
            foreach (TensorSpec tensor in layout.Tensors)
            {
                WriteTensor(writer, tensor);
            }
        }
    }

    private static void WriteTensor(CodeWriter writer, TensorSpec tensor)
    {
        string range = $"p, {tensor.Name}Offset, {tensor.Name}Length";
        string stream = $"seed ^ 0x{NameHash(tensor.Name):X16}UL";
        string scale = tensor.InitScale.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        switch (tensor.Init)
        {
            case TensorInitKind.Uniform:
                writer.Line($"// {tensor.Name}: U(-{scale}, {scale})");
                writer.Line($"{Init}.Uniform({range}, {stream}, {Literals.Float(tensor.InitScale)});");
                break;
            case TensorInitKind.Normal:
                writer.Line($"// {tensor.Name}: N(0, {scale}²)");
                writer.Line($"{Init}.Normal({range}, {stream}, {Literals.Float(tensor.InitScale)});");
                break;
            case TensorInitKind.Zeros:
                writer.Line($"// {tensor.Name}: zeros");
                writer.Line($"global::System.Array.Clear({range});");
                break;
            default:
                writer.Line($"// {tensor.Name}: left to the user (Init = None)");
                break;
        }
    }

    /// <summary>
    /// FNV-1a (64-bit) of the name's UTF-16 code units: a stable per-tensor stream selector, so a
    /// tensor's initial values depend on the seed and its name, not on the tensors before it.
    /// </summary>
    internal static ulong NameHash(string name)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in name)
        {
            hash = unchecked((hash ^ c) * 0x100000001B3UL);
        }

        return hash;
    }
}
