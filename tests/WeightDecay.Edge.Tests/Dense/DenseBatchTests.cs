using System;

namespace WeightDecay.Edge.Tests.Dense;

/// <summary>
/// Mini-batch accumulation: ZeroGrad, then one call per sample with weight 1 / batch size, gives
/// the mean of the per-sample gradients (to float rounding: 1e-6 relative to the largest entry).
/// </summary>
public class DenseBatchTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string layout in DenseCase.Names)
        {
            data.Add(layout, "CrossEntropy");
            data.Add(layout, "MeanSquaredError");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batch_accumulation_is_the_mean_of_per_sample_gradients(string layoutName, string loss)
    {
        const int BatchSize = 6;
        DenseCase layout = DenseCase.Create(layoutName);
        var random = new Random(21);
        DenseTestData.Initialize(layout, random);
        var inputs = new float[BatchSize][];
        var labels = new int[BatchSize];
        var targets = new float[BatchSize][];
        for (int s = 0; s < BatchSize; s++)
        {
            inputs[s] = DenseTestData.Vector(random, layout.InputSize);
            labels[s] = random.Next(layout.OutputSize);
            targets[s] = DenseTestData.Target(random, layout);
        }

        var mean = new double[layout.Gradients.Length];
        var losses = new float[BatchSize];
        for (int s = 0; s < BatchSize; s++)
        {
            layout.ZeroGrad();
            losses[s] = Accumulate(layout, loss, inputs[s], labels[s], targets[s], 1f);
            for (int j = 0; j < mean.Length; j++)
            {
                mean[j] += layout.Gradients[j] / (double)BatchSize;
            }
        }

        layout.ZeroGrad();
        double scale = 0;
        for (int s = 0; s < BatchSize; s++)
        {
            Assert.Equal(losses[s], Accumulate(layout, loss, inputs[s], labels[s], targets[s], 1f / BatchSize));
        }

        foreach (double value in mean)
        {
            scale = Math.Max(scale, Math.Abs(value));
        }

        for (int j = 0; j < mean.Length; j++)
        {
            Assert.True(Math.Abs(layout.Gradients[j] - mean[j]) <= 1e-6 * scale, $"entry {j}: {layout.Gradients[j]:R} vs mean {mean[j]:R}");
        }
    }

    [Fact]
    public void Accumulation_adds_to_what_Gradients_already_holds()
    {
        DenseCase layout = DenseCase.Create("TanhOutputMlp");
        var random = new Random(8);
        DenseTestData.Initialize(layout, random);
        float[] input = DenseTestData.Vector(random, layout.InputSize);
        float[] target = DenseTestData.Target(random, layout);
        layout.ZeroGrad();
        layout.MeanSquaredError(input, target, 1f);
        float[] once = (float[])layout.Gradients.Clone();
        float[] prior = DenseTestData.Vector(random, layout.Gradients.Length);
        Array.Copy(prior, layout.Gradients, prior.Length);
        layout.MeanSquaredError(input, target, 1f);
        for (int j = 0; j < prior.Length; j++)
        {
            Assert.Equal(prior[j] + once[j], layout.Gradients[j], 1e-6);
        }
    }

    private static float Accumulate(DenseCase layout, string loss, float[] input, int label, float[] target, float weight) =>
        loss == "CrossEntropy" ? layout.CrossEntropy(input, label, weight) : layout.MeanSquaredError(input, target, weight);
}
