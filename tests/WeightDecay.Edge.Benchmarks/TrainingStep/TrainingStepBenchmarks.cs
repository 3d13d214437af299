using System;
using BenchmarkDotNet.Attributes;

namespace WeightDecay.Edge.Benchmarks.TrainingStep;

/// <summary>
/// One whole training step of the 64-32-10 digits MLP on a mini-batch of <see cref="BatchSize"/> samples:
/// zero the gradients, forward, softmax cross-entropy backward (mean over the mini-batch: weight 1 / batch),
/// then the generated AdamW step (lr 1e-3, wd 1e-2). Every variant owns a model starting from the same
/// parameters and runs the same samples; only the dense passes differ:
/// <list type="bullet">
/// <item><c>ScalarPasses</c> (the ratio baseline): the passes the generator emitted before issue 10, one call per sample;</item>
/// <item><c>TensorPrimitivesPerSample</c>: the same per-sample passes written with TensorPrimitives;</item>
/// <item><c>GeneratedPerSample</c>: today's per-sample calls (SIMD matrix-vector kernels), one per sample;</item>
/// <item><c>GeneratedBatch</c>: one mini-batch call (SIMD matrix-matrix kernels).</item>
/// </list>
/// The FMA-peak floor to compare with is computed from the FLOP count and <see cref="FmaPeakBenchmarks"/>:
/// see docs/benchmarks.md.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("TrainingStep")]
public class TrainingStepBenchmarks
{
    private const int Samples = 256;
    private readonly float[] _inputs = new float[Samples * DigitsTrainingMlp.InputSize];
    private readonly int[] _labels = new int[Samples];
    private DigitsTrainingMlp _scalarModel = null!;
    private DigitsTrainingMlp _primitivesModel = null!;
    private DigitsTrainingMlp _perSampleModel = null!;
    private DigitsTrainingMlp _batchModel = null!;
    private DigitsTrainingMlp.AdamWOptimizer _scalarOptimizer = null!;
    private DigitsTrainingMlp.AdamWOptimizer _primitivesOptimizer = null!;
    private DigitsTrainingMlp.AdamWOptimizer _perSampleOptimizer = null!;
    private DigitsTrainingMlp.AdamWOptimizer _batchOptimizer = null!;
    private ScalarDensePasses _scalar = null!;
    private TensorPrimitivesDensePasses _primitives = null!;

    /// <summary>Samples per training step.</summary>
    [Params(1, 16, 32, 128, 256)]
    public int BatchSize { get; set; }

    /// <summary>Same parameters (the layout's torch-like default initialisation, seed 0) and samples (pixel-like values in [0, 1)) for every variant.</summary>
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

        (_scalarModel, _scalarOptimizer) = NewModel();
        (_primitivesModel, _primitivesOptimizer) = NewModel();
        (_perSampleModel, _perSampleOptimizer) = NewModel();
        (_batchModel, _batchOptimizer) = NewModel();
        _scalar = new ScalarDensePasses(_scalarModel);
        _primitives = new TensorPrimitivesDensePasses(_primitivesModel);
    }

    /// <summary>The pre-issue-10 scalar passes, per sample, then AdamW.</summary>
    [Benchmark(Baseline = true)]
    public float ScalarPasses()
    {
        _scalarModel.ZeroGrad();
        float weight = 1f / BatchSize;
        float loss = 0f;
        for (int s = 0; s < BatchSize; s++)
        {
            loss += _scalar.AccumulateCrossEntropyGradient(_inputs.AsSpan(s * DigitsTrainingMlp.InputSize, DigitsTrainingMlp.InputSize), _labels[s], weight);
        }

        _scalarOptimizer.Step();
        return loss;
    }

    /// <summary>TensorPrimitives per-sample passes, then AdamW.</summary>
    [Benchmark]
    public float TensorPrimitivesPerSample()
    {
        _primitivesModel.ZeroGrad();
        float weight = 1f / BatchSize;
        float loss = 0f;
        for (int s = 0; s < BatchSize; s++)
        {
            loss += _primitives.AccumulateCrossEntropyGradient(_inputs.AsSpan(s * DigitsTrainingMlp.InputSize, DigitsTrainingMlp.InputSize), _labels[s], weight);
        }

        _primitivesOptimizer.Step();
        return loss;
    }

    /// <summary>The generated per-sample calls, then AdamW.</summary>
    [Benchmark]
    public float GeneratedPerSample()
    {
        _perSampleModel.ZeroGrad();
        float weight = 1f / BatchSize;
        float loss = 0f;
        for (int s = 0; s < BatchSize; s++)
        {
            loss += _perSampleModel.AccumulateCrossEntropyGradient(_inputs.AsSpan(s * DigitsTrainingMlp.InputSize, DigitsTrainingMlp.InputSize), _labels[s], weight);
        }

        _perSampleOptimizer.Step();
        return loss;
    }

    /// <summary>One generated mini-batch call, then AdamW.</summary>
    [Benchmark]
    public float GeneratedBatch()
    {
        _batchModel.ZeroGrad();
        float loss = _batchModel.AccumulateCrossEntropyGradient(_inputs, _labels, 0, BatchSize, 1f / BatchSize);
        _batchOptimizer.Step();
        return loss;
    }

    private static (DigitsTrainingMlp Model, DigitsTrainingMlp.AdamWOptimizer Optimizer) NewModel()
    {
        var model = new DigitsTrainingMlp();
        return (model, new DigitsTrainingMlp.AdamWOptimizer(model) { LearningRate = 1e-3f, WeightDecay = 1e-2f });
    }
}
