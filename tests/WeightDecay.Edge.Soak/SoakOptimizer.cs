using WeightDecay.Edge.Demo;

namespace WeightDecay.Edge.Soak;

/// <summary>
/// One generated optimizer seen through what the soak needs: <see cref="IOptimizer"/> has the step,
/// and this adds the members the generated classes share but the interface does not carry (the
/// non-finite guard's counter, the gradient norm, the penalty). A virtual call per step costs
/// nothing next to a training step.
/// </summary>
internal abstract class SoakOptimizer
{
    /// <summary>Gradient clipping threshold used for every optimizer (torch's clip_grad_norm_ max_norm).</summary>
    public const float MaxGradientNorm = 2f;

    /// <summary>The optimizer's name as the command line spells it.</summary>
    public abstract string Name { get; }

    /// <summary>The hyperparameters, for the report.</summary>
    public abstract string Settings { get; }

    /// <summary>Completed steps.</summary>
    public abstract long StepCount { get; }

    /// <summary>Steps skipped by the non-finite guard.</summary>
    public abstract long SkippedStepCount { get; }

    /// <summary>The gradient norm of the last step, before clipping.</summary>
    public abstract double LastGradientNorm { get; }

    /// <summary>(λ/2)·Σw² over the decayed tensors.</summary>
    public abstract double L2Penalty();

    /// <summary>One optimizer step.</summary>
    public abstract void Step();

    /// <summary>
    /// Creates the optimizer of <paramref name="kind"/> for <paramref name="model"/> with the soak's
    /// hyperparameters, clipping at <see cref="MaxGradientNorm"/> and the non-finite guard on, and
    /// <c>FlushSubnormals</c> as <paramref name="flushSubnormals"/> says.
    /// </summary>
    public static SoakOptimizer Create(OptimizerKind kind, DigitsMlp model, bool flushSubnormals = false) => kind switch
    {
        OptimizerKind.AdamW => new AdamW(model, flushSubnormals),
        OptimizerKind.Adam => new Adam(model, flushSubnormals),
        _ => new Sgd(model, flushSubnormals),
    };

    private sealed class AdamW(DigitsMlp model, bool flushSubnormals) : SoakOptimizer
    {
        private readonly DigitsMlp.AdamWOptimizer _optimizer = new(model)
        {
            LearningRate = 1e-3f,
            WeightDecay = 1e-2f,
            MaxGradientNorm = MaxGradientNorm,
            SkipNonFiniteSteps = true,
            FlushSubnormals = flushSubnormals,
        };

        public override string Name => "adamw";

        public override string Settings => "lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2 (decoupled)";

        public override long StepCount => _optimizer.StepCount;

        public override long SkippedStepCount => _optimizer.SkippedStepCount;

        public override double LastGradientNorm => _optimizer.LastGradientNorm;

        public override double L2Penalty() => _optimizer.L2Penalty();

        public override void Step() => _optimizer.Step();
    }

    private sealed class Adam(DigitsMlp model, bool flushSubnormals) : SoakOptimizer
    {
        private readonly DigitsMlp.AdamOptimizer _optimizer = new(model)
        {
            LearningRate = 1e-3f,
            WeightDecay = 1e-4f,
            MaxGradientNorm = MaxGradientNorm,
            SkipNonFiniteSteps = true,
            FlushSubnormals = flushSubnormals,
        };

        public override string Name => "adam";

        public override string Settings => "lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-4 (coupled L2)";

        public override long StepCount => _optimizer.StepCount;

        public override long SkippedStepCount => _optimizer.SkippedStepCount;

        public override double LastGradientNorm => _optimizer.LastGradientNorm;

        public override double L2Penalty() => _optimizer.L2Penalty();

        public override void Step() => _optimizer.Step();
    }

    private sealed class Sgd(DigitsMlp model, bool flushSubnormals) : SoakOptimizer
    {
        private readonly DigitsMlp.SgdOptimizer _optimizer = new(model)
        {
            LearningRate = 1e-2f,
            Momentum = 0.9f,
            WeightDecay = 1e-4f,
            MaxGradientNorm = MaxGradientNorm,
            SkipNonFiniteSteps = true,
            FlushSubnormals = flushSubnormals,
        };

        public override string Name => "sgd";

        public override string Settings => "lr 1e-2, momentum 0.9, weight_decay 1e-4 (coupled L2)";

        public override long StepCount => _optimizer.StepCount;

        public override long SkippedStepCount => _optimizer.SkippedStepCount;

        public override double LastGradientNorm => _optimizer.LastGradientNorm;

        public override double L2Penalty() => _optimizer.L2Penalty();

        public override void Step() => _optimizer.Step();
    }
}
