using System;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.TorchReference;

/// <summary>
/// Checks on lambda_lr.json, torch's <c>LambdaLR(optimizer, lambda step: 0.95 ** step * (1 if step &lt; 20 else 0.5))</c>
/// (scheduler.step() after each optimizer.step()): the stepping convention the file records, that C# reproduces
/// the lambda's doubles exactly, and that setting <c>LearningRate</c> to torch's lr before each step follows torch's
/// trajectory within float rounding (the property keeps the decimal of a float, not torch's double), while a
/// <see cref="LearningRateSchedule"/> subclass whose <c>Multiplier(step)</c> is the lambda matches it bit for bit.
/// </summary>
public class LambdaLrReferenceTests
{
    private const string LambdaFile = "lambda_lr.json";

    /// <summary>The lambda, in C#: Math.Pow calls the same C library pow that Python's ** does.</summary>
    public static double Lambda(long step) => Math.Pow(0.95, step) * (step < 20 ? 1 : 0.5);

    public static TheoryData<string> Cases() => new(Array.ConvertAll(TorchReferenceData.Cases(LambdaFile), c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_t_uses_base_lr_times_lambda_of_the_completed_steps(string name)
    {
        TorchCase reference = TorchReferenceData.Case(LambdaFile, name);
        double baseLr = reference.Number("lr");
        Assert.Equal(reference.Steps, reference.LearningRates.Length);
        for (int t = 1; t <= reference.Steps; t++)
        {
            // StepCount before step t is t - 1: the library's Multiplier(StepCount) is LambdaLR's lambda(last_epoch).
            Assert.Equal(BitConverter.DoubleToInt64Bits(Lambda(t - 1)), BitConverter.DoubleToInt64Bits(reference.Multipliers[t - 1]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(baseLr * Lambda(t - 1)), BitConverter.DoubleToInt64Bits(reference.LearningRates[t - 1]));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Setting_LearningRate_before_each_step_follows_torch_within_float_rounding(string name)
    {
        TorchCase reference = TorchReferenceData.Case(LambdaFile, name);
        var model = new TorchReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        Action<float> setLearningRate;
        Action step;
        if (reference.Optimizer == "sgd")
        {
            var sgd = new TorchReferenceLayout.SgdOptimizer(model) { Momentum = (float)reference.Number("momentum"), WeightDecay = (float)reference.Number("weight_decay") };
            (setLearningRate, step) = (lr => sgd.LearningRate = lr, sgd.Step);
        }
        else
        {
            var adamW = new TorchReferenceLayout.AdamWOptimizer(model) { WeightDecay = (float)reference.Number("weight_decay") };
            (setLearningRate, step) = (lr => adamW.LearningRate = lr, adamW.Step);
        }

        for (int t = 1; t <= reference.Steps; t++)
        {
            setLearningRate((float)reference.LearningRates[t - 1]);
            TorchReferenceData.SetGradients(model.Gradients, t);
            step();
            if (reference.Parameters.TryGetValue(t, out float[]? expected))
            {
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.True(Math.Abs(expected[i] - model.Parameters[i]) <= 1e-6, $"{name}, step {t}, parameter {i}: torch {expected[i]:R}, here {model.Parameters[i]:R}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_schedule_subclass_with_the_lambda_matches_torch_LambdaLR_bit_for_bit(string name)
    {
        TorchCase reference = TorchReferenceData.Case(LambdaFile, name);
        var model = new TorchReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        IOptimizer optimizer = reference.Optimizer == "sgd"
            ? new TorchReferenceLayout.SgdOptimizer(model) { Momentum = (float)reference.Number("momentum") }
            : new TorchReferenceLayout.AdamWOptimizer(model);
        optimizer.LearningRate = (float)reference.Number("lr");
        optimizer.WeightDecay = (float)reference.Number("weight_decay");
        optimizer.Schedule = new TorchLambda();
        for (int t = 1; t <= reference.Steps; t++)
        {
            TorchReferenceData.SetGradients(model.Gradients, t);
            optimizer.Step();
            if (reference.Parameters.TryGetValue(t, out float[]? expected))
            {
                FloatAssert.BitEqual(expected, model.Parameters, $"{name}, parameters after step {t}");
            }
        }
    }

    [Fact]
    public void Reference_was_written_by_torch_1_13()
    {
        Assert.StartsWith("1.13", TorchReferenceData.TorchVersion(LambdaFile), StringComparison.Ordinal);
        FloatAssert.BitEqual(TorchReferenceData.Initial("maximize.json"), TorchReferenceData.Initial(LambdaFile), "initial parameters");
    }

    /// <summary>torch's <c>LambdaLR</c> lambda as a schedule: Multiplier(StepCount) = lambda(last_epoch).</summary>
    private sealed class TorchLambda : LearningRateSchedule
    {
        public override double Multiplier(long step) => LambdaLrReferenceTests.Lambda(step);
    }
}
