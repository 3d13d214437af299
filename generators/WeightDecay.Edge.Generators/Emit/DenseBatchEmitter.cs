using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Emits the mini-batch overloads of the two losses for a layout with <c>[ModelLayout(MaxBatchSize = n)]</c>:
/// a span overload on desktop and an array overload (samples from <c>firstSample</c>) on both profiles. A
/// mini-batch runs through the private passes in chunks of at most <c>MaxBatchSize</c> samples, the size
/// its buffers were allocated with, so nothing is allocated. Every argument is checked before anything is
/// written, labels included.
/// </summary>
internal static class DenseBatchEmitter
{
    private const string Buffers = "global::WeightDecay.Edge.Generated.Buffers";
    private const string FloatSpan = "global::System.ReadOnlySpan<float>";

    public static void Emit(CodeWriter writer, LayoutSpec layout, TargetProfile profile)
    {
        foreach (bool crossEntropy in new[] { true, false })
        {
            if (profile.HasSpan)
            {
                WriteSpanOverload(writer, crossEntropy);
            }

            WriteArrayOverload(writer, profile, crossEntropy);
        }
    }

    private static void WriteSummary(CodeWriter writer, bool crossEntropy, bool span)
    {
        string loss = crossEntropy
            ? "the softmax cross-entropy loss (<c>torch.nn.functional.cross_entropy</c>) of each sample, its last layer's outputs taken as logits"
            : "the mean squared error over the outputs (<c>torch.nn.functional.mse_loss</c>) of each sample";
        writer.Line("/// <summary>");
        writer.Line("/// Runs the layers on a mini-batch and adds <paramref name=\"weight\"/> times the gradient of");
        writer.Line($"/// {loss}, into <see cref=\"Gradients\"/>: with weight 1 / <paramref name=\"batchSize\"/>, the gradient of the");
        writer.Line("/// mean loss, as <c>loss.backward()</c> on torch's default <c>reduction='mean'</c>. The same, to float rounding, as one");
        writer.Line("/// per-sample call for each sample (the summation order differs); the samples run through the layers as one");
        writer.Line("/// matrix, <see cref=\"MaxBatchSize\"/> at a time. Allocates nothing.");
        writer.Line("/// </summary>");
        writer.Line(span
            ? "/// <param name=\"inputs\">Exactly <paramref name=\"batchSize\"/> rows of <see cref=\"InputSize\"/> values, one sample after another.</param>"
            : "/// <param name=\"inputs\">Samples of <see cref=\"InputSize\"/> values, one after another; the mini-batch is samples <paramref name=\"firstSample\"/> to <paramref name=\"firstSample\"/> + <paramref name=\"batchSize\"/> - 1.</param>");
        writer.Line(crossEntropy
            ? span
                ? "/// <param name=\"labels\">Exactly <paramref name=\"batchSize\"/> classes, each in [0, <see cref=\"OutputSize\"/>).</param>"
                : "/// <param name=\"labels\">The class of each sample (indexed like <paramref name=\"inputs\"/>' samples), each in [0, <see cref=\"OutputSize\"/>).</param>"
            : span
                ? "/// <param name=\"targets\">Exactly <paramref name=\"batchSize\"/> rows of <see cref=\"OutputSize\"/> values.</param>"
                : "/// <param name=\"targets\">Targets of <see cref=\"OutputSize\"/> values, one per sample, indexed like <paramref name=\"inputs\"/>' samples.</param>");
        if (!span)
        {
            writer.Line("/// <param name=\"firstSample\">The mini-batch's first sample in <paramref name=\"inputs\"/> and the other array.</param>");
        }

        writer.Line("/// <param name=\"batchSize\">Number of samples, at least 1; more than <see cref=\"MaxBatchSize\"/> run in several passes.</param>");
        writer.Line("/// <param name=\"weight\">The factor applied to each sample's gradient (not to the returned loss).</param>");
        writer.Line("/// <returns>The mean of the samples' losses, unweighted.</returns>");
        if (!span)
        {
            writer.Line("/// <exception cref=\"global::System.ArgumentNullException\">An array is null; nothing is written.</exception>");
        }

        writer.Line("/// <exception cref=\"global::System.ArgumentException\">An argument holds the wrong number of values; nothing is written.</exception>");
        writer.Line(crossEntropy
            ? "/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A count or index is out of range, or a label is not a class; nothing is written.</exception>"
            : "/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A count or index is out of range; nothing is written.</exception>");
    }

    // public float AccumulateCrossEntropyGradient(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize, float weight)
    // {
    //     Buffers.RequireRows(inputs.Length, batchSize, InputSize, "inputs");
    //     Buffers.RequireRows(labels.Length, batchSize, 1, "labels");
    //     for (int s = 0; s < batchSize; s++) { Buffers.RequireLabel(labels[s], OutputSize, "labels"); }
    //     float loss = 0f;
    //     for (int first = 0; first < batchSize; first += MaxBatchSize)
    //     {
    //         int count = <the rest, at most MaxBatchSize>;
    //         ReadOnlySpan<float> rows = inputs.Slice(first * InputSize, count * InputSize);
    //         DenseForwardPass(rows, count);
    //         for (int s = 0; s < count; s++) { loss += DenseCrossEntropyOutputDeltas(s * OutputSize, labels[first + s]); }
    //         DenseBackwardPass(rows, count, weight);
    //     }
    //     return loss / batchSize;
    // }
    private static void WriteSpanOverload(CodeWriter writer, bool crossEntropy)
    {
        writer.Line();
        WriteSummary(writer, crossEntropy, span: true);
        string name = crossEntropy ? "AccumulateCrossEntropyGradient" : "AccumulateMeanSquaredErrorGradient";
        string second = crossEntropy ? "global::System.ReadOnlySpan<int> labels" : $"{FloatSpan} targets";
        using (writer.OpenBlock($"public float {name}({FloatSpan} inputs, {second}, int batchSize, float weight)"))
        {
            writer.Line($"{Buffers}.RequireRows(inputs.Length, batchSize, InputSize, \"inputs\");");
            if (crossEntropy)
            {
                writer.Line($"{Buffers}.RequireRows(labels.Length, batchSize, 1, \"labels\");");
                using (writer.OpenBlock("for (int s = 0; s < batchSize; s++)"))
                {
                    writer.Line($"{Buffers}.RequireLabel(labels[s], OutputSize, \"labels\");");
                }
            }
            else
            {
                writer.Line($"{Buffers}.RequireRows(targets.Length, batchSize, OutputSize, \"targets\");");
            }

            writer.Line();
            writer.Line("float loss = 0f;");
            using (writer.OpenBlock("for (int first = 0; first < batchSize; first += MaxBatchSize)"))
            {
                writer.Line("int count = batchSize - first < MaxBatchSize ? batchSize - first : MaxBatchSize;");
                writer.Line($"{FloatSpan} rows = inputs.Slice(first * InputSize, count * InputSize);");
                writer.Line("DenseForwardPass(rows, count);");
                using (writer.OpenBlock("for (int s = 0; s < count; s++)"))
                {
                    writer.Line(crossEntropy
                        ? "loss += DenseCrossEntropyOutputDeltas(s * OutputSize, labels[first + s]);"
                        : "loss += DenseSquaredErrorOutputDeltas(targets, (first + s) * OutputSize, s * OutputSize);");
                }

                writer.Line("DenseBackwardPass(rows, count, weight);");
            }

            writer.Line();
            writer.Line("return loss / batchSize;");
        }
    }

    // public float AccumulateCrossEntropyGradient(float[] inputs, int[] labels, int firstSample, int batchSize, float weight)
    // {
    //     Buffers.RequireRows(inputs, firstSample, batchSize, InputSize, "inputs");
    //     Buffers.RequireLabels(labels, firstSample, batchSize, OutputSize, "labels");
    //     return AccumulateCrossEntropyGradient(new ReadOnlySpan<float>(inputs, ...), new ReadOnlySpan<int>(labels, ...), batchSize, weight);
    //     // device: the chunk loop of the span overload, the passes reading inputs from (firstSample + first) * InputSize.
    // }
    private static void WriteArrayOverload(CodeWriter writer, TargetProfile profile, bool crossEntropy)
    {
        writer.Line();
        WriteSummary(writer, crossEntropy, span: false);
        string name = crossEntropy ? "AccumulateCrossEntropyGradient" : "AccumulateMeanSquaredErrorGradient";
        string second = crossEntropy ? "int[] labels" : "float[] targets";
        using (writer.OpenBlock($"public float {name}(float[] inputs, {second}, int firstSample, int batchSize, float weight)"))
        {
            writer.Line($"{Buffers}.RequireRows(inputs, firstSample, batchSize, InputSize, \"inputs\");");
            writer.Line(crossEntropy
                ? $"{Buffers}.RequireLabels(labels, firstSample, batchSize, OutputSize, \"labels\");"
                : $"{Buffers}.RequireRows(targets, firstSample, batchSize, OutputSize, \"targets\");");
            if (profile.HasSpan)
            {
                string rest = crossEntropy
                    ? "new global::System.ReadOnlySpan<int>(labels, firstSample, batchSize)"
                    : $"new {FloatSpan}(targets, firstSample * OutputSize, batchSize * OutputSize)";
                writer.Line($"return {name}(new {FloatSpan}(inputs, firstSample * InputSize, batchSize * InputSize), {rest}, batchSize, weight);");
                return;
            }

            writer.Line();
            writer.Line("float loss = 0f;");
            using (writer.OpenBlock("for (int first = 0; first < batchSize; first += MaxBatchSize)"))
            {
                writer.Line("int count = batchSize - first < MaxBatchSize ? batchSize - first : MaxBatchSize;");
                writer.Line("int at = (firstSample + first) * InputSize;");
                writer.Line("DenseForwardPass(inputs, at, count);");
                using (writer.OpenBlock("for (int s = 0; s < count; s++)"))
                {
                    writer.Line(crossEntropy
                        ? "loss += DenseCrossEntropyOutputDeltas(s * OutputSize, labels[firstSample + first + s]);"
                        : "loss += DenseSquaredErrorOutputDeltas(targets, (firstSample + first + s) * OutputSize, s * OutputSize);");
                }

                writer.Line("DenseBackwardPass(inputs, at, count, weight);");
            }

            writer.Line();
            writer.Line("return loss / batchSize;");
        }
    }
}
