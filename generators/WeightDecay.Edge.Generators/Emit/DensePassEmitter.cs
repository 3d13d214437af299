using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Emits the private forward and backward passes of a layout's dense layers, specialised to their
/// sizes: every loop bound and offset is a constant, so the code reads like a hand-written MLP.
/// Everything works on the layout's flat buffers and the per-layer buffers allocated with it, so
/// a pass allocates nothing. Float arithmetic, the same on both profiles except for the
/// transcendental functions (see <see cref="DenseMath"/>).
/// </summary>
internal static class DensePassEmitter
{
    public static void Emit(CodeWriter writer, EquatableArray<DenseLayerSpec> layers, DenseMath math)
    {
        WriteForwardPass(writer, layers, math);
        WriteCrossEntropyDeltas(writer, layers[layers.Count - 1], math);
        WriteSquaredErrorDeltas(writer, layers[layers.Count - 1], math);
        WriteBackwardPass(writer, layers, math);
    }

    // private void DenseForwardPass(ReadOnlySpan<float> input)   // float[] on the device
    // {
    //     float[] parameters = Parameters;
    //     // Hidden: 64 -> 32, ReLU. Row o of HiddenWeight (as torch.nn.Linear.weight) dotted with the input, plus the bias.
    //     for (int o = 0; o < 32; o++)
    //     {
    //         int row = HiddenWeightOffset + (o * 64);
    //         float sum = parameters[HiddenBiasOffset + o];
    //         for (int i = 0; i < 64; i++) { sum += parameters[row + i] * input[i]; }
    //         _HiddenActivations[o] = sum < 0f ? 0f : sum;
    //     }
    //     ...then each following layer reads the previous layer's activations.
    // }
    private static void WriteForwardPass(CodeWriter writer, EquatableArray<DenseLayerSpec> layers, DenseMath math)
    {
        writer.Line();
        using (writer.OpenBlock($"private void DenseForwardPass({math.VectorType} input)"))
        {
            writer.Line("float[] parameters = Parameters;");
            for (int l = 0; l < layers.Count; l++)
            {
                DenseLayerSpec layer = layers[l];
                string source = l == 0 ? "input" : DenseLayerEmitter.Activations(layers[l - 1]);
                string activations = DenseLayerEmitter.Activations(layer);
                writer.Line();
                writer.Line($"// {Describe(layer)}. Row o of {layer.WeightName} (as torch.nn.Linear.weight) dotted with the input, plus the bias.");
                using (writer.OpenBlock($"for (int o = 0; o < {Literals.Int(layer.Outputs)}; o++)"))
                {
                    writer.Line($"int row = {layer.WeightName}Offset + (o * {Literals.Int(layer.Inputs)});");
                    writer.Line($"float sum = parameters[{layer.BiasName}Offset + o];");
                    using (writer.OpenBlock($"for (int i = 0; i < {Literals.Int(layer.Inputs)}; i++)"))
                    {
                        writer.Line($"sum += parameters[row + i] * {source}[i];");
                    }

                    writer.Line();
                    writer.Line($"{activations}[o] = {math.Activate(layer.Activation, "sum")};");
                }
            }
        }
    }

    // private float DenseCrossEntropyOutputDeltas(int label)
    // {
    //     float[] logits = _OutputActivations;
    //     float[] deltas = _OutputDeltas;
    //     float max = <largest logit>;                               // softmax(z) = softmax(z - max): no overflow
    //     float sum = 0f;
    //     for (int o = 0; o < 10; o++) { float e = Exp(logits[o] - max); deltas[o] = e; sum += e; }
    //     for (int o = 0; o < 10; o++) { deltas[o] /= sum; }         // softmax
    //     deltas[label] -= 1f;                                       // dLoss/dlogits = softmax - onehot
    //     return Log(sum) - (logits[label] - max);                   // logsumexp - logit[label]
    // }
    private static void WriteCrossEntropyDeltas(CodeWriter writer, DenseLayerSpec last, DenseMath math)
    {
        string size = Literals.Int(last.Outputs);
        writer.Line();
        writer.Line("// Softmax cross-entropy on the last layer's outputs: its deltas become dLoss/dOutputs = softmax - onehot(label).");
        writer.Line("// Subtracting the largest logit first keeps every exponential in (0, 1], so nothing overflows.");
        using (writer.OpenBlock("private float DenseCrossEntropyOutputDeltas(int label)"))
        {
            writer.Line($"float[] logits = {DenseLayerEmitter.Activations(last)};");
            writer.Line($"float[] deltas = {DenseLayerEmitter.Deltas(last)};");
            writer.Line("float max = logits[0];");
            using (writer.OpenBlock($"for (int o = 1; o < {size}; o++)"))
            {
                // "<", not ">": nanoCLR gets ">" wrong with NaN (device/README.md).
                using (writer.OpenBlock("if (max < logits[o])"))
                {
                    writer.Line("max = logits[o];");
                }
            }

            writer.Line();
            writer.Line("float sum = 0f;");
            using (writer.OpenBlock($"for (int o = 0; o < {size}; o++)"))
            {
                writer.Line($"float e = {math.Exp("logits[o] - max")};");
                writer.Line("deltas[o] = e;");
                writer.Line("sum += e;");
            }

            writer.Line();
            using (writer.OpenBlock($"for (int o = 0; o < {size}; o++)"))
            {
                writer.Line("deltas[o] /= sum;");
            }

            writer.Line();
            writer.Line("deltas[label] -= 1f;");
            writer.Line($"return {math.Log("sum")} - (logits[label] - max);");
        }
    }

    // private float DenseSquaredErrorOutputDeltas(ReadOnlySpan<float> target)
    // {
    //     float sum = 0f;
    //     for (int o = 0; o < 10; o++)
    //     {
    //         float difference = _OutputActivations[o] - target[o];
    //         sum += difference * difference;
    //         _OutputDeltas[o] = (difference + difference) / 10f;    // d/dy of mean((y - t)^2)
    //     }
    //     return sum / 10f;
    // }
    private static void WriteSquaredErrorDeltas(CodeWriter writer, DenseLayerSpec last, DenseMath math)
    {
        string size = Literals.Int(last.Outputs);
        writer.Line();
        writer.Line("// Mean squared error over the last layer's outputs: its deltas become dLoss/dOutputs = 2 (y - t) / OutputSize.");
        using (writer.OpenBlock($"private float DenseSquaredErrorOutputDeltas({math.VectorType} target)"))
        {
            writer.Line($"float[] outputs = {DenseLayerEmitter.Activations(last)};");
            writer.Line($"float[] deltas = {DenseLayerEmitter.Deltas(last)};");
            writer.Line("float sum = 0f;");
            using (writer.OpenBlock($"for (int o = 0; o < {size}; o++)"))
            {
                writer.Line("float difference = outputs[o] - target[o];");
                writer.Line("sum += difference * difference;");
                writer.Line($"deltas[o] = (difference + difference) / {size}f;");
            }

            writer.Line();
            writer.Line($"return sum / {size}f;");
        }
    }

    // private void DenseBackwardPass(ReadOnlySpan<float> input, float weight)
    // {
    //     float[] parameters = Parameters;
    //     float[] gradients = Gradients;
    //     // Output: 32 -> 10, Identity. ...
    //     global::System.Array.Clear(_HiddenDeltas, 0, 32);
    //     for (int o = 0; o < 10; o++)
    //     {
    //         float delta = <_OutputDeltas[o] times the activation's derivative>;   // dLoss/dz
    //         float scaled = weight * delta;
    //         int row = OutputWeightOffset + (o * 32);
    //         gradients[OutputBiasOffset + o] += scaled;
    //         for (int i = 0; i < 32; i++)
    //         {
    //             gradients[row + i] += scaled * _HiddenActivations[i];        // dLoss/dW = delta x^T
    //             _HiddenDeltas[i] += parameters[row + i] * delta;            // dLoss/dx = W^T delta
    //         }
    //     }
    //     ...down to the first layer, which reads the input and propagates nothing.
    // }
    private static void WriteBackwardPass(CodeWriter writer, EquatableArray<DenseLayerSpec> layers, DenseMath math)
    {
        writer.Line();
        writer.Line("// Backpropagation from the last layer's deltas (dLoss/dOutputs), adding weight * dLoss/dParameter into Gradients.");
        using (writer.OpenBlock($"private void DenseBackwardPass({math.VectorType} input, float weight)"))
        {
            writer.Line("float[] parameters = Parameters;");
            writer.Line("float[] gradients = Gradients;");
            for (int l = layers.Count - 1; l >= 0; l--)
            {
                DenseLayerSpec layer = layers[l];
                DenseLayerSpec? previous = l == 0 ? null : layers[l - 1];
                string source = previous is null ? "input" : DenseLayerEmitter.Activations(previous);
                string deltas = DenseLayerEmitter.Deltas(layer);
                string inputs = Literals.Int(layer.Inputs);
                writer.Line();
                if (!layer.Trainable && previous is null)
                {
                    writer.Line($"// {Describe(layer)}: frozen, and nothing before it to propagate to.");
                    continue;
                }

                writer.Line(!layer.Trainable
                    ? $"// {Describe(layer)}: frozen (no weight or bias gradients); dLoss/d({previous!.Name} outputs) into {DenseLayerEmitter.Deltas(previous)}."
                    : previous is null
                        ? $"// {Describe(layer)}: gradients of its weight and bias."
                        : $"// {Describe(layer)}: gradients of its weight and bias, and dLoss/d({previous.Name} outputs) into {DenseLayerEmitter.Deltas(previous)}.");
                if (previous is not null)
                {
                    writer.Line($"global::System.Array.Clear({DenseLayerEmitter.Deltas(previous)}, 0, {inputs});");
                }

                using (writer.OpenBlock($"for (int o = 0; o < {Literals.Int(layer.Outputs)}; o++)"))
                {
                    string activations = DenseLayerEmitter.Activations(layer);
                    if (layer.Activation is DenseActivation.Tanh or DenseActivation.Sigmoid)
                    {
                        writer.Line($"float y = {activations}[o];");
                        writer.Line($"float delta = {DenseMath.Derivative(layer.Activation, deltas + "[o]", "y")};");
                    }
                    else
                    {
                        writer.Line($"float delta = {DenseMath.Derivative(layer.Activation, deltas + "[o]", activations + "[o]")};");
                    }

                    if (layer.Trainable)
                    {
                        writer.Line("float scaled = weight * delta;");
                    }

                    writer.Line($"int row = {layer.WeightName}Offset + (o * {inputs});");
                    if (layer.Trainable)
                    {
                        writer.Line($"gradients[{layer.BiasName}Offset + o] += scaled;");
                    }

                    using (writer.OpenBlock($"for (int i = 0; i < {inputs}; i++)"))
                    {
                        if (layer.Trainable)
                        {
                            writer.Line($"gradients[row + i] += scaled * {source}[i];");
                        }

                        if (previous is not null)
                        {
                            writer.Line($"{DenseLayerEmitter.Deltas(previous)}[i] += parameters[row + i] * delta;");
                        }
                    }
                }
            }
        }
    }

    private static string Describe(DenseLayerSpec layer) =>
        $"{layer.Name}: {Literals.Int(layer.Inputs)} -> {Literals.Int(layer.Outputs)}, {layer.Activation}";
}
