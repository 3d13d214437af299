using System;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.TorchReference;

namespace WeightDecay.Edge.Tests.Reference;

/// <summary>
/// Parameter groups, gradient accumulation and the moving average of the weights against the double-precision
/// references written from the published update rules (ReferenceSgd, ReferenceAdam, ReferenceAdamW) and the formulas of
/// each feature, under a step schedule: a group is its own optimizer at lr·s and λ·s (the update rules are element by
/// element, so one reference per group over the whole vector, read at that group's elements); an accumulated update is
/// the reference's step on the mean of the micro-batches; the average is copy-then-(avg + (1 − d)(p − avg)) of the
/// reference's own parameters. The bitwise comparisons with torch are in TorchReference/.
/// </summary>
public class DeclaredFeatureReferenceTests
{
    private const int Steps = 40;
    private const double Tolerance = 2e-5;

    public static TheoryData<string> Kinds() => new() { "sgd", "adam", "adamw" };

    private static LearningRateSchedule Schedule => LearningRateSchedule.Step(10, 0.5f);

    private static IReferenceOptimizer Reference(string kind, float[] start, bool[] decay, double lr, double weightDecay) => kind switch
    {
        "sgd" => new ReferenceSgd(start, decay, new SgdOptions(lr, 0.9, 0, false, weightDecay)),
        "adam" => new ReferenceAdam(start, decay, new AdamOptions(lr, 0.9, 0.999, 1e-8, weightDecay, false)),
        _ => new ReferenceAdamW(start, decay, new AdamOptions(lr, 0.9, 0.999, 1e-8, weightDecay, false)),
    };

    private static (double Lr, double WeightDecay) Base(string kind) => kind == "sgd" ? (0.05, 0.3) : kind == "adam" ? (0.01, 0.3) : (0.01, 2.0);

    private static dynamic Configure(dynamic optimizer, string kind)
    {
        (double lr, double weightDecay) = Base(kind);
        optimizer.LearningRate = (float)lr;
        optimizer.WeightDecay = (float)weightDecay;
        optimizer.Schedule = Schedule;
        if (kind == "sgd")
        {
            optimizer.Momentum = 0.9f;
        }

        return optimizer;
    }

    // The layout's generated optimizer of this kind, configured as Base(kind) with the step schedule.
    private static dynamic Create(Type layout, object model, string kind) => Configure(
        Activator.CreateInstance(layout.GetNestedType(kind == "sgd" ? "SgdOptimizer" : kind == "adam" ? "AdamOptimizer" : "AdamWOptimizer")!, model)!, kind);

    private static void AssertNear(double expected, float actual, string what) => Assert.True(
        Math.Abs(expected - actual) <= Tolerance * Math.Max(1.0, Math.Abs(expected)),
        $"{what}: reference {expected:R}, generated {actual:R}");

    private static float Gradient(int i, int t, bool frozen) => frozen ? 0f : (float)Math.Sin((i * 0.7) + (t * 1.3));

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_parameter_group_steps_as_its_own_optimizer_at_the_scaled_values(string kind)
    {
        var model = new ParamGroupReferenceLayout();
        float[] start = Enumerable.Range(0, model.Parameters.Length).Select(TorchReferenceData.InitialParameter).ToArray();
        start.CopyTo(model.Parameters, 0);
        IOptimizer optimizer = (IOptimizer)Create(typeof(ParamGroupReferenceLayout), model, kind);

        // The layout's groups (see ParamGroupReferenceLayout): W and B lr × 0.5; V weight decay × 4; U lr × 0.1 and weight
        // decay × 0.25; C neither. F is frozen.
        (int From, int To, double LrScale, double WdScale)[] groups =
        {
            (ParamGroupReferenceLayout.WOffset, ParamGroupReferenceLayout.FOffset, 0.5, 1),
            (ParamGroupReferenceLayout.VOffset, ParamGroupReferenceLayout.UOffset, 1, 4),
            (ParamGroupReferenceLayout.UOffset, ParamGroupReferenceLayout.COffset, 0.1, 0.25),
            (ParamGroupReferenceLayout.COffset, ParamGroupReferenceLayout.ParameterCount, 1, 1),
        };
        bool[] decay = Enumerable.Range(0, start.Length)
            .Select(i => !(i >= ParamGroupReferenceLayout.BOffset && i < ParamGroupReferenceLayout.VOffset)).ToArray();
        (double lr, double weightDecay) = Base(kind);
        IReferenceOptimizer[] references = groups.Select(g => Reference(kind, start, decay, lr * g.LrScale, weightDecay * g.WdScale)).ToArray();
        for (int t = 1; t <= Steps; t++)
        {
            for (int i = 0; i < model.Gradients.Length; i++)
            {
                model.Gradients[i] = Gradient(i, t, i >= ParamGroupReferenceLayout.FOffset && i < ParamGroupReferenceLayout.VOffset);
            }

            double multiplier = Schedule.Multiplier(t - 1);
            for (int g = 0; g < groups.Length; g++)
            {
                references[g].LearningRate = lr * groups[g].LrScale * multiplier;
                references[g].Step(model.Gradients);
            }

            optimizer.Step();
            for (int g = 0; g < groups.Length; g++)
            {
                for (int i = groups[g].From; i < groups[g].To; i++)
                {
                    double expected = references[g].Parameters[i];
                    AssertNear(expected, model.Parameters[i], $"{kind}, group {g}, parameter {i} after step {t}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_accumulated_update_is_the_reference_step_on_the_mean_gradient(string kind)
    {
        var model = new AccumulationReferenceLayout();
        float[] start = Enumerable.Range(0, model.Parameters.Length).Select(TorchReferenceData.InitialParameter).ToArray();
        start.CopyTo(model.Parameters, 0);
        IOptimizer optimizer = (IOptimizer)Create(typeof(AccumulationReferenceLayout), model, kind);
        bool[] decay = Enumerable.Range(0, start.Length)
            .Select(i => !(i >= AccumulationReferenceLayout.BOffset && i < AccumulationReferenceLayout.VOffset)).ToArray();
        (double lr, double weightDecay) = Base(kind);
        IReferenceOptimizer reference = Reference(kind, start, decay, lr, weightDecay);
        var mean = new float[start.Length];
        for (int update = 1; update <= Steps; update++)
        {
            var sum = new double[start.Length];
            for (int r = 0; r < 3; r++)
            {
                for (int i = 0; i < model.Gradients.Length; i++)
                {
                    model.Gradients[i] = Gradient(i, (update * 3) + r, i >= AccumulationReferenceLayout.FOffset && i < AccumulationReferenceLayout.VOffset);
                    sum[i] += model.Gradients[i];
                }

                optimizer.Step();
            }

            for (int i = 0; i < mean.Length; i++)
            {
                mean[i] = (float)(sum[i] / 3);
            }

            reference.LearningRate = lr * Schedule.Multiplier(update - 1);
            reference.Step(mean);
            Assert.Equal(update, optimizer.StepCount);
            for (int i = 0; i < start.Length; i++)
            {
                double expected = reference.Parameters[i];
                AssertNear(expected, model.Parameters[i], $"{kind}, parameter {i} after update {update}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_average_follows_the_formula_over_the_reference_trajectory(string kind)
    {
        var model = new EmaReferenceLayout09();
        float[] start = Enumerable.Range(0, model.Parameters.Length).Select(TorchReferenceData.InitialParameter).ToArray();
        start.CopyTo(model.Parameters, 0);
        dynamic optimizer = Create(typeof(EmaReferenceLayout09), model, kind);
        bool[] decay = Enumerable.Range(0, start.Length)
            .Select(i => !(i >= EmaReferenceLayout09.BOffset && i < EmaReferenceLayout09.VOffset)).ToArray();
        (double lr, double weightDecay) = Base(kind);
        IReferenceOptimizer reference = Reference(kind, start, decay, lr, weightDecay);
        double[] average = start.Select(v => (double)v).ToArray();
        var generated = new float[start.Length];
        for (int t = 1; t <= Steps; t++)
        {
            for (int i = 0; i < model.Gradients.Length; i++)
            {
                model.Gradients[i] = Gradient(i, t, i >= EmaReferenceLayout09.FOffset && i < EmaReferenceLayout09.VOffset);
            }

            reference.LearningRate = lr * Schedule.Multiplier(t - 1);
            reference.Step(model.Gradients);
            ((IOptimizer)optimizer).Step();
            for (int i = 0; i < average.Length; i++)
            {
                average[i] = t == 1 ? reference.Parameters[i] : average[i] + ((1 - 0.9) * (reference.Parameters[i] - average[i]));
            }

            optimizer.CopyAveragedTo(generated);
            for (int i = 0; i < average.Length; i++)
            {
                AssertNear(average[i], generated[i], $"{kind}, average {i} after step {t}");
            }
        }
    }
}
