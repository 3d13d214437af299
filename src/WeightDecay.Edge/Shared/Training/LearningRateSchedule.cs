#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>
    /// A learning-rate schedule: the multiplier η_t applied to an optimizer's base <c>LearningRate</c>
    /// at step t, where t is the optimizer's <c>StepCount</c> before the step (0 for the first step).
    /// The step therefore uses <c>lr_t = LearningRate·Multiplier(StepCount)</c>, computed in double, which
    /// is the learning rate torch uses when <c>scheduler.step()</c> is called once after each
    /// <c>optimizer.step()</c>. The built-in schedules are immutable and allocate nothing per step.
    /// </summary>
    /// <remarks>
    /// A schedule of your own is a subclass that overrides <see cref="Multiplier"/> (the equivalent of
    /// torch's <c>LambdaLR(optimizer, lr_lambda)</c>, whose <c>lr_lambda(t)</c> is this multiplier), or
    /// <see cref="Lambda"/> over a <see cref="MultiplierFunction"/>. Both work on nanoFramework too. The
    /// optimizer calls it once per step and refuses a result that is negative, NaN or infinite.
    /// </remarks>
    public abstract class LearningRateSchedule
    {
        private const double Pi = 3.141592653589793;

        private static readonly LearningRateSchedule s_constant = new ConstantSchedule();

        /// <summary>For subclasses.</summary>
        protected LearningRateSchedule()
        {
        }

        /// <summary>
        /// The multiplier η_t for step <paramref name="step"/> (0-based: the number of steps already taken);
        /// finite and zero or positive. Called once per optimizer step: it should not allocate.
        /// </summary>
        /// <param name="step">The optimizer's <c>StepCount</c> before the step; zero or positive.</param>
        public abstract double Multiplier(long step);

        /// <summary>η_t = 1 for every step: the base learning rate throughout (no scheduler in torch). The default.</summary>
        public static LearningRateSchedule Constant()
        {
            return s_constant;
        }

        /// <summary>
        /// η_t = gamma^floor(t / stepSize), as <c>torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma)</c>
        /// (its closed form). <paramref name="gamma"/> is read as the decimal typed (0.1f is 0.1), as Python would.
        /// </summary>
        /// <param name="stepSize">Steps between two decays; at least 1.</param>
        /// <param name="gamma">The factor applied every <paramref name="stepSize"/> steps; finite and zero or positive.</param>
        /// <exception cref="global::System.ArgumentOutOfRangeException">An argument is outside its range.</exception>
        public static LearningRateSchedule Step(int stepSize, float gamma)
        {
            if (stepSize < 1)
            {
                throw new global::System.ArgumentOutOfRangeException("stepSize", "stepSize must be at least 1, but was "
                    + stepSize.ToString() + ".");
            }

            if (global::WeightDecay.Edge.Generated.HyperParameters.IsNaN(gamma) || gamma < 0f || float.MaxValue < gamma)
            {
                throw new global::System.ArgumentOutOfRangeException("gamma", "gamma must be finite and zero or positive, but was "
                    + gamma.ToString() + ".");
            }

            return new StepSchedule(stepSize, global::WeightDecay.Edge.Generated.HyperParameters.ToDecimal(gamma));
        }

        /// <summary>
        /// Linear warm-up from 0, then cosine decay to <paramref name="minFactor"/> times the base rate:
        /// <code>
        /// η_t = t / W                                              for t &lt; W
        /// η_t = m + (1 - m)·(1 + cos(π·(t - W) / (T - W))) / 2      for W &lt;= t &lt; T
        /// η_t = m                                                  for t &gt;= T
        /// </code>
        /// with W = <paramref name="warmupSteps"/>, T = <paramref name="totalSteps"/>, m = <paramref name="minFactor"/>
        /// (the first step, t = 0, therefore uses learning rate 0 when W &gt; 0). In torch, for base rate <c>lr</c>:
        /// <code>
        /// warmup = LinearLR(opt, start_factor=ε, end_factor=1.0, total_iters=W)
        /// cosine = CosineAnnealingLR(opt, T_max=T - W, eta_min=m * lr)
        /// SequentialLR(opt, [warmup, cosine], milestones=[W])       # scheduler.step() after each optimizer.step()
        /// </code>
        /// in the limit ε → 0 (torch requires start_factor &gt; 0; with ε = 1e-8 the rates differ by at most
        /// 1e-8·lr during warm-up), and with W = 0 the cosine scheduler alone. Two differences from torch:
        /// past T this holds m·lr, where CosineAnnealingLR is periodic and would rise again; and these are
        /// torch's closed forms, while its schedulers update the rate recursively in double, which can
        /// differ in the last bits.
        /// </summary>
        /// <param name="warmupSteps">W: steps of linear warm-up; zero or more.</param>
        /// <param name="totalSteps">T: the step at which the cosine reaches its minimum; greater than W.</param>
        /// <param name="minFactor">m: the final multiplier, in [0, 1]; read as the decimal typed.</param>
        /// <exception cref="global::System.ArgumentOutOfRangeException">An argument is outside its range.</exception>
        public static LearningRateSchedule WarmupCosine(int warmupSteps, int totalSteps, float minFactor)
        {
            if (warmupSteps < 0)
            {
                throw new global::System.ArgumentOutOfRangeException("warmupSteps", "warmupSteps must be zero or positive, but was "
                    + warmupSteps.ToString() + ".");
            }

            if (totalSteps <= warmupSteps)
            {
                throw new global::System.ArgumentOutOfRangeException("totalSteps", "totalSteps must be greater than warmupSteps, but was "
                    + totalSteps.ToString() + ".");
            }

            if (global::WeightDecay.Edge.Generated.HyperParameters.IsNaN(minFactor) || minFactor < 0f || 1f < minFactor)
            {
                throw new global::System.ArgumentOutOfRangeException("minFactor", "minFactor must be in [0, 1], but was "
                    + minFactor.ToString() + ".");
            }

            return new WarmupCosineSchedule(warmupSteps, totalSteps,
                global::WeightDecay.Edge.Generated.HyperParameters.ToDecimal(minFactor));
        }

        /// <summary>
        /// η_t = <paramref name="multiplier"/>(t): torch's <c>LambdaLR(optimizer, lr_lambda=multiplier)</c>.
        /// The function is called once per step; keep it free of allocations.
        /// </summary>
        /// <param name="multiplier">The multiplier for each step.</param>
        /// <exception cref="global::System.ArgumentNullException"><paramref name="multiplier"/> is null.</exception>
        public static LearningRateSchedule Lambda(MultiplierFunction multiplier)
        {
            if (multiplier == null)
            {
                throw new global::System.ArgumentNullException("multiplier");
            }

            return new LambdaSchedule(multiplier);
        }

        private static void RequireStep(long step)
        {
            if (step < 0)
            {
                throw new global::System.ArgumentOutOfRangeException("step", "step must be zero or positive.");
            }
        }

        private sealed class ConstantSchedule : LearningRateSchedule
        {
            public override double Multiplier(long step)
            {
                RequireStep(step);
                return 1.0;
            }
        }

        private sealed class StepSchedule : LearningRateSchedule
        {
            private readonly int _stepSize;
            private readonly double _gamma;

            public StepSchedule(int stepSize, double gamma)
            {
                _stepSize = stepSize;
                _gamma = gamma;
            }

            public override double Multiplier(long step)
            {
                RequireStep(step);
                return global::WeightDecay.Edge.Generated.FloatMath.Pow(_gamma, step / _stepSize);
            }
        }

        private sealed class WarmupCosineSchedule : LearningRateSchedule
        {
            private readonly int _warmupSteps;
            private readonly int _totalSteps;
            private readonly double _minFactor;

            public WarmupCosineSchedule(int warmupSteps, int totalSteps, double minFactor)
            {
                _warmupSteps = warmupSteps;
                _totalSteps = totalSteps;
                _minFactor = minFactor;
            }

            public override double Multiplier(long step)
            {
                RequireStep(step);
                if (step < _warmupSteps)
                {
                    return (double)step / _warmupSteps;
                }

                if (step >= _totalSteps)
                {
                    return _minFactor;
                }

                double progress = (double)(step - _warmupSteps) / (_totalSteps - _warmupSteps);
                return _minFactor + ((1.0 - _minFactor) * 0.5 * (1.0 + global::WeightDecay.Edge.Generated.FloatMath.Cos(Pi * progress)));
            }
        }

        private sealed class LambdaSchedule : LearningRateSchedule
        {
            private readonly MultiplierFunction _multiplier;

            public LambdaSchedule(MultiplierFunction multiplier)
            {
                _multiplier = multiplier;
            }

            public override double Multiplier(long step)
            {
                return _multiplier(step);
            }
        }
    }

    /// <summary>The learning-rate multiplier η_t of a <see cref="LearningRateSchedule.Lambda"/> schedule at step t.</summary>
    /// <param name="step">The optimizer's <c>StepCount</c> before the step (0 for the first step).</param>
    /// <returns>η_t: finite and zero or positive.</returns>
    public delegate double MultiplierFunction(long step);
}
