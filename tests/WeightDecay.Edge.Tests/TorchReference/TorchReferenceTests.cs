using System;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.TorchReference;

/// <summary>
/// The generated optimizers against trajectories recorded from real torch.optim (torch 1.13 on the CPU, the
/// single-tensor path; see make_reference.py): every parameter at every recorded step, and the optimizer state
/// after the last step through the state views, bit for bit. Covers <c>maximize</c> on and off for SGD (plain,
/// momentum with dampening, Nesterov), Adam and AdamW (each with and without AMSGrad), with weight decay on two
/// tensors, none on a third and a frozen fourth. Holds on every SIMD path (the CI reruns it with Vector512,
/// Vector256 and Vector128 switched off).
/// </summary>
public class TorchReferenceTests
{
    private const string MaximizeFile = "maximize.json";

    /// <summary>Tensor indices in declaration order.</summary>
    private static readonly string[] s_tensors = { "W", "B", "F", "V" };

    public static TheoryData<string> MaximizeCases() => new(TorchReferenceData.Cases(MaximizeFile).Select(c => c.Name));

    [Fact]
    public void The_reference_was_written_by_torch_1_13_from_the_documented_initial_parameters()
    {
        Assert.StartsWith("1.13", TorchReferenceData.TorchVersion(MaximizeFile), StringComparison.Ordinal);
        float[] initial = TorchReferenceData.Initial(MaximizeFile);
        Assert.Equal(TorchReferenceLayout.ParameterCount, initial.Length);
        for (int i = 0; i < initial.Length; i++)
        {
            FloatAssert.BitEqual(TorchReferenceData.InitialParameter(i), initial[i], $"initial parameter {i}");
        }
    }

    [Theory]
    [MemberData(nameof(MaximizeCases))]
    public void Trajectory_and_state_match_torch_bit_for_bit(string name)
    {
        TorchCase reference = TorchReferenceData.Case(MaximizeFile, name);
        var model = new TorchReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        float[] frozen = model.F.ToArray();
        Subject subject = Subject.Create(model, reference);
        for (int step = 1; step <= reference.Steps; step++)
        {
            TorchReferenceData.SetGradients(model.Gradients, step);
            subject.Step();
            if (reference.Parameters.TryGetValue(step, out float[]? expected))
            {
                FloatAssert.BitEqual(expected, model.Parameters, $"{name}, parameters after step {step}");
            }
        }

        Assert.Equal(frozen, model.F.ToArray());
        for (int t = 0; t < s_tensors.Length; t++)
        {
            var torchState = reference.State[s_tensors[t]];
            foreach (string key in subject.Keys)
            {
                if (s_tensors[t] == "F")
                {
                    Assert.Empty(torchState);
                    Assert.Throws<ArgumentException>("tensorIndex", () => subject.View(key, t));
                    continue;
                }

                float[] actual = subject.View(key, t);
                if (torchState.TryGetValue(key, out float[]? expected))
                {
                    FloatAssert.BitEqual(expected, actual, $"{name}, {key} of {s_tensors[t]}");
                    float[] copy = new float[actual.Length + 2];
                    Assert.Equal(actual.Length, subject.Copy(key, t, copy, 1));
                    FloatAssert.BitEqual(expected, copy.Skip(1).Take(actual.Length).ToArray(), $"{name}, copied {key} of {s_tensors[t]}");
                }
                else
                {
                    // torch has no such state (max_exp_avg_sq without AMSGrad, momentum_buffer without momentum).
                    Assert.Empty(actual);
                    Assert.Equal(0, subject.Copy(key, t, new float[model.Parameters.Length], 0));
                }
            }
        }
    }

    /// <summary>The optimizer a case names, configured as torch was, with its state views by torch's keys.</summary>
    private sealed class Subject
    {
        private readonly Func<string, int, float[]> _view;
        private readonly Func<string, int, float[], int, int> _copy;

        private Subject(Action step, string[] keys, Func<string, int, float[]> view, Func<string, int, float[], int, int> copy)
        {
            Step = step;
            Keys = keys;
            _view = view;
            _copy = copy;
        }

        public Action Step { get; }

        public string[] Keys { get; }

        public float[] View(string key, int tensor) => _view(key, tensor);

        public int Copy(string key, int tensor, float[] destination, int index) => _copy(key, tensor, destination, index);

        public static Subject Create(TorchReferenceLayout model, TorchCase c)
        {
            float lr = (float)c.Number("lr"), weightDecay = (float)c.Number("weight_decay");
            bool maximize = c.Flag("maximize");
            if (c.Optimizer == "sgd")
            {
                var sgd = new TorchReferenceLayout.SgdOptimizer(model)
                {
                    LearningRate = lr,
                    Momentum = (float)c.Number("momentum"),
                    Dampening = (float)c.Number("dampening"),
                    WeightDecay = weightDecay,
                    Maximize = maximize,
                };
                sgd.Nesterov = c.Flag("nesterov");
                return new Subject(sgd.Step, ["momentum_buffer"], (_, t) => sgd.MomentumBuffer(t).ToArray(), (_, t, d, i) => sgd.CopyMomentumBuffer(t, d, i));
            }

            string[] keys = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];
            if (c.Optimizer == "adam")
            {
                var adam = new TorchReferenceLayout.AdamOptimizer(model) { LearningRate = lr, WeightDecay = weightDecay, Amsgrad = c.Flag("amsgrad"), Maximize = maximize };
                return new Subject(
                    adam.Step,
                    keys,
                    (k, t) => (k == "exp_avg" ? adam.ExpAvg(t) : k == "exp_avg_sq" ? adam.ExpAvgSq(t) : adam.MaxExpAvgSq(t)).ToArray(),
                    (k, t, d, i) => k == "exp_avg" ? adam.CopyExpAvg(t, d, i) : k == "exp_avg_sq" ? adam.CopyExpAvgSq(t, d, i) : adam.CopyMaxExpAvgSq(t, d, i));
            }

            var adamW = new TorchReferenceLayout.AdamWOptimizer(model) { LearningRate = lr, WeightDecay = weightDecay, Amsgrad = c.Flag("amsgrad"), Maximize = maximize };
            return new Subject(
                adamW.Step,
                keys,
                (k, t) => (k == "exp_avg" ? adamW.ExpAvg(t) : k == "exp_avg_sq" ? adamW.ExpAvgSq(t) : adamW.MaxExpAvgSq(t)).ToArray(),
                (k, t, d, i) => k == "exp_avg" ? adamW.CopyExpAvg(t, d, i) : k == "exp_avg_sq" ? adamW.CopyExpAvgSq(t, d, i) : adamW.CopyMaxExpAvgSq(t, d, i));
        }
    }
}
