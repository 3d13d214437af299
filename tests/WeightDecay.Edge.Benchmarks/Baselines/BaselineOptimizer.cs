using System;
using System.Collections.Generic;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Benchmarks.Baselines;

/// <summary>One tensor's place in the flat buffers, copied out of <see cref="IModelLayout.Tensors"/> once.</summary>
public readonly record struct TensorRange(int Offset, int Length, bool Decay)
{
    /// <summary>The layout's tensors as an array of ranges.</summary>
    public static TensorRange[] Of(IModelLayout model)
    {
        IReadOnlyList<TensorInfo> tensors = model.Tensors;
        var ranges = new TensorRange[tensors.Count];
        for (int i = 0; i < ranges.Length; i++)
        {
            ranges[i] = new TensorRange(tensors[i].Offset, tensors[i].Length, tensors[i].Decay);
        }

        return ranges;
    }
}

/// <summary>
/// The per-step scalars of Adam and AdamW, computed as the generated code and torch compute them:
/// in double from the decimal hyperparameters, then rounded to float once.
/// </summary>
public readonly struct AdamStepConstants
{
    /// <summary>Computes the constants of step <paramref name="step"/> (1-based).</summary>
    public AdamStepConstants(in AdamHyper h, long step)
    {
        double biasCorrection1 = 1.0 - Math.Pow(h.Beta1, step);
        double biasCorrection2 = 1.0 - Math.Pow(h.Beta2, step);
        NegStepSize = (float)(-(h.LearningRate / biasCorrection1));
        BiasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);
        InvBiasCorrection2Sqrt = (float)(1.0 / Math.Sqrt(biasCorrection2));
        Beta1 = (float)h.Beta1;
        Beta2 = (float)h.Beta2;
        OneMinusBeta1 = (float)(1.0 - h.Beta1);
        OneMinusBeta2 = (float)(1.0 - h.Beta2);
        Epsilon = (float)h.Epsilon;
        WeightDecay = (float)h.WeightDecay;
        DecoupledDecayFactor = (float)(1.0 - (h.LearningRate * h.WeightDecay));
    }

    /// <summary>-lr / (1 - beta1^t).</summary>
    public float NegStepSize { get; }

    /// <summary>sqrt(1 - beta2^t).</summary>
    public float BiasCorrection2Sqrt { get; }

    /// <summary>1 / sqrt(1 - beta2^t): multiplying by it replaces a division.</summary>
    public float InvBiasCorrection2Sqrt { get; }

    /// <summary>beta1.</summary>
    public float Beta1 { get; }

    /// <summary>beta2.</summary>
    public float Beta2 { get; }

    /// <summary>1 - beta1, computed in double.</summary>
    public float OneMinusBeta1 { get; }

    /// <summary>1 - beta2, computed in double.</summary>
    public float OneMinusBeta2 { get; }

    /// <summary>eps.</summary>
    public float Epsilon { get; }

    /// <summary>The coupled L2 coefficient (Adam).</summary>
    public float WeightDecay { get; }

    /// <summary>1 - lr * wd (AdamW's decoupled decay).</summary>
    public float DecoupledDecayFactor { get; }
}

/// <summary>
/// What every baseline shares: it is an <see cref="IOptimizer"/> over a layout's flat buffers (so
/// benchmarks call all variants, generated or not, through the same interface call), keeps its own
/// state, and computes the same update as the generated optimizer of the same kind.
/// </summary>
public abstract class BaselineOptimizer : IOptimizer
{
    private double _learningRate;
    private double _weightDecay;

    /// <summary>Binds the optimizer to <paramref name="model"/> and allocates its state.</summary>
    protected BaselineOptimizer(IModelLayout model, OptimizerKind kind)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Kind = kind;
        Parameters = model.Parameters;
        Gradients = model.Gradients;
        Ranges = TensorRange.Of(model);
        int n = Parameters.Length;
        First = new float[n];
        Second = kind == OptimizerKind.Sgd ? [] : new float[n];
        (_learningRate, _weightDecay) = kind switch
        {
            OptimizerKind.AdamW => (Hyper.AdamW.LearningRate, Hyper.AdamW.WeightDecay),
            OptimizerKind.Adam => (Hyper.Adam.LearningRate, Hyper.Adam.WeightDecay),
            _ => (Hyper.Sgd.LearningRate, Hyper.Sgd.WeightDecay),
        };
    }

    /// <summary>The layout updated.</summary>
    protected IModelLayout Model { get; }

    /// <summary>Which update this computes.</summary>
    protected OptimizerKind Kind { get; }

    /// <summary>The layout's parameters.</summary>
    protected float[] Parameters { get; }

    /// <summary>The layout's gradients.</summary>
    protected float[] Gradients { get; }

    /// <summary>The layout's tensors, copied once.</summary>
    protected TensorRange[] Ranges { get; }

    /// <summary>Adam: exp_avg. SGD: the momentum buffer.</summary>
    protected float[] First { get; }

    /// <summary>Adam: exp_avg_sq. SGD: empty.</summary>
    protected float[] Second { get; }

    /// <inheritdoc/>
    public long StepCount { get; protected set; }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => (float)_learningRate;
        set => _learningRate = (double)(decimal)value;
    }

    /// <inheritdoc/>
    public float WeightDecay
    {
        get => (float)_weightDecay;
        set => _weightDecay = (double)(decimal)value;
    }

    /// <summary>The Adam/AdamW hyperparameters with this optimizer's lr and wd.</summary>
    protected AdamHyper AdamHyper => (Kind == OptimizerKind.AdamW ? Hyper.AdamW : Hyper.Adam) with { LearningRate = _learningRate, WeightDecay = _weightDecay };

    /// <summary>The SGD hyperparameters with this optimizer's lr and wd.</summary>
    protected SgdHyper SgdHyper => Hyper.Sgd with { LearningRate = _learningRate, WeightDecay = _weightDecay };

    /// <inheritdoc/>
    public void Step()
    {
        switch (Kind)
        {
            case OptimizerKind.AdamW:
                StepAdam(decoupled: true);
                break;
            case OptimizerKind.Adam:
                StepAdam(decoupled: false);
                break;
            default:
                StepSgd();
                break;
        }
    }

    /// <summary>One Adam step (<paramref name="decoupled"/>: AdamW's decay instead of coupled L2).</summary>
    protected abstract void StepAdam(bool decoupled);

    /// <summary>One SGD-with-momentum step.</summary>
    protected abstract void StepSgd();

    /// <inheritdoc/>
    public void ZeroGrad() => Array.Clear(Gradients);

    // The training-loop and checkpoint members of IOptimizer: baselines are update rules only, timed
    // through Step(); none of these is called by a benchmark.

    /// <inheritdoc/>
    public bool Maximize { get => false; set => throw NotABaselineFeature(); }

    /// <inheritdoc/>
    public LearningRateSchedule Schedule { get => LearningRateSchedule.Constant(); set => throw NotABaselineFeature(); }

    /// <inheritdoc/>
    public float MaxGradientNorm { get => 0f; set => throw NotABaselineFeature(); }

    /// <inheritdoc/>
    public double LastGradientNorm => 0;

    /// <inheritdoc/>
    public bool SkipNonFiniteSteps { get => false; set => throw NotABaselineFeature(); }

    /// <inheritdoc/>
    public long SkippedStepCount => 0;

    /// <inheritdoc/>
    public long StateBytes => 4L * (First.Length + Second.Length);

    /// <inheritdoc/>
    public int CheckpointBytes => throw NotABaselineFeature();

    /// <inheritdoc/>
    public double L2Penalty() => throw NotABaselineFeature();

    /// <inheritdoc/>
    public int SaveCheckpoint(byte[] destination, int offset) => throw NotABaselineFeature();

    /// <inheritdoc/>
    public void LoadCheckpoint(byte[] source, int offset, int count) => throw NotABaselineFeature();

    /// <inheritdoc/>
    public void SaveCheckpoint(System.IO.Stream stream) => throw NotABaselineFeature();

    /// <inheritdoc/>
    public void LoadCheckpoint(System.IO.Stream stream) => throw NotABaselineFeature();

    /// <inheritdoc/>
    public ulong SaveCheckpoint(ICheckpointStorage storage, byte[] scratch) => throw NotABaselineFeature();

    /// <inheritdoc/>
    public int LoadCheckpoint(ICheckpointStorage storage, byte[] scratch) => throw NotABaselineFeature();

    private static NotSupportedException NotABaselineFeature() => new("Baselines implement the update rule only.");
}

/// <summary>The baselines the suite compares the generated Step() with.</summary>
public enum BaselineKind
{
    /// <summary><see cref="ScalarLoopOptimizer"/>.</summary>
    ScalarLoop,

    /// <summary><see cref="FusedVectorOptimizer"/>.</summary>
    FusedVector,

    /// <summary><see cref="TensorPrimitivesOptimizer"/>.</summary>
    TensorPrimitives,

    /// <summary><see cref="RuntimeDescriptorOptimizer"/>.</summary>
    RuntimeDescriptors,
}

/// <summary>Makes baselines.</summary>
public static class Baseline
{
    /// <summary>A baseline of <paramref name="baseline"/> computing <paramref name="kind"/> on <paramref name="model"/>.</summary>
    public static IOptimizer Create(BaselineKind baseline, OptimizerKind kind, IModelLayout model) => baseline switch
    {
        BaselineKind.ScalarLoop => new ScalarLoopOptimizer(model, kind),
        BaselineKind.FusedVector => new FusedVectorOptimizer(model, kind),
        BaselineKind.TensorPrimitives => new TensorPrimitivesOptimizer(model, kind),
        BaselineKind.RuntimeDescriptors => new RuntimeDescriptorOptimizer(model, kind),
        _ => throw new ArgumentOutOfRangeException(nameof(baseline)),
    };
}
