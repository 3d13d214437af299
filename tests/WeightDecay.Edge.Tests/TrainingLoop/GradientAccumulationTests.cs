using System;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.TorchReference;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>
/// <c>[ModelLayout(GradientAccumulationSteps = 3)]</c> around the rest of the step: an accumulating layout must take
/// bit for bit the steps of the same tensors without accumulation fed the mean ((g₁ + g₂) + g₃) / 3 computed here, with
/// clipping, the non-finite guard and schedules on; plus what the caller sees between updates, the reset, checkpoints,
/// the RAM count and allocation. The comparison with torch is AccumulationReferenceTests.
/// </summary>
public class GradientAccumulationTests
{
    private const int MicroBatches = 3;

    private static AccumulationReferenceLayout NewAccumulating()
    {
        var model = new AccumulationReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        return model;
    }

    private static TorchReferenceLayout NewPlain()
    {
        var model = new TorchReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        return model;
    }

    private static dynamic Configure(dynamic optimizer)
    {
        optimizer.LearningRate = 0.02f;
        optimizer.WeightDecay = 0.1f;
        optimizer.MaxGradientNorm = 2f;
        optimizer.SkipNonFiniteSteps = true;
        optimizer.Schedule = LearningRateSchedule.Step(4, 0.5f);
        optimizer.DecaySchedule = LearningRateSchedule.Step(3, 0.5f);
        return optimizer;
    }

    public static TheoryData<string> Kinds() => new() { "sgd", "adam", "adamw" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Steps_are_those_of_the_mean_gradient_with_clipping_the_guard_and_schedules(string kind)
    {
        AccumulationReferenceLayout accumulating = NewAccumulating();
        TorchReferenceLayout plain = NewPlain();
        IOptimizer a = Configure(kind switch
        {
            "sgd" => new AccumulationReferenceLayout.SgdOptimizer(accumulating) { Momentum = 0.9f },
            "adam" => new AccumulationReferenceLayout.AdamOptimizer(accumulating),
            _ => (object)new AccumulationReferenceLayout.AdamWOptimizer(accumulating),
        });
        IOptimizer b = Configure(kind switch
        {
            "sgd" => new TorchReferenceLayout.SgdOptimizer(plain) { Momentum = 0.9f },
            "adam" => new TorchReferenceLayout.AdamOptimizer(plain),
            _ => (object)new TorchReferenceLayout.AdamWOptimizer(plain),
        });
        var micro = new float[MicroBatches][];
        for (int update = 1; update <= 12; update++)
        {
            for (int r = 0; r < MicroBatches; r++)
            {
                micro[r] = new float[AccumulationReferenceLayout.ParameterCount];
                TorchReferenceData.SetGradients(micro[r], (update * MicroBatches) + r);
                if (update == 7 && r == 1)
                {
                    micro[r][3] = float.NaN; // one bad micro-batch: the guard skips the whole update
                }

                Array.Copy(micro[r], accumulating.Gradients, micro[r].Length);
                a.Step();
            }

            for (int i = 0; i < plain.Gradients.Length; i++)
            {
                plain.Gradients[i] = (micro[0][i] + micro[1][i] + micro[2][i]) / 3f;
            }

            b.Step();
            Assert.Equal(b.StepCount, a.StepCount);
            Assert.Equal(b.SkippedStepCount, a.SkippedStepCount);
            Assert.Equal(BitConverter.DoubleToInt64Bits(b.LastGradientNorm), BitConverter.DoubleToInt64Bits(a.LastGradientNorm));
            for (int i = 0; i < plain.Parameters.Length; i++)
            {
                FloatAssert.BitEqual(plain.Parameters[i], accumulating.Parameters[i], $"{kind}, parameter {i} after update {update}");
            }
        }

        Assert.Equal(1, a.SkippedStepCount);
        Assert.Equal(11, a.StepCount);
    }

    [Fact]
    public void The_applying_step_leaves_the_mean_in_the_trainable_gradients_and_the_frozen_one_alone()
    {
        AccumulationReferenceLayout model = NewAccumulating();
        var optimizer = new AccumulationReferenceLayout.AdamWOptimizer(model);
        var sum = new float[model.Gradients.Length];
        for (int r = 1; r <= MicroBatches; r++)
        {
            TorchReferenceData.SetGradients(model.Gradients, r);
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] = r == 1 ? model.Gradients[i] : sum[i] + model.Gradients[i];
            }

            Assert.Equal(r - 1, optimizer.AccumulatedMicroBatches);
            optimizer.Step();
        }

        Assert.Equal(0, optimizer.AccumulatedMicroBatches);
        var last = new float[sum.Length];
        TorchReferenceData.SetGradients(last, MicroBatches); // what the caller wrote before the applying step
        for (int i = 0; i < sum.Length; i++)
        {
            bool frozen = i >= AccumulationReferenceLayout.FOffset && i < AccumulationReferenceLayout.VOffset;
            FloatAssert.BitEqual(frozen ? last[i] : sum[i] / 3f, model.Gradients[i], $"gradient {i}");
        }
    }

    [Fact]
    public void ResetAccumulation_drops_the_micro_batches_summed_so_far()
    {
        AccumulationReferenceLayout model = NewAccumulating();
        AccumulationReferenceLayout fresh = NewAccumulating();
        var a = new AccumulationReferenceLayout.SgdOptimizer(model) { LearningRate = 0.1f };
        var b = new AccumulationReferenceLayout.SgdOptimizer(fresh) { LearningRate = 0.1f };
        TorchReferenceData.SetGradients(model.Gradients, 100);
        a.Step();
        a.Step();
        Assert.Equal(2, a.AccumulatedMicroBatches);
        a.ResetAccumulation();
        Assert.Equal(0, a.AccumulatedMicroBatches);
        for (int r = 1; r <= MicroBatches; r++)
        {
            TorchReferenceData.SetGradients(model.Gradients, r);
            TorchReferenceData.SetGradients(fresh.Gradients, r);
            a.Step();
            b.Step();
        }

        Assert.Equal(1, a.StepCount);
        Assert.Equal(fresh.Parameters, model.Parameters);
    }

    [Fact]
    public void A_checkpoint_holds_the_last_update_and_loading_one_starts_a_new_sum()
    {
        AccumulationReferenceLayout model = NewAccumulating();
        var optimizer = new AccumulationReferenceLayout.AdamOptimizer(model);
        for (int r = 1; r <= MicroBatches + 1; r++)
        {
            TorchReferenceData.SetGradients(model.Gradients, r);
            optimizer.Step();
        }

        Assert.Equal(1, optimizer.AccumulatedMicroBatches);
        var checkpoint = new byte[optimizer.CheckpointBytes];
        optimizer.SaveCheckpoint(checkpoint, 0);
        optimizer.Step();
        Assert.Equal(2, optimizer.AccumulatedMicroBatches);
        optimizer.LoadCheckpoint(checkpoint, 0, checkpoint.Length);
        Assert.Equal(0, optimizer.AccumulatedMicroBatches);
        Assert.Equal(1, optimizer.StepCount);

        // The accumulation is part of the layout: the same tensors without it refuse the checkpoint, unchanged.
        TorchReferenceLayout plain = NewPlain();
        var other = new TorchReferenceLayout.AdamOptimizer(plain);
        Assert.Equal(checkpoint.Length, other.CheckpointBytes);
        Assert.Throws<CheckpointMismatchException>(() => other.LoadCheckpoint(checkpoint, 0, checkpoint.Length));
        Assert.Equal(0, other.StepCount);
        Assert.Equal(TorchReferenceData.InitialParameter(0), plain.Parameters[0]);
    }

    [Fact]
    public void The_gradient_sum_is_counted_in_the_state_and_the_RAM()
    {
        // 46 trainable floats (W 20, B 5, V 21), 52 in all; the sum adds one float per trainable one to each optimizer.
        Assert.Equal(46, AccumulationReferenceLayout.TrainableParameterCount);
        Assert.Equal(4 * (1 + 1) * 46, (long)AccumulationReferenceLayout.SgdOptimizer.StateBytes);   // momentum + sum
        Assert.Equal(4 * (3 + 1) * 46, (long)AccumulationReferenceLayout.AdamWOptimizer.StateBytes); // m, v, max v + sum
        Assert.Equal(4 * (3 + 1) * 46, (long)AccumulationReferenceLayout.OptimizerStateBytes);
        Assert.Equal((4 * 52) + (4 * 52) + (4 * (3 + 1) * 46), (long)AccumulationReferenceLayout.RamBytes);
        Assert.Equal(4 * 3 * 46, (long)TorchReferenceLayout.AdamWOptimizer.StateBytes); // the same tensors without it
    }

    [Fact]
    public void Micro_batches_and_updates_allocate_nothing()
    {
        AccumulationReferenceLayout model = NewAccumulating();
        IOptimizer[] optimizers =
        {
            new AccumulationReferenceLayout.SgdOptimizer(model) { Momentum = 0.9f },
            new AccumulationReferenceLayout.AdamOptimizer(model) { Amsgrad = true },
            new AccumulationReferenceLayout.AdamWOptimizer(model) { MaxGradientNorm = 1f },
        };
        foreach (IOptimizer optimizer in optimizers)
        {
            TorchReferenceData.SetGradients(model.Gradients, 1);
            optimizer.Step();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 0; t < 30; t++)
            {
                TorchReferenceData.SetGradients(model.Gradients, t);
                optimizer.Step();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(optimizer.StepCount >= 10);
        }
    }
}
