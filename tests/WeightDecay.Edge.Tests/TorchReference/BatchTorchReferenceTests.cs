using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using WeightDecay.Edge.Tests.Dense;

namespace WeightDecay.Edge.Tests.TorchReference;

/// <summary>
/// Mini-batch training against real torch (batch_mlp.json, written by make_batch_reference.py with torch 1.13):
/// the 64-32-10 ReLU MLP, mini-batches of 8, cross-entropy and mean squared error with torch's mean reduction,
/// five AdamW steps. Each step is ZeroGrad, one mini-batch call with weight 1/8, Step, as
/// <c>zero_grad(); loss(model(x), y).backward(); step()</c> in torch.
/// </summary>
/// <remarks>
/// Not bit for bit: torch's matrix products (MKL-free Debian build: its own blocked kernels) and ours sum in
/// different orders. Tolerances: the first step's gradient to 1e-5 of its largest entry (the same reordering
/// bound as BatchPassTests); the loss to 1e-5 relative; parameters to 2e-5 absolute after each step. AdamW
/// moves a parameter by about lr = 0.01 per step whatever the gradient's size (m / sqrt(v) is about ±1), so
/// a gradient entry near zero could flip that step's direction on a rounding difference; the data make the
/// largest difference seen far smaller (about 1e-7), and 2e-5 is 0.2% of one step.
/// </remarks>
public class BatchTorchReferenceTests
{
    private const string File = "batch_mlp.json";

    [Theory]
    [InlineData("cross-entropy-adamw")]
    [InlineData("mean-squared-error-adamw")]
    public void Mini_batch_AdamW_trajectory_matches_torch(string name)
    {
        using JsonDocument document = Load();
        JsonElement root = document.RootElement;
        Assert.StartsWith("1.13", root.GetProperty("torch").GetString(), StringComparison.Ordinal);
        int batch = root.GetProperty("batch").GetInt32();
        JsonElement options = root.GetProperty("options");
        JsonElement reference = root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        bool crossEntropy = reference.GetProperty("loss").GetString() == "cross-entropy";

        var model = new BatchDigitsMlp();
        Floats(reference.GetProperty("initial")).CopyTo(model.Parameters, 0);
        var optimizer = new BatchDigitsMlp.AdamWOptimizer(model)
        {
            LearningRate = (float)options.GetProperty("lr").GetDouble(),
            Beta1 = (float)options.GetProperty("betas")[0].GetDouble(),
            Beta2 = (float)options.GetProperty("betas")[1].GetDouble(),
            Epsilon = (float)options.GetProperty("eps").GetDouble(),
            WeightDecay = (float)options.GetProperty("weight_decay").GetDouble(),
        };

        int stepNumber = 0;
        foreach (JsonElement step in reference.GetProperty("steps").EnumerateArray())
        {
            stepNumber++;
            float[] inputs = Floats(step.GetProperty("inputs"));
            int[] labels = step.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32()).ToArray();
            float[] targets = Floats(step.GetProperty("targets"));
            model.ZeroGrad();
            float loss = crossEntropy
                ? model.AccumulateCrossEntropyGradient(inputs, labels, batch, 1f / batch)
                : model.AccumulateMeanSquaredErrorGradient(inputs, targets, batch, 1f / batch);
            float expectedLoss = Parse(step.GetProperty("loss"));
            Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * Math.Max(1, Math.Abs(expectedLoss)), $"step {stepNumber}: loss {loss:R}, torch {expectedLoss:R}");
            if (stepNumber == 1)
            {
                float[] gradient = Floats(reference.GetProperty("firstGradient"));
                double scale = gradient.Max(g => Math.Abs(g));
                for (int j = 0; j < gradient.Length; j++)
                {
                    Assert.True(Math.Abs(model.Gradients[j] - gradient[j]) <= 1e-5 * scale, $"gradient {j}: {model.Gradients[j]:R}, torch {gradient[j]:R}");
                }
            }

            optimizer.Step();
            float[] expected = Floats(step.GetProperty("parameters"));
            for (int j = 0; j < expected.Length; j++)
            {
                Assert.True(Math.Abs(model.Parameters[j] - expected[j]) <= 2e-5, $"step {stepNumber}, parameter {j}: {model.Parameters[j]:R}, torch {expected[j]:R}");
            }
        }

        Assert.Equal(5, stepNumber);
    }

    private static JsonDocument Load()
    {
        using Stream stream = typeof(BatchTorchReferenceTests).Assembly.GetManifestResourceStream("TorchReference." + File)
            ?? throw new InvalidOperationException($"TorchReference.{File} is not embedded");
        return JsonDocument.Parse(stream);
    }

    private static float Parse(JsonElement value) => float.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(Parse).ToArray();
}
