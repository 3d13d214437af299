using System;

namespace WeightDecay.Edge.Tests.Dense;

/// <summary>Deterministic random parameters and samples for the dense tests.</summary>
internal static class DenseTestData
{
    /// <summary>
    /// Fills every parameter: weights uniform in ±2/sqrt(inputs) (so pre-activations are of order 1
    /// and every activation works in its curved region), everything else uniform in ±0.5.
    /// </summary>
    public static void Initialize(DenseCase layout, Random random)
    {
        for (int j = 0; j < layout.Parameters.Length; j++)
        {
            layout.Parameters[j] = Uniform(random, 0.5f);
        }

        foreach (ReferenceLayer layer in layout.Layers)
        {
            float bound = 2f / MathF.Sqrt(layer.Inputs);
            for (int j = 0; j < layer.Inputs * layer.Outputs; j++)
            {
                layout.Parameters[layer.WeightOffset + j] = Uniform(random, bound);
            }
        }
    }

    public static float[] Vector(Random random, int length, float bound = 1f)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = Uniform(random, bound);
        }

        return values;
    }

    /// <summary>A regression target inside the range of the last activation, so the loss has a real minimum.</summary>
    public static float[] Target(Random random, DenseCase layout) => layout.Layers[^1].Activation switch
    {
        Activation.Sigmoid or Activation.ReLU => Array.ConvertAll(Vector(random, layout.OutputSize, 0.5f), v => v + 0.5f),
        Activation.Tanh => Vector(random, layout.OutputSize, 0.9f),
        _ => Vector(random, layout.OutputSize, 2f),
    };

    private static float Uniform(Random random, float bound) => (float)(((random.NextDouble() * 2) - 1) * bound);
}
