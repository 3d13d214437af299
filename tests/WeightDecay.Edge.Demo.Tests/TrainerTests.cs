using System;
using System.Linq;

namespace WeightDecay.Edge.Demo.Tests;

public class TrainerTests
{
    private static readonly Digit[] Data = DigitsData.Load(Rows.ShippedDataPath);

    private static Digit[] Subset(int count) => Data.Take(count).ToArray();

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Training_reduces_the_loss(OptimizerKind optimizer)
    {
        Digit[] train = Subset(100);
        var untrained = new DigitsMlp();
        untrained.InitializeLikeTorch(new Random(5));
        Evaluation before = Trainer.Evaluate(untrained, train);

        DigitsMlp model = Trainer.Train(train, new TrainConfig(optimizer, 1e-3f, Epochs: 5, Seed: 5));
        Evaluation after = Trainer.Evaluate(model, train);

        Assert.True(before.Loss > 2.0, $"untrained loss {before.Loss}"); // About ln 10 at initialisation.
        Assert.True(after.Loss < before.Loss / 2, $"loss {before.Loss} -> {after.Loss}");
        Assert.True(after.Accuracy > 0.7, $"accuracy {after.Accuracy}");
    }

    [Fact]
    public void Training_reports_every_epoch_and_the_loss_falls()
    {
        var curve = new System.Collections.Generic.List<EpochStats>();
        Trainer.Train(Subset(100), new TrainConfig(OptimizerKind.Adam, 0f, Epochs: 4, Seed: 2), Data[100..200], curve.Add);

        Assert.Equal([1, 2, 3, 4], curve.Select(e => e.Epoch));
        Assert.True(curve[^1].Train.Loss < curve[0].Train.Loss);
        Assert.True(curve[^1].Validation.Loss < curve[0].Validation.Loss);
    }

    [Fact]
    public void Training_is_deterministic_in_the_seed()
    {
        DigitsMlp a = Trainer.Train(Subset(64), new TrainConfig(OptimizerKind.AdamW, 0.1f, 2, Seed: 9));
        DigitsMlp b = Trainer.Train(Subset(64), new TrainConfig(OptimizerKind.AdamW, 0.1f, 2, Seed: 9));
        DigitsMlp c = Trainer.Train(Subset(64), new TrainConfig(OptimizerKind.AdamW, 0.1f, 2, Seed: 10));

        Assert.Equal(a.Parameters, b.Parameters);
        Assert.NotEqual(a.Parameters, c.Parameters);
    }

    [Fact]
    public void Adam_and_AdamW_are_the_same_without_decay()
    {
        DigitsMlp adam = Trainer.Train(Subset(64), new TrainConfig(OptimizerKind.Adam, 0f, 2, Seed: 4));
        DigitsMlp adamW = Trainer.Train(Subset(64), new TrainConfig(OptimizerKind.AdamW, 0f, 2, Seed: 4));

        Assert.Equal(adam.Parameters, adamW.Parameters);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, 0.03f)]
    [InlineData(OptimizerKind.Adam, 0.03f)]
    [InlineData(OptimizerKind.AdamW, 1f)]
    public void Decay_shrinks_the_weight_norm(OptimizerKind optimizer, float lambda)
    {
        DigitsMlp free = Trainer.Train(Subset(100), new TrainConfig(optimizer, 0f, 10, Seed: 3));
        DigitsMlp decayed = Trainer.Train(Subset(100), new TrainConfig(optimizer, lambda, 10, Seed: 3));

        Assert.True(decayed.WeightSquaredNorm() < 0.8 * free.WeightSquaredNorm(), $"{decayed.WeightSquaredNorm()} vs {free.WeightSquaredNorm()}");
        // The norm covers the two weight matrices only.
        double byHand = decayed.Parameters.Take(2048).Concat(decayed.Parameters.Skip(2080).Take(320)).Sum(w => (double)w * w);
        Assert.Equal(byHand, decayed.WeightSquaredNorm(), 9);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Only_the_weight_matrices_are_decayed(OptimizerKind optimizer)
    {
        var model = new DigitsMlp();
        Array.Fill(model.Parameters, 1f);
        IOptimizer step = Trainer.CreateOptimizer(model, optimizer, 0.5f);
        model.ZeroGrad();

        step.Step(); // Zero gradient: only the decay moves anything.

        Assert.All(model.HiddenWeight.ToArray().Concat(model.OutputWeight.ToArray()), w => Assert.True(w < 1f));
        Assert.All(model.HiddenBias.ToArray().Concat(model.OutputBias.ToArray()), b => Assert.Equal(1f, b));
    }

    [Fact]
    public void Evaluation_matches_a_hand_computed_cross_entropy()
    {
        var model = new DigitsMlp();
        Array.Clear(model.Parameters); // The constructor initialises like torch.nn.Linear; all zero, every logit is 0 and the softmax uniform.
        Evaluation e = Trainer.Evaluate(model, Subset(10));

        Assert.Equal(Math.Log(10), e.Loss, 6);
    }

    [Fact]
    public void Initialisation_follows_torch_linear_bounds()
    {
        var model = new DigitsMlp();
        model.InitializeLikeTorch(new Random(1));

        Assert.All(model.Parameters.Take(DigitsMlp.HiddenWeightLength + DigitsMlp.HiddenBiasLength), w => Assert.InRange(Math.Abs(w), 0, 1 / 8f));
        Assert.All(model.Parameters.Skip(DigitsMlp.OutputWeightOffset), w => Assert.InRange(Math.Abs(w), 0, 1 / MathF.Sqrt(32)));
        Assert.True(model.Parameters.Count(w => w != 0) > 2400);
    }
}
