using System;

namespace WeightDecay.Edge.Tests.Dense;

/// <summary>One dense layer as the reference sees it: sizes, activation and where its tensors sit in the flat buffer.</summary>
internal readonly record struct ReferenceLayer(int Inputs, int Outputs, Activation Activation, int WeightOffset, int BiasOffset);

/// <summary>
/// An independent double-precision MLP (written from the definitions, sharing no code with the
/// generator): forward pass, both losses, and central finite differences of the loss with respect
/// to every parameter.
/// </summary>
internal static class DoubleReference
{
    /// <summary>Central-difference step. With O(h^2) truncation and 1e-16 / h rounding, the error is about 1e-10.</summary>
    public const double Step = 1e-6;

    /// <summary>The output of every layer (index 0 is the input), and the smallest |pre-activation| of a ReLU layer.</summary>
    public static double[][] Forward(ReferenceLayer[] layers, double[] parameters, double[] input, out double smallestReluInput)
    {
        var outputs = new double[layers.Length + 1][];
        outputs[0] = input;
        smallestReluInput = double.PositiveInfinity;
        for (int l = 0; l < layers.Length; l++)
        {
            ReferenceLayer layer = layers[l];
            double[] x = outputs[l];
            var y = new double[layer.Outputs];
            for (int o = 0; o < layer.Outputs; o++)
            {
                double z = parameters[layer.BiasOffset + o];
                for (int i = 0; i < layer.Inputs; i++)
                {
                    z += parameters[layer.WeightOffset + (o * layer.Inputs) + i] * x[i];
                }

                if (layer.Activation == Activation.ReLU)
                {
                    smallestReluInput = Math.Min(smallestReluInput, Math.Abs(z));
                }

                y[o] = layer.Activation switch
                {
                    Activation.ReLU => Math.Max(z, 0.0),
                    Activation.Tanh => Math.Tanh(z),
                    Activation.Sigmoid => 1.0 / (1.0 + Math.Exp(-z)),
                    _ => z,
                };
            }

            outputs[l + 1] = y;
        }

        return outputs;
    }

    public static double[] Output(ReferenceLayer[] layers, double[] parameters, double[] input) =>
        Forward(layers, parameters, input, out _)[layers.Length];

    /// <summary>-log softmax(logits)[label], via log-sum-exp with the maximum taken out.</summary>
    public static double CrossEntropy(double[] logits, int label)
    {
        double max = double.NegativeInfinity;
        foreach (double z in logits)
        {
            max = Math.Max(max, z);
        }

        double sum = 0;
        foreach (double z in logits)
        {
            sum += Math.Exp(z - max);
        }

        return Math.Log(sum) + max - logits[label];
    }

    /// <summary>mean((y - t)^2), as torch.nn.functional.mse_loss.</summary>
    public static double MeanSquaredError(double[] outputs, double[] target)
    {
        double sum = 0;
        for (int o = 0; o < outputs.Length; o++)
        {
            sum += (outputs[o] - target[o]) * (outputs[o] - target[o]);
        }

        return sum / outputs.Length;
    }

    /// <summary>(loss(p + h e_j) - loss(p - h e_j)) / 2h for every parameter j.</summary>
    public static double[] FiniteDifferences(double[] parameters, Func<double[], double> loss)
    {
        var gradient = new double[parameters.Length];
        var shifted = (double[])parameters.Clone();
        for (int j = 0; j < parameters.Length; j++)
        {
            shifted[j] = parameters[j] + Step;
            double up = loss(shifted);
            shifted[j] = parameters[j] - Step;
            double down = loss(shifted);
            shifted[j] = parameters[j];
            gradient[j] = (up - down) / (2 * Step);
        }

        return gradient;
    }

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);
}
