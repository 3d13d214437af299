using System;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.TorchReference;

/// <summary>TorchReferenceLayout's tensors with three micro-batches per update: the layout make_accumulation_reference.py runs torch on.</summary>
[ModelLayout(GradientAccumulationSteps = 3)]
[Tensor("W", 4, 5)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7)]
[Sgd, Adam, AdamW]
public partial class AccumulationReferenceLayout
{
}

/// <summary>
/// Declared gradient accumulation against real torch (see make_accumulation_reference.py: three backward() calls summed
/// into <c>.grad</c>, <c>.grad.div_(3)</c>, <c>step()</c>). The caller here does what a loop that zeroes the gradients
/// each micro-batch does: it writes each micro-batch's gradient into <c>Gradients</c> and calls <c>Step()</c>, with no
/// scaling. Every case must match bit for bit after each update, on whichever SIMD path this machine runs.
/// </summary>
public class AccumulationReferenceTests
{
    private const string File = "accumulation.json";

    public static TheoryData<string> Cases() => new(TorchReferenceData.Cases(File).Select(c => c.Name));

    [Fact]
    public void The_reference_was_written_by_torch_1_13_with_three_micro_batches_per_update()
    {
        Assert.Equal(3, (int)TorchReferenceData.TopLevelNumber(File, "accumulation"));
        Assert.Equal(3, AccumulationReferenceLayout.AdamWOptimizer.GradientAccumulationSteps);
        TorchReferenceData.AssertWrittenByTorchFromTheInitialParameters(File, AccumulationReferenceLayout.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Updates_match_torch_bit_for_bit(string name)
    {
        TorchCase reference = TorchReferenceData.Case(File, name);
        var model = new AccumulationReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        IOptimizer optimizer = Create(model, reference);
        for (int update = 1; update <= reference.Steps; update++)
        {
            for (int r = 1; r <= 3; r++)
            {
                float[] before = (float[])model.Parameters.Clone();
                TorchReferenceData.SetGradients(model.Gradients, ((update - 1) * 3) + r);
                optimizer.Step();
                if (r < 3)
                {
                    Assert.Equal(before, model.Parameters); // a micro-batch only adds to the sum
                    Assert.Equal(update - 1, optimizer.StepCount);
                }
            }

            Assert.Equal(update, optimizer.StepCount);
            if (reference.Parameters.TryGetValue(update, out float[]? expected))
            {
                for (int i = 0; i < expected.Length; i++)
                {
                    FloatAssert.BitEqual(expected[i], model.Parameters[i], $"{name}, parameter {i} after update {update}");
                }
            }
        }
    }

    private static IOptimizer Create(AccumulationReferenceLayout model, TorchCase c)
    {
        float lr = (float)c.Number("lr"), weightDecay = (float)c.Number("weight_decay");
        return c.Optimizer switch
        {
            "sgd" => new AccumulationReferenceLayout.SgdOptimizer(model)
            {
                LearningRate = lr,
                Momentum = (float)c.Number("momentum"),
                Nesterov = c.Flag("nesterov"),
                WeightDecay = weightDecay,
                Maximize = c.Flag("maximize"),
            },
            "adam" => new AccumulationReferenceLayout.AdamOptimizer(model) { LearningRate = lr, WeightDecay = weightDecay, Amsgrad = c.Flag("amsgrad") },
            _ => new AccumulationReferenceLayout.AdamWOptimizer(model) { LearningRate = lr, WeightDecay = weightDecay },
        };
    }
}
