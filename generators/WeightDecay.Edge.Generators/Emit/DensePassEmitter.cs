using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Emits the private forward and backward passes of a layout's dense layers, specialised to their
/// sizes: every loop bound and offset is a constant, so the code reads like a hand-written MLP.
/// Everything works on the layout's flat buffers and the per-layer buffers allocated with it, so
/// a pass allocates nothing. Float arithmetic, the same on both profiles except for the
/// transcendental functions (see <see cref="DenseMath"/>).
/// <para>
/// The passes here are the scalar ones: the device profile's, and the desktop's on machines without
/// SIMD. Each runs over <c>count</c> samples stored one after another (row s of a layer's buffers at
/// <c>s * Outputs</c>), one layer at a time and, within a layer, one sample after another, so a
/// gradient receives exactly the additions, in the same order, that one call per sample would make.
/// A device layout without <c>MaxBatchSize</c> gets the single-sample form, with no sample loop
/// (flash is what runs out there). The desktop dispatches to <see cref="DenseKernelEmitter"/>'s SIMD
/// passes where the machine has them.
/// </para>
/// </summary>
internal static class DensePassEmitter
{
    public static void Emit(CodeWriter writer, LayoutSpec layout, TargetProfile profile, DenseMath math)
    {
        EquatableArray<DenseLayerSpec> layers = layout.DenseLayers;
        var shape = new PassShape(profile.HasSpan || layout.MaxBatchSize > 0, !profile.HasSpan && layout.MaxBatchSize > 0);
        string forward = profile.HasSpan ? "DenseForwardKernel" : "DenseForwardPass";
        string backward = profile.HasSpan ? "DenseBackwardKernel" : "DenseBackwardPass";
        if (profile.HasSpan)
        {
            WriteDispatch(writer, profile, math);
        }

        WriteForwardPass(writer, layers, math, shape, forward);
        WriteCrossEntropyDeltas(writer, layers[layers.Count - 1], math, shape);
        WriteSquaredErrorDeltas(writer, layers[layers.Count - 1], math, shape);
        WriteBackwardPass(writer, layers, math, shape, backward);
        if (profile.HasSpan)
        {
            foreach (VectorPath path in VectorPath.For(profile))
            {
                DenseKernelEmitter.Emit(writer, layers, math, path);
            }
        }
    }

    // private void DenseForwardPass(ReadOnlySpan<float> input, int count)
    // {
    //     if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) { DenseForwardKernelVector512(input, count); }
    //     else if (...) { ... } else { DenseForwardKernel(input, count); }
    // }
    // ...and DenseBackwardPass(input, count, weight) alike.
    private static void WriteDispatch(CodeWriter writer, TargetProfile profile, DenseMath math)
    {
        writer.Line();
        writer.Line("// The dense passes, on the widest SIMD path the machine runs (as the optimizers' updates pick theirs).");
        using (writer.OpenBlock($"private void DenseForwardPass({math.VectorType} input, int count)"))
        {
            UpdateLoopEmitter.WriteDispatch(writer, profile, "DenseForwardKernel", "input, count");
        }

        writer.Line();
        using (writer.OpenBlock($"private void DenseBackwardPass({math.VectorType} input, int count, float weight)"))
        {
            UpdateLoopEmitter.WriteDispatch(writer, profile, "DenseBackwardKernel", "input, count, weight");
        }
    }

    // private void DenseForwardKernel(ReadOnlySpan<float> input, int count)   // device: DenseForwardPass(float[] input, int at, int count)
    // {
    //     float[] parameters = Parameters;
    //     // Hidden: 64 -> 32, ReLU. Row o of HiddenWeight (as torch.nn.Linear.weight) dotted with the input, plus the bias.
    //     for (int s = 0; s < count; s++)
    //     {
    //         int x = s * 64;      // device: at + (s * 64)
    //         int y = s * 32;
    //         for (int o = 0; o < 32; o++)
    //         {
    //             int row = HiddenWeightOffset + (o * 64);
    //             float sum = parameters[HiddenBiasOffset + o];
    //             for (int i = 0; i < 64; i++) { sum += parameters[row + i] * input[x + i]; }
    //             _HiddenActivations[y + o] = sum < 0f ? 0f : sum;
    //         }
    //     }
    //     ...then each following layer reads the previous layer's activations. Without a sample loop
    //     (a device layout without MaxBatchSize), x and y are 0 and the loop is not written.
    // }
    private static void WriteForwardPass(CodeWriter writer, EquatableArray<DenseLayerSpec> layers, DenseMath math, PassShape shape, string name)
    {
        writer.Line();
        using (writer.OpenBlock($"private void {name}({shape.Parameters(math.VectorType)})"))
        {
            writer.Line("float[] parameters = Parameters;");
            for (int l = 0; l < layers.Count; l++)
            {
                DenseLayerSpec layer = layers[l];
                string source = l == 0 ? "input" : DenseLayerEmitter.Activations(layers[l - 1]);
                string activations = DenseLayerEmitter.Activations(layer);
                writer.Line();
                writer.Line($"// {Describe(layer)}. Row o of {layer.WeightName} (as torch.nn.Linear.weight) dotted with the input, plus the bias.");
                using (shape.OpenSampleLoop(writer))
                {
                    if (shape.Batched)
                    {
                        writer.Line($"int x = {shape.RowStart(l == 0, layer.Inputs)};");
                        writer.Line($"int y = s * {Literals.Int(layer.Outputs)};");
                    }

                    using (writer.OpenBlock($"for (int o = 0; o < {Literals.Int(layer.Outputs)}; o++)"))
                    {
                        writer.Line($"int row = {layer.WeightName}Offset + (o * {Literals.Int(layer.Inputs)});");
                        writer.Line($"float sum = parameters[{layer.BiasName}Offset + o];");
                        using (writer.OpenBlock($"for (int i = 0; i < {Literals.Int(layer.Inputs)}; i++)"))
                        {
                            writer.Line($"sum += parameters[row + i] * {source}[{shape.Index("x", "i")}];");
                        }

                        writer.Line();
                        writer.Line($"{activations}[{shape.Index("y", "o")}] = {math.Activate(layer.Activation, "sum")};");
                    }
                }
            }
        }
    }

    // private float DenseCrossEntropyOutputDeltas(int y, int label)    // y: the sample's first index in the buffers
    // {
    //     float[] logits = _OutputActivations;
    //     float[] deltas = _OutputDeltas;
    //     float max = <largest logit>;                               // softmax(z) = softmax(z - max): no overflow
    //     float sum = 0f;
    //     for (int o = 0; o < 10; o++) { float e = Exp(logits[y + o] - max); deltas[y + o] = e; sum += e; }
    //     for (int o = 0; o < 10; o++) { deltas[y + o] /= sum; }     // softmax
    //     deltas[y + label] -= 1f;                                   // dLoss/dlogits = softmax - onehot
    //     return Log(sum) - (logits[y + label] - max);               // logsumexp - logit[label]
    // }
    private static void WriteCrossEntropyDeltas(CodeWriter writer, DenseLayerSpec last, DenseMath math, PassShape shape)
    {
        string size = Literals.Int(last.Outputs);
        writer.Line();
        writer.Line("// Softmax cross-entropy on the last layer's outputs: its deltas become dLoss/dOutputs = softmax - onehot(label).");
        writer.Line("// Subtracting the largest logit first keeps every exponential in (0, 1], so nothing overflows.");
        using (writer.OpenBlock(shape.Batched ? "private float DenseCrossEntropyOutputDeltas(int y, int label)" : "private float DenseCrossEntropyOutputDeltas(int label)"))
        {
            writer.Line($"float[] logits = {DenseLayerEmitter.Activations(last)};");
            writer.Line($"float[] deltas = {DenseLayerEmitter.Deltas(last)};");
            writer.Line($"float max = logits[{shape.Index("y", "0")}];");
            using (writer.OpenBlock($"for (int o = 1; o < {size}; o++)"))
            {
                // "<", not ">": nanoCLR gets ">" wrong with NaN (device/README.md).
                using (writer.OpenBlock($"if (max < logits[{shape.Index("y", "o")}])"))
                {
                    writer.Line($"max = logits[{shape.Index("y", "o")}];");
                }
            }

            writer.Line();
            writer.Line("float sum = 0f;");
            using (writer.OpenBlock($"for (int o = 0; o < {size}; o++)"))
            {
                writer.Line($"float e = {math.Exp($"logits[{shape.Index("y", "o")}] - max")};");
                writer.Line($"deltas[{shape.Index("y", "o")}] = e;");
                writer.Line("sum += e;");
            }

            writer.Line();
            using (writer.OpenBlock($"for (int o = 0; o < {size}; o++)"))
            {
                writer.Line($"deltas[{shape.Index("y", "o")}] /= sum;");
            }

            writer.Line();
            writer.Line($"deltas[{shape.Index("y", "label")}] -= 1f;");
            writer.Line($"return {math.Log("sum")} - (logits[{shape.Index("y", "label")}] - max);");
        }
    }

    // private float DenseSquaredErrorOutputDeltas(ReadOnlySpan<float> target, int t, int y)   // t: the target's first index
    // {
    //     float sum = 0f;
    //     for (int o = 0; o < 10; o++)
    //     {
    //         float difference = _OutputActivations[y + o] - target[t + o];
    //         sum += difference * difference;
    //         _OutputDeltas[y + o] = (difference + difference) / 10f;    // d/dy of mean((y - t)^2)
    //     }
    //     return sum / 10f;
    // }
    private static void WriteSquaredErrorDeltas(CodeWriter writer, DenseLayerSpec last, DenseMath math, PassShape shape)
    {
        string size = Literals.Int(last.Outputs);
        writer.Line();
        writer.Line("// Mean squared error over the last layer's outputs: its deltas become dLoss/dOutputs = 2 (y - t) / OutputSize.");
        string parameters = shape.Batched ? $"{math.VectorType} target, int t, int y" : $"{math.VectorType} target";
        using (writer.OpenBlock($"private float DenseSquaredErrorOutputDeltas({parameters})"))
        {
            writer.Line($"float[] outputs = {DenseLayerEmitter.Activations(last)};");
            writer.Line($"float[] deltas = {DenseLayerEmitter.Deltas(last)};");
            writer.Line("float sum = 0f;");
            using (writer.OpenBlock($"for (int o = 0; o < {size}; o++)"))
            {
                writer.Line($"float difference = outputs[{shape.Index("y", "o")}] - target[{shape.Index("t", "o")}];");
                writer.Line("sum += difference * difference;");
                writer.Line($"deltas[{shape.Index("y", "o")}] = (difference + difference) / {size}f;");
            }

            writer.Line();
            writer.Line($"return sum / {size}f;");
        }
    }

    // private void DenseBackwardKernel(ReadOnlySpan<float> input, int count, float weight)   // device: DenseBackwardPass(float[] input, int at, int count, float weight)
    // {
    //     float[] parameters = Parameters;
    //     float[] gradients = Gradients;
    //     // Output: 32 -> 10, Identity. ...
    //     global::System.Array.Clear(_HiddenDeltas, 0, count * 32);
    //     for (int s = 0; s < count; s++)
    //     {
    //         int x = s * 32; int d = s * 10;
    //         for (int o = 0; o < 10; o++)
    //         {
    //             float delta = <_OutputDeltas[d + o] times the activation's derivative>;   // dLoss/dz
    //             float scaled = weight * delta;
    //             int row = OutputWeightOffset + (o * 32);
    //             gradients[OutputBiasOffset + o] += scaled;
    //             for (int i = 0; i < 32; i++)
    //             {
    //                 gradients[row + i] += scaled * _HiddenActivations[x + i];        // dLoss/dW = delta x^T
    //                 _HiddenDeltas[x + i] += parameters[row + i] * delta;            // dLoss/dx = W^T delta
    //             }
    //         }
    //     }
    //     ...down to the first layer, which reads the input and propagates nothing.
    // }
    private static void WriteBackwardPass(CodeWriter writer, EquatableArray<DenseLayerSpec> layers, DenseMath math, PassShape shape, string name)
    {
        writer.Line();
        writer.Line("// Backpropagation from the last layer's deltas (dLoss/dOutputs), adding weight * dLoss/dParameter into Gradients.");
        using (writer.OpenBlock($"private void {name}({shape.Parameters(math.VectorType)}, float weight)"))
        {
            writer.Line("float[] parameters = Parameters;");
            writer.Line("float[] gradients = Gradients;");
            for (int l = layers.Count - 1; l >= 0; l--)
            {
                DenseLayerSpec layer = layers[l];
                DenseLayerSpec? previous = l == 0 ? null : layers[l - 1];
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
                    string length = shape.Batched ? $"count * {Literals.Int(layer.Inputs)}" : Literals.Int(layer.Inputs);
                    writer.Line($"global::System.Array.Clear({DenseLayerEmitter.Deltas(previous)}, 0, {length});");
                }

                using (shape.OpenSampleLoop(writer))
                {
                    if (shape.Batched)
                    {
                        writer.Line($"int x = {shape.RowStart(previous is null, layer.Inputs)};");
                        writer.Line($"int d = s * {Literals.Int(layer.Outputs)};");
                    }

                    WriteBackwardLayer(writer, layer, previous, shape);
                }
            }
        }
    }

    private static void WriteBackwardLayer(CodeWriter writer, DenseLayerSpec layer, DenseLayerSpec? previous, PassShape shape)
    {
        string source = previous is null ? "input" : DenseLayerEmitter.Activations(previous);
        string deltas = DenseLayerEmitter.Deltas(layer);
        string inputs = Literals.Int(layer.Inputs);
        string activations = DenseLayerEmitter.Activations(layer);
        using (writer.OpenBlock($"for (int o = 0; o < {Literals.Int(layer.Outputs)}; o++)"))
        {
            string at = shape.Index("d", "o");
            if (layer.Activation is DenseActivation.Tanh or DenseActivation.Sigmoid)
            {
                writer.Line($"float y = {activations}[{at}];");
                writer.Line($"float delta = {DenseMath.Derivative(layer.Activation, $"{deltas}[{at}]", "y")};");
            }
            else
            {
                writer.Line($"float delta = {DenseMath.Derivative(layer.Activation, $"{deltas}[{at}]", $"{activations}[{at}]")};");
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
                    writer.Line($"gradients[row + i] += scaled * {source}[{shape.Index("x", "i")}];");
                }

                if (previous is not null)
                {
                    writer.Line($"{DenseLayerEmitter.Deltas(previous)}[{shape.Index("x", "i")}] += parameters[row + i] * delta;");
                }
            }
        }
    }

    /// <summary>The layer as a comment names it: <c>Hidden: 64 -> 32, ReLU</c>.</summary>
    public static string Describe(DenseLayerSpec layer) =>
        $"{layer.Name}: {Literals.Int(layer.Inputs)} -> {Literals.Int(layer.Outputs)}, {layer.Activation}";

    /// <summary>
    /// Whether the scalar passes loop over samples (<paramref name="Batched"/>) and whether the input is an
    /// array read from a start index <c>at</c> (<paramref name="HasAt"/>: the device's mini-batch passes).
    /// </summary>
    private readonly record struct PassShape(bool Batched, bool HasAt)
    {
        public string Parameters(string vectorType) =>
            !Batched ? $"{vectorType} input" : HasAt ? "float[] input, int at, int count" : $"{vectorType} input, int count";

        /// <summary><c>base + index</c>, or just the index without a sample loop.</summary>
        public string Index(string start, string index) => Batched ? $"{start} + {index}" : index;

        /// <summary>The first index of sample <c>s</c> in a buffer of rows of <paramref name="size"/>, offset by <c>at</c> in the input.</summary>
        public string RowStart(bool isInput, int size) =>
            isInput && HasAt ? $"at + (s * {Literals.Int(size)})" : $"s * {Literals.Int(size)}";

        public System.IDisposable OpenSampleLoop(CodeWriter writer) =>
            Batched ? writer.OpenBlock("for (int s = 0; s < count; s++)") : new NoBlock();

        private sealed class NoBlock : System.IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
