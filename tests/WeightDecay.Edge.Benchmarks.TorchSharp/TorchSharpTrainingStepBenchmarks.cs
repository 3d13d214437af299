using System;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using WeightDecay.Edge.Benchmarks.TrainingStep;
using static TorchSharp.torch;

namespace WeightDecay.Edge.Benchmarks.TorchSharp;

/// <summary>
/// One whole training step of the 64-32-10 digits MLP on a mini-batch, generated against TorchSharp, in one
/// run: zero the gradients, forward, softmax cross-entropy (mean over the batch), backward, AdamW (lr 1e-3,
/// weight decay 1e-2). The generated step is the one mini-batch call of <see cref="TrainingStepBenchmarks"/>;
/// TorchSharp's is <c>Sequential(Linear(64, 32), ReLU(), Linear(32, 10))</c> with <c>optim.AdamW</c>, each
/// step inside a dispose scope so no tensor outlives it. <see cref="Threads"/> is libtorch's intra-op thread
/// count (the generated code always runs on one thread).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("TrainingStep")]
public class TorchSharpTrainingStepBenchmarks
{
    private const int Samples = 256;
    private readonly float[] _inputs = new float[Samples * DigitsTrainingMlp.InputSize];
    private readonly int[] _labels = new int[Samples];
    private DigitsTrainingMlp _model = null!;
    private DigitsTrainingMlp.AdamWOptimizer _optimizer = null!;
    private Sequential _torchModel = null!;
    private optim.Optimizer _torchOptimizer = null!;
    private Tensor _torchInputs = null!;
    private Tensor _torchLabels = null!;

    /// <summary>Samples per training step.</summary>
    [Params(1, 16, 32, 128, 256)]
    public int BatchSize { get; set; }

    /// <summary>libtorch's intra-op threads: 1, or the machine's cores (its default).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The same samples for both (pixel-like values in [0, 1), random labels, as the other training-step benchmarks).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = random.NextSingle();
        }

        for (int s = 0; s < Samples; s++)
        {
            _labels[s] = random.Next(DigitsTrainingMlp.OutputSize);
        }

        _model = new DigitsTrainingMlp();
        _optimizer = new DigitsTrainingMlp.AdamWOptimizer(_model) { LearningRate = 1e-3f, WeightDecay = 1e-2f };

        torch.set_num_threads(Threads);
        torch.manual_seed(0);
        _torchModel = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10));
        _torchOptimizer = optim.AdamW(_torchModel.parameters(), lr: 1e-3, weight_decay: 1e-2);
        long[] labels = Array.ConvertAll(_labels, label => (long)label);
        _torchInputs = torch.tensor(_inputs, [Samples, DigitsTrainingMlp.InputSize]).narrow(0, 0, BatchSize).contiguous();
        _torchLabels = torch.tensor(labels).narrow(0, 0, BatchSize).contiguous();
    }

    /// <summary>Frees the tensors and modules.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _torchInputs.Dispose();
        _torchLabels.Dispose();
        _torchModel.Dispose();
    }

    /// <summary>The generated mini-batch step (the ratio baseline).</summary>
    [Benchmark(Baseline = true)]
    public float Generated()
    {
        _model.ZeroGrad();
        float loss = _model.AccumulateCrossEntropyGradient(_inputs, _labels, 0, BatchSize, 1f / BatchSize);
        _optimizer.Step();
        return loss;
    }

    /// <summary>TorchSharp: zero_grad, forward, cross_entropy, backward, AdamW step.</summary>
    [Benchmark]
    public float TorchSharp()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        _torchOptimizer.zero_grad();
        Tensor loss = nn.functional.cross_entropy(_torchModel.call(_torchInputs), _torchLabels);
        loss.backward();
        _torchOptimizer.step();
        return loss.item<float>();
    }
}
