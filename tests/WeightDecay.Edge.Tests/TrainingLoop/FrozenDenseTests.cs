using System;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>A frozen feature layer in front of a trainable head, as in on-device fine-tuning.</summary>
[ModelLayout]
[Dense("Features", 6, 5, Activation = Activation.Tanh, Trainable = false)]
[Dense("Head", 5, 3)]
[Sgd, AdamW]
public partial class FrozenFeaturesMlp
{
}

/// <summary>The same network with every layer trainable.</summary>
[ModelLayout]
[Dense("Features", 6, 5, Activation = Activation.Tanh)]
[Dense("Head", 5, 3)]
[Sgd, AdamW]
public partial class TrainableFeaturesMlp
{
}

/// <summary>A frozen last layer: deltas still flow through it to the trainable first layer.</summary>
[ModelLayout]
[Dense("First", 4, 3, Activation = Activation.ReLU)]
[Dense("Last", 3, 2, Trainable = false)]
[Sgd]
public partial class FrozenLastMlp
{
}

/// <summary>The same network with every layer trainable.</summary>
[ModelLayout]
[Dense("First", 4, 3, Activation = Activation.ReLU)]
[Dense("Last", 3, 2)]
[Sgd]
public partial class TrainableLastMlp
{
}

public class FrozenDenseTests
{
    [Fact]
    public void A_frozen_layer_counts_as_frozen_and_gets_no_state()
    {
        Assert.Equal(30 + 5, FrozenFeaturesMlp.FrozenParameterCount);
        Assert.Equal(15 + 3, FrozenFeaturesMlp.TrainableParameterCount);
        Assert.Equal(12 * 18, FrozenFeaturesMlp.AdamWOptimizer.StateBytes);
        Assert.Equal(6 + 2, FrozenLastMlp.FrozenParameterCount);
    }

    [Fact]
    public void Frozen_first_layer_gets_no_gradients_and_the_head_gets_the_same_ones()
    {
        var frozen = new FrozenFeaturesMlp();
        var trainable = new TrainableFeaturesMlp();
        TrainingLoopHarness.Fill(frozen.Parameters, new Random(4));
        frozen.CopyParametersTo(trainable.Parameters);
        float[] input = { 0.5f, -1f, 0.25f, 2f, -0.75f, 0.1f };
        float lossFrozen = frozen.AccumulateCrossEntropyGradient(input, 2, 1f);
        float lossTrainable = trainable.AccumulateCrossEntropyGradient(input, 2, 1f);

        Assert.Equal(lossTrainable, lossFrozen);
        for (int i = 0; i < FrozenFeaturesMlp.HeadWeightOffset; i++)
        {
            Assert.Equal(0f, frozen.Gradients[i]); // Features weight and bias: not computed.
            Assert.NotEqual(0f, trainable.Gradients[i]);
        }

        for (int i = FrozenFeaturesMlp.HeadWeightOffset; i < FrozenFeaturesMlp.ParameterCount; i++)
        {
            Assert.Equal(trainable.Gradients[i], frozen.Gradients[i]);
        }

        float[] before = (float[])frozen.Parameters.Clone();
        new FrozenFeaturesMlp.AdamWOptimizer(frozen) { LearningRate = 0.1f }.Step();
        for (int i = 0; i < FrozenFeaturesMlp.HeadWeightOffset; i++)
        {
            Assert.Equal(before[i], frozen.Parameters[i]);
        }
    }

    [Fact]
    public void Frozen_last_layer_still_backpropagates_into_the_first()
    {
        var frozen = new FrozenLastMlp();
        var trainable = new TrainableLastMlp();
        TrainingLoopHarness.Fill(frozen.Parameters, new Random(8));
        frozen.CopyParametersTo(trainable.Parameters);
        float[] input = { 0.3f, -0.2f, 0.9f, 0.4f };
        float[] target = { 0.5f, -0.5f };
        frozen.AccumulateMeanSquaredErrorGradient(input, target, 1f);
        trainable.AccumulateMeanSquaredErrorGradient(input, target, 1f);
        for (int i = 0; i < FrozenLastMlp.LastWeightOffset; i++)
        {
            Assert.Equal(trainable.Gradients[i], frozen.Gradients[i]);
        }

        for (int i = FrozenLastMlp.LastWeightOffset; i < FrozenLastMlp.ParameterCount; i++)
        {
            Assert.Equal(0f, frozen.Gradients[i]);
        }
    }
}
