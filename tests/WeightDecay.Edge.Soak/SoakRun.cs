using System;
using System.Diagnostics;
using WeightDecay.Edge.Demo;

namespace WeightDecay.Edge.Soak;

/// <summary>What a soak run found wrong first; <see cref="None"/> while all is well.</summary>
internal enum SoakFailure
{
    /// <summary>No failure.</summary>
    None,

    /// <summary>A step returned a NaN or infinite loss.</summary>
    NonFiniteLoss,

    /// <summary>The optimizer's LastGradientNorm was NaN or infinite after a step.</summary>
    NonFiniteGradientNorm,

    /// <summary>The optimizer's non-finite guard skipped a step.</summary>
    SkippedStep,

    /// <summary>A parameter was NaN or infinite at a check.</summary>
    NonFiniteParameter,

    /// <summary>A gradient was NaN or infinite at a check.</summary>
    NonFiniteGradient,

    /// <summary>L2Penalty() was NaN or infinite at a check.</summary>
    NonFinitePenalty,

    /// <summary>StepCount did not equal the number of steps taken.</summary>
    WrongStepCount,
}

/// <summary>
/// One optimizer's soak: a fresh model initialised as torch.nn.Linear does, its optimizer, and a
/// cursor cycling through the training samples. <see cref="Execute"/> runs the steps and allocates
/// nothing; everything it records lives in fields allocated by the constructor.
/// </summary>
internal sealed class SoakRun
{
    private readonly Digit[] _train;
    private int _cursor;

    /// <summary>Creates the model (seeded with <paramref name="seed"/>) and the optimizer of <paramref name="kind"/>.</summary>
    public SoakRun(OptimizerKind kind, Digit[] train, long steps, int seed, bool flushSubnormals = false)
    {
        Kind = kind;
        _train = train;
        PlannedSteps = steps;
        Model = new DigitsMlp();
        Model.InitializeLikeTorch(new Random(seed));
        Optimizer = SoakOptimizer.Create(kind, Model, flushSubnormals);
    }

    /// <summary>Which optimizer.</summary>
    public OptimizerKind Kind { get; }

    /// <summary>The model being trained.</summary>
    public DigitsMlp Model { get; }

    /// <summary>Its optimizer.</summary>
    public SoakOptimizer Optimizer { get; }

    /// <summary>Steps <see cref="Execute"/> is to run.</summary>
    public long PlannedSteps { get; }

    /// <summary>Steps completed.</summary>
    public long StepsDone { get; private set; }

    /// <summary>Full checks of all parameters and gradients done.</summary>
    public long Checks { get; private set; }

    /// <summary>Steps whose gradient norm (before clipping) was above <see cref="SoakOptimizer.MaxGradientNorm"/>, so were clipped.</summary>
    public long ClippedSteps { get; private set; }

    /// <summary>Largest gradient norm seen (before clipping).</summary>
    public double MaxGradientNormSeen { get; private set; }

    /// <summary>Largest |parameter| seen at any check.</summary>
    public float MaxAbsParameter { get; private set; }

    /// <summary>Mean per-sample loss over the last reporting window (or the whole run without reports).</summary>
    public double RecentLoss { get; private set; }

    /// <summary>Wall time of <see cref="Execute"/>, in Stopwatch ticks.</summary>
    public long ElapsedTicks { get; private set; }

    /// <summary>The first failure, or <see cref="SoakFailure.None"/>.</summary>
    public SoakFailure Failure { get; private set; }

    /// <summary>The step (1-based) at which <see cref="Failure"/> was found.</summary>
    public long FailureStep { get; private set; }

    /// <summary>The flat index of the parameter or gradient named by <see cref="Failure"/>, else -1.</summary>
    public int FailureIndex { get; private set; } = -1;

    /// <summary>
    /// Runs <see cref="PlannedSteps"/> training steps. Each step: ZeroGrad, then
    /// AccumulateCrossEntropyGradient on the next <paramref name="batch"/> training samples with
    /// weight 1/batch (the mean), then Step. After every step the returned loss and the optimizer's
    /// LastGradientNorm must be finite and the non-finite guard must not have skipped the step; every
    /// <paramref name="checkEvery"/> steps and after the last one every parameter and gradient and
    /// L2Penalty() must be finite. Writes a progress line to <paramref name="progress"/> every
    /// <paramref name="reportEvery"/> steps (0: never). Stops at the first failure. Allocates nothing.
    /// </summary>
    /// <returns>True if no check failed.</returns>
    public bool Execute(LineWriter progress, long reportEvery, long checkEvery, int batch)
    {
        DigitsMlp model = Model;
        SoakOptimizer optimizer = Optimizer;
        Digit[] train = _train;
        int count = train.Length;
        float weight = 1f / batch;
        long sinceCheck = 0;
        long sinceReport = 0;
        double windowLoss = 0;
        long start = Stopwatch.GetTimestamp();
        for (long step = 1; step <= PlannedSteps; step++)
        {
            model.ZeroGrad();
            float loss = 0f;
            for (int b = 0; b < batch; b++)
            {
                int i = _cursor;
                _cursor = i + 1 == count ? 0 : i + 1;
                Digit digit = train[i];
                loss += model.AccumulateCrossEntropyGradient(digit.Pixels, digit.Label, weight);
            }

            optimizer.Step();
            StepsDone = step;

            double norm = optimizer.LastGradientNorm;
            if (!float.IsFinite(loss))
            {
                return Fail(SoakFailure.NonFiniteLoss, step, -1, start);
            }

            if (!double.IsFinite(norm))
            {
                return Fail(SoakFailure.NonFiniteGradientNorm, step, -1, start);
            }

            if (optimizer.SkippedStepCount != 0)
            {
                return Fail(SoakFailure.SkippedStep, step, -1, start);
            }

            if (norm > SoakOptimizer.MaxGradientNorm)
            {
                ClippedSteps++;
            }

            if (norm > MaxGradientNormSeen)
            {
                MaxGradientNormSeen = norm;
            }

            windowLoss += loss;
            if (++sinceCheck == checkEvery || step == PlannedSteps)
            {
                sinceCheck = 0;
                if (!CheckAll(step, start))
                {
                    return false;
                }
            }

            if (reportEvery > 0 && ++sinceReport == reportEvery)
            {
                RecentLoss = windowLoss / ((double)sinceReport * batch);
                windowLoss = 0;
                sinceReport = 0;
                ElapsedTicks = Stopwatch.GetTimestamp() - start;
                Report(progress);
            }
        }

        if (reportEvery == 0 || sinceReport > 0)
        {
            long window = reportEvery == 0 ? PlannedSteps : sinceReport;
            RecentLoss = windowLoss / ((double)window * batch);
        }

        ElapsedTicks = Stopwatch.GetTimestamp() - start;
        if (optimizer.StepCount != PlannedSteps)
        {
            return Fail(SoakFailure.WrongStepCount, PlannedSteps, -1, start);
        }

        return true;
    }

    /// <summary>The fraction of <paramref name="data"/> the model classifies correctly.</summary>
    public double Accuracy(Digit[] data)
    {
        int correct = 0;
        foreach (Digit digit in data)
        {
            correct += Model.Predict(digit.Pixels) == digit.Label ? 1 : 0;
        }

        return correct / (double)data.Length;
    }

    /// <summary>
    /// Parameters that are subnormal (nonzero and below float.MinNormal in magnitude): finite, but
    /// slow on x86, where every arithmetic instruction touching one takes a microcode assist.
    /// </summary>
    public int SubnormalParameters()
    {
        int count = 0;
        foreach (float p in Model.Parameters)
        {
            count += p != 0f && !float.IsNormal(p) ? 1 : 0;
        }

        return count;
    }

    /// <summary>Writes one progress line for this run.</summary>
    public void Report(LineWriter progress)
    {
        double seconds = ElapsedTicks / (double)Stopwatch.Frequency;
        progress.Text("  ").Text(Optimizer.Name).Column(9)
            .Integer(StepsDone).Text(" / ").Integer(PlannedSteps).Column(36)
            .Number(seconds, "F1").Text(" s").Column(46)
            .Integer(seconds > 0 ? (long)(StepsDone / seconds) : 0).Text(" steps/s").Column(64)
            .Text("loss ").Number(RecentLoss, "F4").Column(77)
            .Text("max|w| ").Number(MaxAbsParameter, "F3").Column(92)
            .Text("clipped ").Integer(ClippedSteps)
            .EndLine();
    }

    /// <summary>Every parameter, every gradient and L2Penalty() finite; updates <see cref="MaxAbsParameter"/>.</summary>
    private bool CheckAll(long step, long start)
    {
        Checks++;
        float[] parameters = Model.Parameters;
        float max = MaxAbsParameter;
        for (int i = 0; i < parameters.Length; i++)
        {
            float p = parameters[i];
            if (!float.IsFinite(p))
            {
                return Fail(SoakFailure.NonFiniteParameter, step, i, start);
            }

            max = Math.Max(max, Math.Abs(p));
        }

        MaxAbsParameter = max;
        float[] gradients = Model.Gradients;
        for (int i = 0; i < gradients.Length; i++)
        {
            if (!float.IsFinite(gradients[i]))
            {
                return Fail(SoakFailure.NonFiniteGradient, step, i, start);
            }
        }

        return double.IsFinite(Optimizer.L2Penalty()) || Fail(SoakFailure.NonFinitePenalty, step, -1, start);
    }

    private bool Fail(SoakFailure failure, long step, int index, long start)
    {
        Failure = failure;
        FailureStep = step;
        FailureIndex = index;
        ElapsedTicks = Stopwatch.GetTimestamp() - start;
        return false;
    }
}
