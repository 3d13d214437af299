using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Emits the public surface of a layout's <c>[Dense]</c> layers: sizes, activation buffers
/// (allocated once, with the layout), <c>Forward</c>, <c>Predict</c> and the two
/// gradient-accumulating losses. The passes themselves come from <see cref="DensePassEmitter"/>.
/// Every public method checks all its arguments before it writes anything.
/// </summary>
internal static class DenseLayerEmitter
{
    private const string Buffers = "global::WeightDecay.Edge.Generated.Buffers";

    public static void Emit(CodeWriter writer, LayoutSpec layout, TargetProfile profile)
    {
        EquatableArray<DenseLayerSpec> layers = layout.DenseLayers;
        var math = new DenseMath(profile);
        var calls = new PassCalls(profile, layout);
        WriteSizesAndBuffers(writer, layout);
        WriteForward(writer, layers, profile, calls);
        WritePredict(writer, layers, profile, calls);
        WriteCrossEntropy(writer, profile, calls);
        WriteMeanSquaredError(writer, profile, calls);
        if (layout.MaxBatchSize > 0)
        {
            DenseBatchEmitter.Emit(writer, layout, profile);
        }

        DensePassEmitter.Emit(writer, layout, profile, math);
    }

    /// <summary>The private buffer holding a layer's activations (its outputs).</summary>
    public static string Activations(DenseLayerSpec layer) => "_" + layer.Name + "Activations";

    /// <summary>The private buffer holding dLoss/d(outputs), then dLoss/d(pre-activations), of a layer.</summary>
    public static string Deltas(DenseLayerSpec layer) => "_" + layer.Name + "Deltas";

    // public const int InputSize = 64;
    // public const int OutputSize = 10;
    // public const int MaxBatchSize = 0;
    // private readonly float[] _HiddenActivations = new float[32];       // 32 * MaxBatchSize with MaxBatchSize set
    // private readonly float[] _HiddenDeltas = new float[32];
    // ...one pair per layer.
    private static void WriteSizesAndBuffers(CodeWriter writer, LayoutSpec layout)
    {
        EquatableArray<DenseLayerSpec> layers = layout.DenseLayers;
        DenseLayerSpec first = layers[0];
        DenseLayerSpec last = layers[layers.Count - 1];
        writer.Line();
        writer.Line($"/// <summary>Number of inputs of the first dense layer, '{first.Name}': {Literals.Int(first.Inputs)}.</summary>");
        writer.Line($"public const int InputSize = {Literals.Int(first.Inputs)};");
        writer.Line();
        writer.Line($"/// <summary>Number of outputs of the last dense layer, '{last.Name}': {Literals.Int(last.Outputs)}.</summary>");
        writer.Line($"public const int OutputSize = {Literals.Int(last.Outputs)};");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The most samples one mini-batch pass holds (<c>[ModelLayout(MaxBatchSize = n)]</c>): each layer's buffers hold that");
        writer.Line("/// many rows, and longer mini-batches are processed in passes of this many samples. 0: no mini-batch methods.");
        writer.Line("/// </summary>");
        writer.Line($"public const int MaxBatchSize = {Literals.Int(layout.MaxBatchSize)};");
        foreach (DenseLayerSpec layer in layers)
        {
            string size = Literals.Int((long)layer.Outputs * layout.BatchRows);
            writer.Line();
            writer.Line($"// {layer.Name}: {Literals.Int(layer.Inputs)} -> {Literals.Int(layer.Outputs)}, {layer.Activation}. Outputs of the last forward pass, and their deltas in a backward pass, one row per sample.");
            writer.Line($"private readonly float[] {Activations(layer)} = new float[{size}];");
            writer.Line($"private readonly float[] {Deltas(layer)} = new float[{size}];");
        }
    }

    // public void Forward(float[] input, float[] output)
    // {
    //     Buffers.RequireSize(input, InputSize, "input");
    //     Buffers.RequireSize(output, OutputSize, "output");
    //     DenseForwardPass(input);
    //     global::System.Array.Copy(_OutputActivations, output, OutputSize);
    // }
    // ...and, where the target has Span<T>, Forward(ReadOnlySpan<float> input, Span<float> output).
    private static void WriteForward(CodeWriter writer, EquatableArray<DenseLayerSpec> layers, TargetProfile profile, PassCalls calls)
    {
        string last = Activations(layers[layers.Count - 1]);
        writer.Line();
        writer.Line("/// <summary>Runs every dense layer on <paramref name=\"input\"/> and copies the last layer's outputs into <paramref name=\"output\"/>.</summary>");
        writer.Line("/// <param name=\"input\">Exactly <see cref=\"InputSize\"/> values.</param>");
        writer.Line("/// <param name=\"output\">Receives exactly <see cref=\"OutputSize\"/> values (logits when the last layer is Identity).</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\">An argument is null; nothing is written.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">An argument has the wrong length; nothing is written.</exception>");
        using (writer.OpenBlock("public void Forward(float[] input, float[] output)"))
        {
            writer.Line($"{Buffers}.RequireSize(input, InputSize, \"input\");");
            writer.Line($"{Buffers}.RequireSize(output, OutputSize, \"output\");");
            writer.Line(calls.Forward);
            writer.Line($"global::System.Array.Copy({last}, output, OutputSize);");
        }

        if (profile.HasSpan)
        {
            writer.Line();
            writer.Line("/// <summary>Runs every dense layer on <paramref name=\"input\"/> and copies the last layer's outputs into <paramref name=\"output\"/>.</summary>");
            writer.Line("/// <exception cref=\"global::System.ArgumentException\">An argument has the wrong length; nothing is written.</exception>");
            using (writer.OpenBlock("public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output)"))
            {
                writer.Line($"{Buffers}.RequireSize(input.Length, InputSize, \"input\");");
                writer.Line($"{Buffers}.RequireSize(output.Length, OutputSize, \"output\");");
                writer.Line(calls.Forward);
                writer.Line($"new global::System.ReadOnlySpan<float>({last}, 0, OutputSize).CopyTo(output);");
            }
        }
    }

    // public int Predict(float[] input)
    // {
    //     Buffers.RequireSize(input, InputSize, "input");
    //     DenseForwardPass(input);
    //     int best = 0;
    //     for (int o = 1; o < OutputSize; o++) { if (_OutputActivations[best] < _OutputActivations[o]) best = o; }
    //     return best;
    // }
    private static void WritePredict(CodeWriter writer, EquatableArray<DenseLayerSpec> layers, TargetProfile profile, PassCalls calls)
    {
        string last = Activations(layers[layers.Count - 1]);
        foreach (bool span in profile.HasSpan ? new[] { false, true } : new[] { false })
        {
            writer.Line();
            writer.Line("/// <summary>The index of the largest output for <paramref name=\"input\"/> (the first one on ties): the predicted class.</summary>");
            writer.Line("/// <param name=\"input\">Exactly <see cref=\"InputSize\"/> values.</param>");
            if (!span)
            {
                writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"input\"/> is null.</exception>");
            }

            writer.Line("/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"input\"/> has the wrong length.</exception>");
            using (writer.OpenBlock(span ? "public int Predict(global::System.ReadOnlySpan<float> input)" : "public int Predict(float[] input)"))
            {
                writer.Line(span ? $"{Buffers}.RequireSize(input.Length, InputSize, \"input\");" : $"{Buffers}.RequireSize(input, InputSize, \"input\");");
                writer.Line(calls.Forward);
                writer.Line("int best = 0;");
                using (writer.OpenBlock("for (int o = 1; o < OutputSize; o++)"))
                {
                    // "<" with the operands swapped, not ">": nanoCLR gets ">" wrong with NaN (device/README.md).
                    using (writer.OpenBlock($"if ({last}[best] < {last}[o])"))
                    {
                        writer.Line("best = o;");
                    }
                }

                writer.Line();
                writer.Line("return best;");
            }
        }
    }

    // public float AccumulateCrossEntropyGradient(float[] input, int label, float weight)
    // {
    //     Buffers.RequireSize(input, InputSize, "input");
    //     Buffers.RequireLabel(label, OutputSize, "label");
    //     DenseForwardPass(input);
    //     float loss = DenseCrossEntropyOutputDeltas(label);
    //     DenseBackwardPass(input, weight);
    //     return loss;
    // }
    private static void WriteCrossEntropy(CodeWriter writer, TargetProfile profile, PassCalls calls)
    {
        foreach (bool span in profile.HasSpan ? new[] { false, true } : new[] { false })
        {
            writer.Line();
            writer.Line("/// <summary>");
            writer.Line("/// Runs the layers on <paramref name=\"input\"/>, takes the last layer's outputs as logits and adds");
            writer.Line("/// <paramref name=\"weight\"/> times the gradient of the softmax cross-entropy loss");
            writer.Line("/// (<c>torch.nn.functional.cross_entropy</c>) into <see cref=\"Gradients\"/>. For the mean over a");
            writer.Line("/// mini-batch: <see cref=\"ZeroGrad\"/>, then one call per sample with weight 1 / batch size.");
            writer.Line("/// </summary>");
            writer.Line("/// <param name=\"input\">Exactly <see cref=\"InputSize\"/> values.</param>");
            writer.Line("/// <param name=\"label\">The true class, in [0, <see cref=\"OutputSize\"/>).</param>");
            writer.Line("/// <param name=\"weight\">The factor applied to this sample's gradient (not to the returned loss).</param>");
            writer.Line("/// <returns>This sample's loss, unweighted.</returns>");
            if (!span)
            {
                writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"input\"/> is null; nothing is written.</exception>");
            }

            writer.Line("/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"input\"/> has the wrong length; nothing is written.</exception>");
            writer.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"label\"/> is not a class; nothing is written.</exception>");
            string input = span ? "global::System.ReadOnlySpan<float> input" : "float[] input";
            using (writer.OpenBlock($"public float AccumulateCrossEntropyGradient({input}, int label, float weight)"))
            {
                writer.Line(span ? $"{Buffers}.RequireSize(input.Length, InputSize, \"input\");" : $"{Buffers}.RequireSize(input, InputSize, \"input\");");
                writer.Line($"{Buffers}.RequireLabel(label, OutputSize, \"label\");");
                writer.Line(calls.Forward);
                writer.Line(calls.CrossEntropy);
                writer.Line(calls.Backward);
                writer.Line("return loss;");
            }
        }
    }

    // public float AccumulateMeanSquaredErrorGradient(float[] input, float[] target, float weight)
    // {
    //     Buffers.RequireSize(input, InputSize, "input");
    //     Buffers.RequireSize(target, OutputSize, "target");
    //     DenseForwardPass(input);
    //     float loss = DenseSquaredErrorOutputDeltas(target);
    //     DenseBackwardPass(input, weight);
    //     return loss;
    // }
    private static void WriteMeanSquaredError(CodeWriter writer, TargetProfile profile, PassCalls calls)
    {
        foreach (bool span in profile.HasSpan ? new[] { false, true } : new[] { false })
        {
            writer.Line();
            writer.Line("/// <summary>");
            writer.Line("/// Runs the layers on <paramref name=\"input\"/> and adds <paramref name=\"weight\"/> times the gradient");
            writer.Line("/// of the mean squared error over the outputs (<c>torch.nn.functional.mse_loss</c>) into");
            writer.Line("/// <see cref=\"Gradients\"/>. For the mean over a mini-batch: <see cref=\"ZeroGrad\"/>, then one call");
            writer.Line("/// per sample with weight 1 / batch size.");
            writer.Line("/// </summary>");
            writer.Line("/// <param name=\"input\">Exactly <see cref=\"InputSize\"/> values.</param>");
            writer.Line("/// <param name=\"target\">Exactly <see cref=\"OutputSize\"/> values.</param>");
            writer.Line("/// <param name=\"weight\">The factor applied to this sample's gradient (not to the returned loss).</param>");
            writer.Line("/// <returns>This sample's loss, unweighted.</returns>");
            if (!span)
            {
                writer.Line("/// <exception cref=\"global::System.ArgumentNullException\">An argument is null; nothing is written.</exception>");
            }

            writer.Line("/// <exception cref=\"global::System.ArgumentException\">An argument has the wrong length; nothing is written.</exception>");
            string parameters = span
                ? "global::System.ReadOnlySpan<float> input, global::System.ReadOnlySpan<float> target"
                : "float[] input, float[] target";
            using (writer.OpenBlock($"public float AccumulateMeanSquaredErrorGradient({parameters}, float weight)"))
            {
                writer.Line(span ? $"{Buffers}.RequireSize(input.Length, InputSize, \"input\");" : $"{Buffers}.RequireSize(input, InputSize, \"input\");");
                writer.Line(span ? $"{Buffers}.RequireSize(target.Length, OutputSize, \"target\");" : $"{Buffers}.RequireSize(target, OutputSize, \"target\");");
                writer.Line(calls.Forward);
                writer.Line(calls.SquaredError);
                writer.Line(calls.Backward);
                writer.Line("return loss;");
            }
        }
    }

    /// <summary>How the per-sample methods call the private passes: as a mini-batch of one where the passes take a count.</summary>
    private sealed class PassCalls
    {
        public PassCalls(TargetProfile profile, LayoutSpec layout)
        {
            bool batched = profile.HasSpan || layout.MaxBatchSize > 0;
            string input = profile.HasSpan ? "input, 1" : batched ? "input, 0, 1" : "input";
            Forward = $"DenseForwardPass({input});";
            Backward = $"DenseBackwardPass({input}, weight);";
            CrossEntropy = batched ? "float loss = DenseCrossEntropyOutputDeltas(0, label);" : "float loss = DenseCrossEntropyOutputDeltas(label);";
            SquaredError = batched ? "float loss = DenseSquaredErrorOutputDeltas(target, 0, 0);" : "float loss = DenseSquaredErrorOutputDeltas(target);";
        }

        public string Forward { get; }

        public string Backward { get; }

        public string CrossEntropy { get; }

        public string SquaredError { get; }
    }
}
