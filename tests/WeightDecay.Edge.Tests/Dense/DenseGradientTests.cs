using System;
using System.Linq;

namespace WeightDecay.Edge.Tests.Dense;

/// <summary>
/// The generated float passes against the independent double reference: the forward pass and the
/// loss to 1e-5 relative (to max(|value|, 1): an output that is a near-cancelling sum of terms of
/// order 1 is only accurate to a few float ulps of those terms), and every entry of the gradient
/// against central finite differences of the double loss.
/// </summary>
/// <remarks>
/// Gradient tolerance: |generated - finite difference| &lt;= 1e-4 |fd| + 2e-6 max|fd|. The finite
/// differences are good to about 1e-10; the rest is float rounding in the generated passes, whose
/// sums of products cancel to an absolute error of a few ulps of the largest term (hence the term
/// scaled by the largest gradient entry). Largest errors seen: under 2e-7 of max|fd|.
/// </remarks>
public class DenseGradientTests
{
    private const double ForwardTolerance = 1e-5;

    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (string layout in DenseCase.Names)
        {
            foreach (string loss in new[] { "CrossEntropy", "MeanSquaredError" })
            {
                foreach (int seed in new[] { 1, 2, 3 })
                {
                    data.Add(layout, loss, seed);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_gradient_entry_matches_central_differences_in_double(string layoutName, string loss, int seed)
    {
        DenseCase layout = DenseCase.Create(layoutName);
        var random = new Random(seed);
        DenseTestData.Initialize(layout, random);
        float[] input = DenseTestData.Vector(random, layout.InputSize);
        int label = random.Next(layout.OutputSize);
        float[] target = DenseTestData.Target(random, layout);
        double[] parameters = DoubleReference.ToDouble(layout.Parameters);
        double[] x = DoubleReference.ToDouble(input);
        double[] t = DoubleReference.ToDouble(target);
        Func<double[], double> referenceLoss = loss == "CrossEntropy"
            ? p => DoubleReference.CrossEntropy(DoubleReference.Output(layout.Layers, p, x), label)
            : p => DoubleReference.MeanSquaredError(DoubleReference.Output(layout.Layers, p, x), t);

        DoubleReference.Forward(layout.Layers, parameters, x, out double smallestReluInput);
        Assert.True(smallestReluInput > 1e-4, $"a ReLU input is {smallestReluInput:E2}, too close to the kink for finite differences");

        layout.ZeroGrad();
        float generatedLoss = loss == "CrossEntropy"
            ? layout.CrossEntropy(input, label, 1f)
            : layout.MeanSquaredError(input, target, 1f);
        double expectedLoss = referenceLoss(parameters);
        Assert.True(Math.Abs(generatedLoss - expectedLoss) <= ForwardTolerance * Math.Max(Math.Abs(expectedLoss), 1), $"loss {generatedLoss:R} vs reference {expectedLoss:R}");

        double[] expected = DoubleReference.FiniteDifferences(parameters, referenceLoss);
        double scale = expected.Max(Math.Abs);
        Assert.True(scale > 1e-3, "test bug: the gradient vanishes");
        int mismatches = 0;
        double worst = 0;
        for (int j = 0; j < expected.Length; j++)
        {
            double error = Math.Abs(layout.Gradients[j] - expected[j]);
            worst = Math.Max(worst, error / scale);
            if (error > (1e-4 * Math.Abs(expected[j])) + (2e-6 * scale))
            {
                mismatches++;
            }
        }

        Assert.True(mismatches == 0, $"{mismatches} of {expected.Length} gradient entries off; worst error {worst:E2} of max|fd| = {scale:E2}");
        foreach ((int offset, int length) in layout.OtherTensors)
        {
            Assert.All(layout.Gradients.Skip(offset).Take(length), g => Assert.Equal(0f, g));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_Predict_match_the_double_reference(string layoutName, string loss, int seed)
    {
        _ = loss;
        DenseCase layout = DenseCase.Create(layoutName);
        var random = new Random(seed * 7919);
        DenseTestData.Initialize(layout, random);
        for (int sample = 0; sample < 5; sample++)
        {
            float[] input = DenseTestData.Vector(random, layout.InputSize);
            double[] expected = DoubleReference.Output(layout.Layers, DoubleReference.ToDouble(layout.Parameters), DoubleReference.ToDouble(input));
            var output = new float[layout.OutputSize];
            layout.Forward(input, output);
            for (int o = 0; o < output.Length; o++)
            {
                double tolerance = ForwardTolerance * Math.Max(Math.Abs(expected[o]), 1);
                Assert.True(Math.Abs(output[o] - expected[o]) <= tolerance, $"output {o}: {output[o]:R} vs reference {expected[o]:R}");
            }

            int argmax = Array.IndexOf(expected, expected.Max());
            Assert.Equal(argmax, layout.Predict(input));
        }
    }

    [Fact]
    public void Weight_scales_the_accumulated_gradient_but_not_the_returned_loss()
    {
        DenseCase layout = DenseCase.Create("AllActivationsMlp");
        var random = new Random(5);
        DenseTestData.Initialize(layout, random);
        float[] input = DenseTestData.Vector(random, layout.InputSize);
        layout.ZeroGrad();
        float unweighted = layout.CrossEntropy(input, 2, 1f);
        float[] full = (float[])layout.Gradients.Clone();
        layout.ZeroGrad();
        float weighted = layout.CrossEntropy(input, 2, 0.25f);
        Assert.Equal(unweighted, weighted);
        for (int j = 0; j < full.Length; j++)
        {
            Assert.True(Math.Abs(layout.Gradients[j] - (0.25f * full[j])) <= 1e-7 + (1e-6 * Math.Abs(full[j])), $"entry {j}");
        }
    }

    [Fact]
    public void Cross_entropy_is_stable_for_huge_logits()
    {
        var model = new DigitsMlp();
        var random = new Random(11);
        DenseCase layout = DenseCase.Create("DigitsMlp");
        DenseTestData.Initialize(layout, random);
        Array.Copy(layout.Parameters, model.Parameters, DigitsMlp.ParameterCount);
        model.Parameters[DigitsMlp.OutputBiasOffset + 3] = 1e4f;
        model.Parameters[DigitsMlp.OutputBiasOffset + 5] = -1e4f;
        float[] input = DenseTestData.Vector(random, DigitsMlp.InputSize);
        double[] logits = DoubleReference.Output(layout.Layers, DoubleReference.ToDouble(model.Parameters), DoubleReference.ToDouble(input));

        model.ZeroGrad();
        float right = model.AccumulateCrossEntropyGradient(input, 3, 1f);
        float wrong = model.AccumulateCrossEntropyGradient(input, 5, 1f);
        Assert.Equal(0f, right); // softmax puts all mass on class 3: exp(-1e4) underflows to 0
        Assert.Equal(DoubleReference.CrossEntropy(logits, 5), wrong, 1e-5 * 2e4);
        Assert.All(model.Gradients, g => Assert.True(float.IsFinite(g)));
        Assert.Equal(-1f, model.Gradients[DigitsMlp.OutputBiasOffset + 5]); // softmax - onehot: 0 - 1
        Assert.Equal(1f, model.Gradients[DigitsMlp.OutputBiasOffset + 3]);  // 1 - 0
    }
}
