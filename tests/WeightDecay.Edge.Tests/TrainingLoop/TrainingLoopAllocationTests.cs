using System;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>Step() allocates nothing with every training-loop feature on, skipped steps included.</summary>
public class TrainingLoopAllocationTests
{
    private const int MeasuredSteps = 200;

    [Theory]
    [InlineData("SgdOptimizer", false)]
    [InlineData("AdamOptimizer", false)]
    [InlineData("AdamWOptimizer", false)]
    [InlineData("AdamWOptimizer", true)]
    public void Step_with_every_feature_on_allocates_nothing(string name, bool scheduleCoupled)
    {
        var model = new FrozenLayout();
        dynamic configure = TrainingLoopHarness.NewOptimizer(model, name);
        configure.LearningRate = 0.01f;
        configure.WeightDecay = 0.01f;
        configure.MaxGradientNorm = 0.5f;
        configure.SkipNonFiniteSteps = true;
        configure.Schedule = LearningRateSchedule.WarmupCosine(10, 150, 0.1f);
        if (name == "SgdOptimizer")
        {
            configure.Momentum = 0.9f;
            configure.Nesterov = true;
        }
        else
        {
            configure.Amsgrad = true;
        }

        if (scheduleCoupled)
        {
            configure.DecayMode = DecoupledDecay.ScheduleCoupled;
        }

        IOptimizer optimizer = (IOptimizer)configure;
        Func<double> penalty = (Func<double>)Delegate.CreateDelegate(typeof(Func<double>), (object)configure, "L2Penalty");
        var random = new Random(1);
        float[][] gradients = new float[8][];
        for (int k = 0; k < gradients.Length; k++)
        {
            gradients[k] = new float[FrozenLayout.ParameterCount];
            TrainingLoopHarness.Fill(gradients[k], random, 3);
        }

        gradients[3][FrozenLayout.KOffset] = float.NaN; // Every eighth step is skipped.
        optimizer.Step(); // Warm up: first-call costs (JIT, statics) are not per step.
        penalty();

        double sink = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < MeasuredSteps; i++)
        {
            Array.Copy(gradients[i % gradients.Length], model.Gradients, FrozenLayout.ParameterCount);
            optimizer.Step();
            sink += penalty() + model.DecayedSquaredNorm();
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
        Assert.Equal(MeasuredSteps / 8, (long)configure.SkippedStepCount);
        Assert.False(double.IsNaN(sink));
    }
}
