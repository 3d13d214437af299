using System;
using System.Linq;

namespace WeightDecay.Edge.Tests.Dense;

/// <summary>
/// The mini-batch overloads against one per-sample call per sample, and against the independent double
/// reference: the same gradients and mean loss, for batches of one sample, a few, exactly MaxBatchSize,
/// and more (several passes), through the span and the array overloads.
/// </summary>
/// <remarks>
/// Tolerance against the per-sample calls: 1e-5 of the largest gradient entry, and 1e-5 relative for the
/// mean loss. Both sides compute the same float products; they sum them in a different order (lanes of a
/// SIMD register, fused multiply-adds, a whole pass's samples summed before they are added to Gradients,
/// against one addition per sample). Each entry is a sum of at most a few hundred products here, so a
/// reordering moves it by at most about that many float ulps (2^-24 each) of the largest partial sum:
/// under 2e-5 in the worst case, far less in practice (largest seen: about 1e-6).
/// </remarks>
public class BatchPassTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, string, string, int> Cases()
    {
        var data = new TheoryData<string, string, string, int>();
        foreach (string layout in BatchCase.Names)
        {
            int max = BatchCase.Create(layout).MaxBatchSize;
            foreach (string loss in new[] { "CrossEntropy", "MeanSquaredError" })
            {
                foreach (string overload in new[] { "Span", "Array" })
                {
                    foreach (int batch in new[] { 1, 3, max, max + 3, (2 * max) + 1 })
                    {
                        data.Add(layout, loss, overload, batch);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batch_call_agrees_with_one_call_per_sample(string layoutName, string loss, string overload, int batchSize)
    {
        BatchCase perSample = BatchCase.Create(layoutName);
        BatchCase batched = BatchCase.Create(layoutName);
        var random = new Random(batchSize + (31 * layoutName.Length));
        perSample.Initialize(random);
        Array.Copy(perSample.Parameters, batched.Parameters, perSample.Parameters.Length);
        Batch batch = Batch.Random(random, perSample, batchSize, extraSamples: 2);
        float weight = 1f / batchSize;

        perSample.ZeroGrad();
        double lossSum = 0;
        for (int s = 0; s < batchSize; s++)
        {
            float[] input = batch.Input(s + batch.First);
            lossSum += loss == "CrossEntropy"
                ? perSample.CrossEntropy(input, batch.Labels[s + batch.First], weight)
                : perSample.SquaredError(input, batch.Target(s + batch.First), weight);
        }

        batched.ZeroGrad();
        float batchLoss = batch.Run(batched, loss, overload, batchSize, weight);

        double meanLoss = lossSum / batchSize;
        Assert.True(Math.Abs(batchLoss - meanLoss) <= Tolerance * Math.Max(1, Math.Abs(meanLoss)), $"loss {batchLoss:R} vs mean {meanLoss:R}");
        double scale = perSample.Gradients.Max(g => Math.Abs(g));
        Assert.True(scale > 1e-3, "test bug: the gradient vanishes");
        for (int j = 0; j < perSample.Gradients.Length; j++)
        {
            Assert.True(
                Math.Abs(batched.Gradients[j] - perSample.Gradients[j]) <= Tolerance * scale,
                $"entry {j}: batch {batched.Gradients[j]:R}, per sample {perSample.Gradients[j]:R}");
        }

        foreach ((int offset, int length) in batched.Untouched)
        {
            Assert.All(batched.Gradients.Skip(offset).Take(length), g => Assert.Equal(0f, g));
        }
    }

    [Theory]
    [InlineData("BatchDigitsMlp", "CrossEntropy")]
    [InlineData("BatchDigitsMlp", "MeanSquaredError")]
    [InlineData("BatchOddSizesMlp", "CrossEntropy")]
    [InlineData("BatchOddSizesMlp", "MeanSquaredError")]
    [InlineData("BatchAllActivationsMlp", "CrossEntropy")]
    [InlineData("BatchAllActivationsMlp", "MeanSquaredError")]
    public void Batch_gradient_is_the_gradient_of_the_mean_loss_in_double(string layoutName, string loss)
    {
        const int BatchSize = 9;
        BatchCase layout = BatchCase.Create(layoutName);
        var random = new Random(4);
        layout.Initialize(random);
        Batch batch = Batch.Random(random, layout, BatchSize, extraSamples: 0);
        double[] parameters = DoubleReference.ToDouble(layout.Parameters);
        for (int s = 0; s < BatchSize; s++)
        {
            DoubleReference.Forward(layout.Layers, parameters, DoubleReference.ToDouble(batch.Input(s)), out double smallestReluInput);
            Assert.True(smallestReluInput > 1e-4, $"sample {s}: a ReLU input is {smallestReluInput:E2}, too close to the kink for finite differences");
        }

        double Reference(double[] p)
        {
            double sum = 0;
            for (int s = 0; s < BatchSize; s++)
            {
                double[] output = DoubleReference.Output(layout.Layers, p, DoubleReference.ToDouble(batch.Input(s)));
                sum += loss == "CrossEntropy"
                    ? DoubleReference.CrossEntropy(output, batch.Labels[s])
                    : DoubleReference.MeanSquaredError(output, DoubleReference.ToDouble(batch.Target(s)));
            }

            return sum / BatchSize;
        }

        layout.ZeroGrad();
        float generatedLoss = batch.Run(layout, loss, "Span", BatchSize, 1f / BatchSize);
        double expectedLoss = Reference(parameters);
        Assert.True(Math.Abs(generatedLoss - expectedLoss) <= 1e-5 * Math.Max(Math.Abs(expectedLoss), 1), $"loss {generatedLoss:R} vs reference {expectedLoss:R}");

        // As DenseGradientTests: 1e-4 relative plus 2e-6 of the largest entry (finite differences good to ~1e-10).
        double[] expected = DoubleReference.FiniteDifferences(parameters, Reference);
        double scale = expected.Max(Math.Abs);
        for (int j = 0; j < expected.Length; j++)
        {
            if (layout.Untouched.Any(range => j >= range.Offset && j < range.Offset + range.Length))
            {
                Assert.Equal(0f, layout.Gradients[j]); // Frozen or not a layer's: no gradient, whatever the loss's derivative.
                continue;
            }

            double error = Math.Abs(layout.Gradients[j] - expected[j]);
            Assert.True(error <= (1e-4 * Math.Abs(expected[j])) + (2e-6 * scale), $"entry {j}: {layout.Gradients[j]:R} vs finite difference {expected[j]:R}");
        }
    }

    [Fact]
    public void Batch_call_adds_to_what_Gradients_already_holds()
    {
        BatchCase once = BatchCase.Create("BatchOddSizesMlp");
        BatchCase twice = BatchCase.Create("BatchOddSizesMlp");
        var random = new Random(12);
        once.Initialize(random);
        Array.Copy(once.Parameters, twice.Parameters, once.Parameters.Length);
        Batch batch = Batch.Random(random, once, 5, extraSamples: 0);
        once.ZeroGrad();
        batch.Run(once, "MeanSquaredError", "Span", 5, 1f);
        twice.ZeroGrad();
        batch.Run(twice, "MeanSquaredError", "Span", 5, 0.5f);
        batch.Run(twice, "MeanSquaredError", "Array", 5, 0.5f);
        double scale = once.Gradients.Max(g => Math.Abs(g));
        for (int j = 0; j < once.Gradients.Length; j++)
        {
            Assert.True(Math.Abs(once.Gradients[j] - twice.Gradients[j]) <= Tolerance * scale, $"entry {j}");
        }
    }

    [Fact]
    public void Batch_buffers_are_counted_in_RamBytes()
    {
        // Each layer keeps activations and deltas for MaxBatchSize samples: 2 * (32 + 10) * 32 floats.
        Assert.Equal(32, BatchDigitsMlp.MaxBatchSize);
        Assert.Equal(4L * 2 * (32 + 10) * 32, BatchDigitsMlp.ActivationBytes);
        Assert.Equal(BatchDigitsMlp.ParameterBytes + BatchDigitsMlp.GradientBytes + BatchDigitsMlp.OptimizerStateBytes + BatchDigitsMlp.ActivationBytes, BatchDigitsMlp.RamBytes);

        // Without MaxBatchSize, one sample's worth, as before.
        Assert.Equal(0, DigitsMlp.MaxBatchSize);
        Assert.Equal(4L * 2 * (32 + 10), DigitsMlp.ActivationBytes);
    }

    /// <summary>Samples in one flat array (row-major), with labels and targets, and the mini-batch inside it.</summary>
    internal sealed class Batch
    {
        private readonly int _inputSize;
        private readonly int _outputSize;

        private Batch(float[] inputs, int[] labels, float[] targets, int first, int inputSize, int outputSize)
        {
            Inputs = inputs;
            Labels = labels;
            Targets = targets;
            First = first;
            _inputSize = inputSize;
            _outputSize = outputSize;
        }

        public float[] Inputs { get; }

        public int[] Labels { get; }

        public float[] Targets { get; }

        /// <summary>The mini-batch's first sample; the array overload is given it, the span overload a slice.</summary>
        public int First { get; }

        public static Batch Random(Random random, BatchCase layout, int batchSize, int extraSamples)
        {
            int samples = batchSize + (2 * extraSamples);
            var inputs = new float[samples * layout.InputSize];
            var labels = new int[samples];
            var targets = new float[samples * layout.OutputSize];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = (float)((random.NextDouble() * 2) - 1);
            }

            for (int s = 0; s < samples; s++)
            {
                labels[s] = random.Next(layout.OutputSize);
            }

            for (int i = 0; i < targets.Length; i++)
            {
                targets[i] = (float)random.NextDouble();
            }

            return new Batch(inputs, labels, targets, extraSamples, layout.InputSize, layout.OutputSize);
        }

        public float[] Input(int sample) => Inputs.AsSpan(sample * _inputSize, _inputSize).ToArray();

        public float[] Target(int sample) => Targets.AsSpan(sample * _outputSize, _outputSize).ToArray();

        public float Run(BatchCase layout, string loss, string overload, int batchSize, float weight)
        {
            if (overload == "Array")
            {
                return loss == "CrossEntropy"
                    ? layout.ArrayCrossEntropy(Inputs, Labels, First, batchSize, weight)
                    : layout.ArraySquaredError(Inputs, Targets, First, batchSize, weight);
            }

            ReadOnlySpan<float> inputs = Inputs.AsSpan(First * _inputSize, batchSize * _inputSize);
            return loss == "CrossEntropy"
                ? layout.BatchCrossEntropy(inputs, Labels.AsSpan(First, batchSize), batchSize, weight)
                : layout.BatchSquaredError(inputs, Targets.AsSpan(First * _outputSize, batchSize * _outputSize), batchSize, weight);
        }
    }
}
