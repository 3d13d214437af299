using System;
using System.Reflection;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>Builds the layouts and optimizers under test and reads their private state.</summary>
internal static class TrainingLoopHarness
{
    /// <summary>Per parameter of <see cref="FrozenLayout"/>: trainable, decayed (written out by hand).</summary>
    public static readonly bool[] FrozenLayoutTrainable = Flags((12, false), (35, true), (13, true), (6, false), (18, true));

    public static readonly bool[] FrozenLayoutDecay = Flags((12, true), (35, true), (13, false), (6, false), (18, true));

    public static readonly string[] OptimizerNames = { "SgdOptimizer", "AdamOptimizer", "AdamWOptimizer" };

    public static bool[] Flags(params (int Count, bool Value)[] parts)
    {
        var flags = new System.Collections.Generic.List<bool>();
        foreach ((int count, bool value) in parts)
        {
            for (int i = 0; i < count; i++)
            {
                flags.Add(value);
            }
        }

        return flags.ToArray();
    }

    /// <summary>A new optimizer of <paramref name="name"/> for <paramref name="model"/>, as dynamic (internal members included).</summary>
    public static dynamic NewOptimizer(object model, string name) =>
        Activator.CreateInstance(model.GetType().GetNestedType(name)!, model)!;

    public static ReferenceKind KindOf(string name) => name switch
    {
        "SgdOptimizer" => ReferenceKind.Sgd,
        "AdamOptimizer" => ReferenceKind.Adam,
        _ => ReferenceKind.AdamW,
    };

    /// <summary>Copies of every float[] field of the optimizer (its state), by field name.</summary>
    public static System.Collections.Generic.Dictionary<string, float[]> StateOf(object optimizer)
    {
        var state = new System.Collections.Generic.Dictionary<string, float[]>();
        foreach (FieldInfo field in optimizer.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic))
        {
            if (field.GetValue(optimizer) is float[] array)
            {
                state[field.Name] = (float[])array.Clone();
            }
        }

        return state;
    }

    public static void Fill(float[] destination, Random random, double scale = 1.0)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
        }
    }

    public static void AssertBitEqual(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }
}
