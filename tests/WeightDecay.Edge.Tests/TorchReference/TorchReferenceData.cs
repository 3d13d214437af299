using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace WeightDecay.Edge.Tests.TorchReference;

/// <summary>
/// The layout make_reference.py runs torch on: a decayed tensor, a tensor without decay, a frozen one
/// (torch: <c>requires_grad=False</c>, no gradient, no state) and a second decayed one whose runs are long
/// enough for 16-, 8- and 4-float vectors plus scalar remainders.
/// </summary>
[ModelLayout]
[Tensor("W", 4, 5)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7)]
[Sgd, Adam, AdamW]
public partial class TorchReferenceLayout
{
}

/// <summary>One run of real torch.optim recorded by make_reference.py.</summary>
/// <param name="Name">The case name (<c>adamw-amsgrad-maximize</c>).</param>
/// <param name="Optimizer"><c>sgd</c>, <c>adam</c> or <c>adamw</c>.</param>
/// <param name="Options">The torch constructor options, as JSON.</param>
/// <param name="Steps">How many steps torch took.</param>
/// <param name="Parameters">All parameters after a number of steps, by that number.</param>
/// <param name="State">torch's optimizer state after the last step: tensor name, then state key, then the values.</param>
/// <param name="LearningRates">LambdaLR cases: the lr each step used (index t - 1 for step t), as Python doubles.</param>
/// <param name="Multipliers">LambdaLR cases: the lambda's value for each step (index t - 1 for step t).</param>
internal sealed record TorchCase(
    string Name,
    string Optimizer,
    JsonElement Options,
    int Steps,
    IReadOnlyDictionary<int, float[]> Parameters,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, float[]>> State,
    double[] LearningRates,
    double[] Multipliers)
{
    public double Number(string option, double otherwise = 0) =>
        Options.TryGetProperty(option, out JsonElement value) ? value.GetDouble() : otherwise;

    public bool Flag(string option) =>
        Options.TryGetProperty(option, out JsonElement value) && value.GetBoolean();

    public override string ToString() => Name;
}

/// <summary>
/// Reads the torch reference files (TorchReference/*.json, embedded) and recomputes their inputs: the
/// initial parameters and the gradients are integer formulas rounded to float, written out in
/// make_reference.py, so no gradients are stored.
/// </summary>
internal static class TorchReferenceData
{
    private static readonly Dictionary<string, (string Torch, float[] Initial, TorchCase[] Cases)> s_files = new();

    /// <summary>The torch version that wrote <paramref name="file"/>.</summary>
    public static string TorchVersion(string file) => Load(file).Torch;

    /// <summary>The initial parameters as torch saw them.</summary>
    public static float[] Initial(string file) => Load(file).Initial;

    public static TorchCase[] Cases(string file) => Load(file).Cases;

    /// <summary>A top-level list of floats of <paramref name="file"/> other than the initial parameters (<c>anchor</c>).</summary>
    public static float[] TopLevelFloats(string file, string property)
    {
        using Stream stream = typeof(TorchReferenceData).Assembly.GetManifestResourceStream("TorchReference." + file)
            ?? throw new InvalidOperationException($"TorchReference.{file} is not embedded");
        using JsonDocument document = JsonDocument.Parse(stream);
        return Floats(document.RootElement.GetProperty(property));
    }

    /// <summary>A top-level number of <paramref name="file"/> (<c>accumulation</c>).</summary>
    public static double TopLevelNumber(string file, string property)
    {
        using Stream stream = typeof(TorchReferenceData).Assembly.GetManifestResourceStream("TorchReference." + file)
            ?? throw new InvalidOperationException($"TorchReference.{file} is not embedded");
        using JsonDocument document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty(property).GetDouble();
    }

    /// <summary>A per-case map of step count to floats other than <c>parameters</c> (ema.json's <c>average</c>).</summary>
    public static IReadOnlyDictionary<int, float[]> CaseSnapshots(string file, string name, string property)
    {
        using Stream stream = typeof(TorchReferenceData).Assembly.GetManifestResourceStream("TorchReference." + file)
            ?? throw new InvalidOperationException($"TorchReference.{file} is not embedded");
        using JsonDocument document = JsonDocument.Parse(stream);
        JsonElement c = document.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        return c.GetProperty(property).EnumerateObject().ToDictionary(p => int.Parse(p.Name, CultureInfo.InvariantCulture), p => Floats(p.Value));
    }

    public static TorchCase Case(string file, string name) => Cases(file).Single(c => c.Name == name);

    /// <summary>
    /// Checks that <paramref name="file"/> was written by torch 1.13 from make_reference.py's initial parameters, all
    /// <paramref name="parameterCount"/> of them (the start the C# side recomputes).
    /// </summary>
    public static void AssertWrittenByTorchFromTheInitialParameters(string file, int parameterCount)
    {
        Assert.StartsWith("1.13", TorchVersion(file), StringComparison.Ordinal);
        float[] initial = Initial(file);
        Assert.Equal(parameterCount, initial.Length);
        for (int i = 0; i < initial.Length; i++)
        {
            Infrastructure.FloatAssert.BitEqual(InitialParameter(i), initial[i], $"initial parameter {i}");
        }
    }

    /// <summary>make_reference.py's initial parameter <paramref name="i"/>.</summary>
    public static float InitialParameter(int i) => (float)((((i * 31337L) + 17) % 2003 - 1001) / 1000.0);

    /// <summary>
    /// Sets make_reference.py's gradients of step <paramref name="step"/> (1-based): W scale 1, B 0.01, V 10. The frozen
    /// F gets a gradient too (torch's has none), which the optimizers must ignore.
    /// </summary>
    public static void SetGradients(float[] gradients, int step) =>
        SetGradients(gradients, step, i => i < TorchReferenceLayout.BOffset ? 1f : i < TorchReferenceLayout.VOffset ? 0.01f : 10f);

    /// <summary>make_reference.py's gradient formula for step <paramref name="step"/>, times each index's tensor scale.</summary>
    public static void SetGradients(float[] gradients, int step, Func<int, float> scaleAt)
    {
        for (int i = 0; i < gradients.Length; i++)
        {
            gradients[i] = (float)((((i * 7919L) + (step * 104729L)) % 2001 - 1000) / 1000.0) * scaleAt(i);
        }
    }

    private static (string Torch, float[] Initial, TorchCase[] Cases) Load(string file)
    {
        lock (s_files)
        {
            if (!s_files.TryGetValue(file, out var loaded))
            {
                loaded = Parse(file);
                s_files[file] = loaded;
            }

            return loaded;
        }
    }

    private static (string, float[], TorchCase[]) Parse(string file)
    {
        using Stream stream = typeof(TorchReferenceData).Assembly.GetManifestResourceStream("TorchReference." + file)
            ?? throw new InvalidOperationException($"TorchReference.{file} is not embedded");
        using JsonDocument document = JsonDocument.Parse(stream);
        JsonElement root = document.RootElement;
        var cases = new List<TorchCase>();
        foreach (JsonElement c in root.GetProperty("cases").EnumerateArray())
        {
            var parameters = c.GetProperty("parameters").EnumerateObject()
                .ToDictionary(p => int.Parse(p.Name, CultureInfo.InvariantCulture), p => Floats(p.Value));
            var state = c.GetProperty("state").EnumerateObject().ToDictionary(
                t => t.Name,
                t => (IReadOnlyDictionary<string, float[]>)t.Value.EnumerateObject().ToDictionary(k => k.Name, k => Floats(k.Value)));
            cases.Add(new TorchCase(
                c.GetProperty("name").GetString()!,
                c.GetProperty("optimizer").GetString()!,
                c.GetProperty("options").Clone(),
                c.GetProperty("steps").GetInt32(),
                parameters,
                state,
                Doubles(c, "lr"),
                Doubles(c, "multiplier")));
        }

        return (root.GetProperty("torch").GetString()!, Floats(root.GetProperty("initial")), cases.ToArray());
    }

    private static float[] Floats(JsonElement array) =>
        array.EnumerateArray().Select(v => float.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();

    private static double[] Doubles(JsonElement c, string property) =>
        c.TryGetProperty(property, out JsonElement array)
            ? array.EnumerateArray().Select(v => double.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray()
            : Array.Empty<double>();
}
