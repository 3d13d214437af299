using System;

namespace WeightDecay.Edge.Demo;

/// <summary>
/// The model the demo fine-tunes: 64 pixels -> 32 ReLU units -> 10 logits, 2,410 parameters.
/// The generator emits HiddenWeight (32x64) and OutputWeight (10x32), which are decayed, and
/// HiddenBias (32) and OutputBias (10), which are not: a bias does not scale the input, so shrinking it
/// does not make the function smoother; it only pulls each unit's threshold toward zero.
/// The soak test (tests/WeightDecay.Edge.Soak) compiles this file too: both train this one layout.
/// </summary>
[ModelLayout]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU)]
[Dense("Output", 32, 10)]
[Sgd, Adam, AdamW]
public partial class DigitsMlp
{
    /// <summary>Units in the hidden layer.</summary>
    public const int HiddenSize = HiddenBiasLength;
}

/// <summary>Demo helpers kept outside the layout so they never clash with generated members.</summary>
internal static class DigitsMlpExtensions
{
    /// <summary>
    /// torch.nn.Linear's default initialisation: every weight and bias uniform in ±1/sqrt(fan_in),
    /// drawn from <paramref name="random"/> in declaration order.
    /// </summary>
    public static void InitializeLikeTorch(this DigitsMlp model, Random random)
    {
        Fill(model.HiddenWeight, random, DigitsMlp.InputSize);
        Fill(model.HiddenBias, random, DigitsMlp.InputSize);
        Fill(model.OutputWeight, random, DigitsMlp.HiddenSize);
        Fill(model.OutputBias, random, DigitsMlp.HiddenSize);
    }

    /// <summary>Σw² over the decayed tensors only: HiddenWeight and OutputWeight (not the biases), in double.</summary>
    public static double WeightSquaredNorm(this DigitsMlp model)
    {
        double sum = 0;
        foreach (float w in model.HiddenWeight)
        {
            sum += (double)w * w;
        }

        foreach (float w in model.OutputWeight)
        {
            sum += (double)w * w;
        }

        return sum;
    }

    private static void Fill(Span<float> values, Random random, int fanIn)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(((random.NextDouble() * 2) - 1) * bound);
        }
    }
}
