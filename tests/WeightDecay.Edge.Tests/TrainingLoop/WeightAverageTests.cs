using System;
using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.TorchReference;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>
/// <c>[ModelLayout(EmaDecay = d)]</c> around the rest of the optimizer: <c>CopyAveragedTo</c>'s checks, a skipped step,
/// checkpoints, the RAM count and allocation. The bitwise comparison with torch is EmaReferenceTests.
/// </summary>
public class WeightAverageTests
{
    private static EmaReferenceLayout09 NewModel()
    {
        var model = new EmaReferenceLayout09();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        return model;
    }

    [Fact]
    public void CopyAveragedTo_refuses_a_null_or_wrong_length_destination_and_leaves_it_unchanged()
    {
        var optimizer = new EmaReferenceLayout09.AdamWOptimizer(NewModel());
        Assert.Throws<ArgumentNullException>(() => optimizer.CopyAveragedTo(null!));
        foreach (int length in new[] { 0, EmaReferenceLayout09.ParameterCount - 1, EmaReferenceLayout09.ParameterCount + 1 })
        {
            float[] destination = new float[length];
            Array.Fill(destination, 7f);
            Assert.Throws<ArgumentException>(() => optimizer.CopyAveragedTo(destination));
            Assert.All(destination, value => Assert.Equal(7f, value));
        }
    }

    [Fact]
    public void The_first_step_copies_a_skipped_step_leaves_the_average_and_frozen_values_come_from_the_model()
    {
        EmaReferenceLayout09 model = NewModel();
        var optimizer = new EmaReferenceLayout09.SgdOptimizer(model) { LearningRate = 0.1f, SkipNonFiniteSteps = true };
        TorchReferenceData.SetGradients(model.Gradients, 1);
        optimizer.Step();
        var average = new float[EmaReferenceLayout09.ParameterCount];
        optimizer.CopyAveragedTo(average);
        Assert.Equal(model.Parameters, average); // the first update copies

        TorchReferenceData.SetGradients(model.Gradients, 2);
        optimizer.Step();
        var second = new float[average.Length];
        optimizer.CopyAveragedTo(second);
        for (int i = 0; i < second.Length; i++)
        {
            bool frozen = i >= EmaReferenceLayout09.FOffset && i < EmaReferenceLayout09.VOffset;
            if (!frozen)
            {
                // avg + 0.1·(p − avg), fused, from the copy of step 1.
                FloatAssert.BitEqual(MathF.FusedMultiplyAdd(model.Parameters[i] - average[i], 0.1f, average[i]), second[i], $"average {i}");
            }
        }

        model.Parameters[EmaReferenceLayout09.FOffset] = 42f; // frozen: always the model's value
        model.Gradients[0] = float.NaN;
        optimizer.Step();
        Assert.Equal(1, optimizer.SkippedStepCount);
        var third = new float[average.Length];
        optimizer.CopyAveragedTo(third);
        Assert.Equal(42f, third[EmaReferenceLayout09.FOffset]);
        third[EmaReferenceLayout09.FOffset] = second[EmaReferenceLayout09.FOffset];
        Assert.Equal(second, third); // the skipped step did not move the average
    }

    [Fact]
    public void A_checkpoint_holds_the_average_and_other_layouts_refuse_it()
    {
        EmaReferenceLayout09 model = NewModel();
        var optimizer = new EmaReferenceLayout09.AdamOptimizer(model);
        for (int t = 1; t <= 5; t++)
        {
            TorchReferenceData.SetGradients(model.Gradients, t);
            optimizer.Step();
        }

        var saved = new float[EmaReferenceLayout09.ParameterCount];
        optimizer.CopyAveragedTo(saved);
        var checkpoint = new byte[optimizer.CheckpointBytes];
        optimizer.SaveCheckpoint(checkpoint, 0);
        TorchReferenceData.SetGradients(model.Gradients, 6);
        optimizer.Step();

        var restoredModel = new EmaReferenceLayout09();
        var restored = new EmaReferenceLayout09.AdamOptimizer(restoredModel);
        restored.LoadCheckpoint(checkpoint, 0, checkpoint.Length);
        var average = new float[saved.Length];
        restored.CopyAveragedTo(average);
        Assert.Equal(saved, average);

        // And the next step of the restored optimizer is the original's sixth, average included.
        TorchReferenceData.SetGradients(restoredModel.Gradients, 6);
        restored.Step();
        var expected = new float[saved.Length];
        optimizer.CopyAveragedTo(expected);
        restored.CopyAveragedTo(average);
        Assert.Equal(expected, average);

        // The same tensors with another decay, or without an average, are other layouts.
        var other = new EmaReferenceLayout03.AdamOptimizer(new EmaReferenceLayout03());
        Assert.Throws<CheckpointMismatchException>(() => other.LoadCheckpoint(checkpoint, 0, checkpoint.Length));
        Assert.Equal(0, other.StepCount);
        Assert.NotEqual(checkpoint.Length, new TorchReferenceLayout.AdamOptimizer(new TorchReferenceLayout()).CheckpointBytes);
    }

    [Fact]
    public void The_average_is_counted_in_the_state_and_the_RAM()
    {
        // 46 trainable floats; the average adds one per trainable float to each optimizer.
        Assert.Equal(4 * (1 + 1) * 46, (long)EmaReferenceLayout09.SgdOptimizer.StateBytes);
        Assert.Equal(4 * (3 + 1) * 46, (long)EmaReferenceLayout09.AdamWOptimizer.StateBytes);
        Assert.Equal(4 * (3 + 1) * 46, (long)EmaReferenceLayout09.OptimizerStateBytes);
        Assert.Equal((4 * 52) + (4 * 52) + (4 * (3 + 1) * 46), (long)EmaReferenceLayout09.RamBytes);
    }

    [Fact]
    public void Steps_and_CopyAveragedTo_allocate_nothing()
    {
        EmaReferenceLayout09 model = NewModel();
        IOptimizer[] optimizers =
        {
            new EmaReferenceLayout09.SgdOptimizer(model) { Momentum = 0.9f },
            new EmaReferenceLayout09.AdamOptimizer(model) { Amsgrad = true },
            new EmaReferenceLayout09.AdamWOptimizer(model),
        };
        var average = new float[EmaReferenceLayout09.ParameterCount];
        foreach (IOptimizer optimizer in optimizers)
        {
            Action<float[]> copyAveraged = optimizer switch
            {
                EmaReferenceLayout09.SgdOptimizer sgd => sgd.CopyAveragedTo,
                EmaReferenceLayout09.AdamOptimizer adam => adam.CopyAveragedTo,
                EmaReferenceLayout09.AdamWOptimizer adamW => adamW.CopyAveragedTo,
                _ => throw new InvalidOperationException(),
            };
            TorchReferenceData.SetGradients(model.Gradients, 1);
            optimizer.Step();
            copyAveraged(average);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 2; t < 30; t++)
            {
                optimizer.Step();
                copyAveraged(average);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
        }
    }
}
