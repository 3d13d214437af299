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

    [Fact]
    public void Fine_tuning_trains_a_copy_and_leaves_the_pre_trained_model_as_it_was()
    {
        var preTrained = new DigitsMlp();
        float[] before = [.. preTrained.Parameters];
        Digit[] samples = Enumerable.Range(0, 20).Select(i => new Digit(Enumerable.Range(0, 64).Select(p => ((p * 7) + i) % 5 / 4f).ToArray(), i % 10)).ToArray();

        DigitsMlp tuned = FineTuning.FineTune(preTrained, FineTuneArm.All[1], 0.01f, samples, seed: 1);

        Assert.Equal(before, preTrained.Parameters);
        Assert.NotEqual(before, tuned.Parameters);
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
