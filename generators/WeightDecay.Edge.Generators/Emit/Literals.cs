using System.Globalization;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>Numbers written into generated code: invariant culture, and floats that round-trip exactly.</summary>
internal static class Literals
{
    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A float literal that parses back to exactly <paramref name="value"/>.</summary>
    public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";

    /// <summary>A double literal for the decimal a float default stands for (0.9f is 0.9).</summary>
    public static string DecimalOf(float value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains(".") || text.Contains("E") ? text : text + ".0";
    }
}
