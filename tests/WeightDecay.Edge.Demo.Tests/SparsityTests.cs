using System;
using System.Linq;

namespace WeightDecay.Edge.Demo.Tests;

public class SparsityTests
{
    private static readonly Digit[] Data = DigitsData.Load(Rows.ShippedDataPath);

    [Fact]
    public void The_histogram_counts_every_weight_once_and_exact_zeros_apart()
    {
        // Bins of 0.1 centred on -0.2, -0.1, 0, 0.1, 0.2; values beyond go to the outer bins.
        float[] weights = [0f, -0f, 1e-30f, 0.04f, -0.06f, 0.13f, 5f, -5f, -0.24f];

        WeightHistogram histogram = WeightHistogram.Make(weights, binWidth: 0.1, half: 2);

        Assert.Equal(2, histogram.Zeros);                 // +0 and -0, and not the tiny 1e-30
        Assert.Equal([2, 1, 2, 1, 1], histogram.Counts);  // -5 and -0.24 | -0.06 | 1e-30 and 0.04 | 0.13 | 5
        Assert.Equal(weights.Length, histogram.Zeros + histogram.Counts.Sum());
        Assert.Equal(-0.2, histogram.Centre(0), 12);
        Assert.Equal(0.0, histogram.Centre(2), 12);
    }

    [Fact]
    public void Each_L1_layout_declares_the_strength_it_is_listed_with_on_HiddenWeight_only()
    {
        var plain = new DigitsMlp();
        foreach (L1Layout layout in L1Layout.All)
        {
            IDigitsClassifier model = layout.Create();
            plain.Parameters.CopyTo(model.Parameters, 0);
            double hiddenAbs = model.Parameters.Take(2048).Sum(w => Math.Abs((double)w));

            // L1Penalty() is Σ λ₁·|w| over the tensors that declare L1: only HiddenWeight, the first 2,048 parameters.
            Assert.Equal(layout.Lambda1, model.L1Penalty() / hiddenAbs, 1e-6);
            Assert.Equal(plain.Tensors.Select(t => (t.Name, t.Offset, t.Length)), model.Tensors.Select(t => (t.Name, t.Offset, t.Length)));
        }

        Assert.Equal("HiddenWeight", plain.Tensors[Sparsity.HiddenWeightTensor].Name);
    }

    [Fact]
    public void The_L1_run_starts_like_the_L2_run_sees_its_batches_and_soft_thresholds_after_each_step()
    {
        Digit[] train = Data[..40];
        const int Seed = 7;
        const int Epochs = 3;
        var l1 = new DigitsMlpL1e2();

        float[] l1Start = Sparsity.Train(l1, m => new DigitsMlpL1e2.SgdOptimizer((DigitsMlpL1e2)m) { LearningRate = 0.05f, Momentum = 0.9f }, train, Epochs, Seed);

        // The reference: the plain layout, the same seed, its own loop (the sweep's order: init, then a shuffle
        // per epoch, batches of 16), and soft thresholding by (float)(lr·λ₁) written here after every step.
        var random = new Random(Seed);
        var reference = new DigitsMlp();
        reference.InitializeLikeTorch(random);
        float[] referenceStart = [.. reference.Parameters];
        var sgd = new DigitsMlp.SgdOptimizer(reference) { LearningRate = 0.05f, Momentum = 0.9f };
        float threshold = (float)((double)0.05f * 0.01);
        int[] order = Enumerable.Range(0, train.Length).ToArray();
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start < order.Length; start += 16)
            {
                int size = Math.Min(16, order.Length - start);
                reference.ZeroGrad();
                foreach (int i in order[start..(start + size)])
                {
                    reference.AccumulateCrossEntropyGradient(train[i].Pixels, train[i].Label, 1f / size);
                }

                sgd.Step();
                Span<float> hidden = reference.Parameters.AsSpan(0, 2048);
                for (int k = 0; k < hidden.Length; k++)
                {
                    hidden[k] = MathF.Sign(hidden[k]) * MathF.Max(MathF.Abs(hidden[k]) - threshold, 0f);
                }
            }
        }

        Assert.Equal(referenceStart, l1Start);
        Assert.Equal(reference.Parameters, l1.Parameters);
        Assert.Contains(0f, l1.Parameters.Take(2048));
    }

    [Fact]
    public void The_comparison_counts_the_zeros_it_reports_and_starts_all_runs_alike()
    {
        Options options = Options.Parse(["--epochs", "10", "--folds", "2", "--train-size", "60", "--seed", "4"]);
        var noSweep = new ExperimentResult(options, 60, Data.Length - 60, [], [], TimeSpan.Zero);

        SparsityResult result = Sparsity.Run(noSweep, Data, L1Layout.All);

        // The zero counts against an independent count of exact zeros in the weights each run ended with.
        foreach (SparsityRun run in new[] { result.NoDecay, result.L2, result.L1 })
        {
            Assert.Equal(run.HiddenWeight.Count(w => w == 0f), run.Zeros);
            Assert.Equal(2048, run.HiddenWeight.Length);
            Assert.Equal(Math.Sqrt(run.HiddenWeight.Sum(w => (double)w * w)), run.HiddenNorm, 12);
        }

        Assert.True(result.L1.Zeros > 0, "the L1 run has no exact zeros");
        Assert.Equal(0, result.L2.Zeros);
        Assert.Equal(result.NoDecay.Initial, result.L2.Initial);
        Assert.Equal(result.NoDecay.Initial, result.L1.Initial);
        Assert.NotEqual(result.L2.HiddenWeight, result.L1.HiddenWeight);

        // Without an SGD sweep the L2 λ is the stated default; λ₁ is the grid's lowest cross-validated loss.
        Assert.Null(result.L2CrossValidated);
        Assert.Equal(3e-3f, result.L2.Lambda);
        Assert.Equal(L1Layout.All.Select(l => l.Lambda1), result.Sweep.Select(p => p.Lambda1));
        Assert.Equal(result.Sweep.Min(p => p.ValidationLoss), result.Chosen.ValidationLoss);
        Assert.Equal(result.Chosen.Lambda1, result.L1.Lambda);
    }
}
