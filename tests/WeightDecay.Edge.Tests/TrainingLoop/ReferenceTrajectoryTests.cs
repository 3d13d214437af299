using System;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>Every feature on at once, 100 steps, against <see cref="ReferenceTrainingLoop"/> in double.</summary>
public class ReferenceTrajectoryTests
{
    private const int Steps = 100;
    private const double Tolerance = 1e-5;

    public static TheoryData<string, bool, int> Cases()
    {
        var cases = new TheoryData<string, bool, int>();
        foreach (string name in TrainingLoopHarness.OptimizerNames)
        {
            foreach (int schedule in new[] { 0, 1, 2 })
            {
                cases.Add(name, false, schedule);
            }
        }

        cases.Add("AdamWOptimizer", true, 1);
        cases.Add("AdamWOptimizer", true, 2);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_the_double_reference(string name, bool scheduleCoupled, int scheduleKind)
    {
        var model = new FrozenLayout();
        dynamic optimizer = TrainingLoopHarness.NewOptimizer(model, name);
        var random = new Random(21 + scheduleKind);
        TrainingLoopHarness.Fill(model.Parameters, random);
        var reference = new ReferenceTrainingLoop(TrainingLoopHarness.KindOf(name), model.Parameters, TrainingLoopHarness.FrozenLayoutTrainable, TrainingLoopHarness.FrozenLayoutDecay);

        (LearningRateSchedule schedule, Func<long, double> multiplier) = scheduleKind switch
        {
            0 => (LearningRateSchedule.Constant(), (Func<long, double>)(_ => 1.0)),
            1 => (LearningRateSchedule.Step(30, 0.5f), t => Math.Pow(0.5, t / 30)),
            _ => (LearningRateSchedule.WarmupCosine(10, 90, 0.05f),
                t => t < 10 ? t / 10.0 : t >= 90 ? 0.05 : 0.05 + (0.95 * (1 + Math.Cos(Math.PI * (t - 10) / 80)) / 2)),
        };
        bool sgd = name == "SgdOptimizer";
        float learningRate = sgd ? 0.05f : 0.01f;
        optimizer.LearningRate = learningRate;
        optimizer.WeightDecay = sgd ? 0.01f : 0.05f;
        optimizer.MaxGradientNorm = 1.5f;
        optimizer.SkipNonFiniteSteps = true;
        optimizer.Schedule = schedule;
        reference.LearningRate = sgd ? 0.05 : 0.01;
        reference.WeightDecay = sgd ? 0.01 : 0.05;
        reference.MaxGradientNorm = 1.5;
        reference.SkipNonFinite = true;
        reference.Multiplier = multiplier;
        if (sgd)
        {
            optimizer.Momentum = 0.9f;
            reference.Momentum = 0.9;
        }

        if (scheduleCoupled)
        {
            optimizer.DecayMode = DecoupledDecay.ScheduleCoupled;
            reference.ScheduleCoupledDecay = true;
        }

        double worst = 0;
        for (int step = 0; step < Steps; step++)
        {
            TrainingLoopHarness.Fill(model.Gradients, random, step % 3 == 0 ? 2.0 : 0.2); // some steps clip, some do not
            if (step % 17 == 5)
            {
                model.Gradients[FrozenLayout.WOffset + (step % 35)] = float.NaN;
            }

            reference.Step(model.Gradients);
            optimizer.Step();
            double norm = optimizer.LastGradientNorm;
            Assert.True(
                double.IsFinite(reference.LastNorm) ? Math.Abs(reference.LastNorm - norm) <= 1e-6 * Math.Max(1, reference.LastNorm) : !double.IsFinite(norm),
                $"step {step}: norm {norm:R}, reference {reference.LastNorm:R}");
            for (int i = 0; i < FrozenLayout.ParameterCount; i++)
            {
                worst = Math.Max(worst, Math.Abs(reference.Parameters[i] - model.Parameters[i]));
            }
        }

        Assert.True(worst <= Tolerance, $"max |reference - generated| = {worst:E3}");
        Assert.Equal(reference.StepCount, (long)optimizer.StepCount);
        Assert.Equal(reference.Skipped, (long)optimizer.SkippedStepCount);
        Assert.True(reference.Skipped >= 5);
    }
}
