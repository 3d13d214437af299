using System;
using WeightDecay.Edge;
using Xunit;

namespace WeightDecay.Edge.Tests.Checkpoints;

/// <summary>Save, then load into a fresh model and optimizer: the next steps are bit-identical.</summary>
public sealed class CheckpointRoundTripTests
{
    [Fact]
    public void AdamW_round_trip_continues_bit_identically()
    {
        var model = new MixedLayout();
        var optimizer = new MixedLayout.AdamWOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0.1f, Amsgrad = true };
        var random = new Random(7);
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = (float)(random.NextDouble() * 2 - 1);
        }

        for (int step = 0; step < 5; step++)
        {
            for (int i = 0; i < model.Gradients.Length; i++)
            {
                model.Gradients[i] = (float)(random.NextDouble() * 2 - 1);
            }

            optimizer.Step();
        }

        var buffer = new byte[optimizer.CheckpointBytes];
        Assert.Equal(buffer.Length, optimizer.SaveCheckpoint(buffer, 0));

        var restored = new MixedLayout();
        var restoredOptimizer = new MixedLayout.AdamWOptimizer(restored) { Amsgrad = true };
        restoredOptimizer.LoadCheckpoint(buffer, 0, buffer.Length);
        Assert.Equal(5, restoredOptimizer.StepCount);
        Assert.Equal(0.01f, restoredOptimizer.LearningRate);
        Assert.Equal(model.Parameters, restored.Parameters);

        for (int step = 0; step < 3; step++)
        {
            for (int i = 0; i < model.Gradients.Length; i++)
            {
                float g = (float)(random.NextDouble() * 2 - 1);
                model.Gradients[i] = g;
                restored.Gradients[i] = g;
            }

            optimizer.Step();
            restoredOptimizer.Step();
        }

        Assert.Equal(model.Parameters, restored.Parameters);
    }
}
