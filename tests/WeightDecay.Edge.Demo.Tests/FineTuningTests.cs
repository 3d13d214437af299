using System.Linq;

namespace WeightDecay.Edge.Demo.Tests;

public class FineTuningTests
{
    [Fact]
    public void Shifting_moves_pixels_right_and_down_and_fills_with_zeros()
    {
        var pixels = new float[64];
        pixels[0] = 1f;           // row 0, column 0
        pixels[(3 * 8) + 7] = 2f; // row 3, column 7: moves off the right edge
        var digit = new Digit(pixels, 4);

        Digit shifted = DigitShift.Shift(digit, dx: 2, dy: 1);

        Assert.Equal(4, shifted.Label);
        Assert.Equal(1f, shifted.Pixels[(1 * 8) + 2]);
        Assert.Equal(1f, shifted.Pixels.Sum());
        Assert.Equal(3f, pixels.Sum()); // the original is untouched
    }

    [Fact]
    public void The_fine_tuning_split_keeps_the_four_sets_disjoint_and_takes_k_per_digit()
    {
        Digit[] data = Enumerable.Range(0, 300).Select(i => new Digit(new float[64], i % 10)).ToArray();

        FineTuneSplit split = FineTuneSplit.Make(data, fineTunePerClass: 5, seed: 3);

        int[][] sets = [split.PreTrain, split.OldTest, split.FineTune, split.NewTest];
        Assert.Equal(Enumerable.Range(0, 300), sets.SelectMany(s => s).Order());
        Assert.All(Enumerable.Range(0, 10), label => Assert.Equal(5, split.FineTune.Count(i => data[i].Label == label)));
        // 30 images per digit: 5 to fine-tune on, then a quarter of the other 25 (6) for each test set.
        Assert.Equal(60, split.OldTest.Length);
        Assert.Equal(60, split.NewTest.Length);
        Assert.Equal(130, split.PreTrain.Length);
    }

    [Fact]
    public void The_new_task_views_are_the_shifted_images_and_the_old_task_views_the_originals()
    {
        Digit[] data = Enumerable.Range(0, 3).Select(i => new Digit(Enumerable.Range(0, 64).Select(p => (float)(p + i)).ToArray(), i)).ToArray();

        Digit[] shifted = FineTuneSplit.View(data, [2, 0], 1, 0);
        Digit[] same = FineTuneSplit.View(data, [1], 0, 0);

        Assert.Equal(DigitShift.Shift(data[2], 1, 0).Pixels, shifted[0].Pixels);
        Assert.Equal(0f, shifted[1].Pixels[8]);            // row 1, column 0: shifted in
        Assert.Equal(data[0].Pixels[8], shifted[1].Pixels[9]);
        Assert.Same(data[1], same[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Fine_tuning_trains_a_copy_and_leaves_the_pre_trained_model_as_it_was(int arm)
    {
        DigitsMlp preTrained = PreTrained();
        float[] before = [.. preTrained.Parameters];

        IDigitsClassifier tuned = FineTuning.FineTune(preTrained, FineTuneArm.All[arm], 0.01f, Samples(), seed: 1);

        Assert.Equal(before, preTrained.Parameters);
        Assert.NotEqual(before, tuned.Parameters);
    }

    [Fact]
    public void At_λ_0_the_three_arms_train_the_same_weights_bit_for_bit()
    {
        DigitsMlp preTrained = PreTrained();

        float[][] tuned = FineTuneArm.All.Select(arm => FineTuning.FineTune(preTrained, arm, 0f, Samples(), seed: 2).Parameters).ToArray();

        Assert.Equal(tuned[0], tuned[1]);
        Assert.Equal(tuned[0], tuned[2]);
    }

    [Fact]
    public void Decay_toward_pre_trained_anchors_at_the_pre_trained_weights_and_stays_nearer_them_than_the_other_arms()
    {
        DigitsMlp preTrained = PreTrained();
        FineTuneArm none = FineTuneArm.All.Single(a => a.Name == "no decay");
        FineTuneArm zero = FineTuneArm.All.Single(a => a.Name == "decay toward zero");
        FineTuneArm anchor = FineTuneArm.All.Single(a => a.Name == "decay toward pre-trained");

        var free = (DigitsMlp)FineTuning.FineTune(preTrained, none, 0f, Samples(), seed: 3);
        var shrunk = (DigitsMlp)FineTuning.FineTune(preTrained, zero, 0.3f, Samples(), seed: 3);
        var held = (DigitsMlpSp)FineTuning.FineTune(preTrained, anchor, 0.3f, Samples(), seed: 3);

        Assert.Equal(preTrained.HiddenWeight.ToArray(), held.HiddenWeightAnchor.ToArray());
        Assert.Equal(preTrained.OutputWeight.ToArray(), held.OutputWeightAnchor.ToArray());
        double freeDistance = Distance(free.HiddenWeight, preTrained);
        Assert.True(Distance(held.HiddenWeight, preTrained) < 0.5 * freeDistance, $"anchored {Distance(held.HiddenWeight, preTrained)}, free {freeDistance}");
        Assert.True(Distance(shrunk.HiddenWeight, preTrained) > Distance(held.HiddenWeight, preTrained));
        Assert.True(shrunk.WeightSquaredNorm() < free.WeightSquaredNorm());
    }

    /// <summary>A digits MLP initialised like torch.nn.Linear, standing in for a pre-trained one.</summary>
    private static DigitsMlp PreTrained()
    {
        var model = new DigitsMlp();
        model.InitializeLikeTorch(new System.Random(7));
        return model;
    }

    /// <summary>Twenty fixed pseudo-images, two per digit.</summary>
    private static Digit[] Samples() =>
        Enumerable.Range(0, 20).Select(i => new Digit(Enumerable.Range(0, 64).Select(p => ((p * 7) + i) % 5 / 4f).ToArray(), i % 10)).ToArray();

    /// <summary>Σ(w − w₀)² over the hidden weight, in double.</summary>
    private static double Distance(System.ReadOnlySpan<float> weights, DigitsMlp preTrained)
    {
        System.ReadOnlySpan<float> start = preTrained.HiddenWeight;
        double sum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double d = (double)weights[i] - start[i];
            sum += d * d;
        }

        return sum;
    }

    [Fact]
    public void Each_arm_gets_the_λ_with_the_lowest_cross_validated_loss()
    {
        Digit[] data = DigitsData.Load(DigitsData.DefaultPath());

        FineTuneResult result = FineTuning.Run(data, seed: 1, FineTuneArm.All);

        Assert.Equal(FineTuneArm.All.Select(a => a.Name), result.Arms.Select(a => a.Name));
        foreach (FineTuneArmResult arm in result.Arms)
        {
            Assert.Equal(arm.Path.Min(p => p.CrossValidatedLoss), arm.Chosen.CrossValidatedLoss);
            Assert.Equal(FineTuneArm.All.Single(a => a.Name == arm.Name).Grid, arm.Path.Select(p => p.Lambda));
        }
    }
}
