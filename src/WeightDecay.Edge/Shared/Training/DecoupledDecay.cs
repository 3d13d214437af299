#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>
    /// How <c>AdamWOptimizer</c> scales its decoupled weight decay λ at step t. The Adam update itself
    /// is the same in both modes; only the factor applied to decayed parameters before it differs:
    /// <list type="table">
    /// <listheader><term>Mode</term><description>Decay applied each step</description></listheader>
    /// <item><term><see cref="LearningRateCoupled"/> (default)</term><description>
    /// <c>p *= 1 - lr_t·λ</c> with <c>lr_t = LearningRate·η_t</c>: torch.optim.AdamW. The effective decay
    /// per step is the product of learning rate and λ, so changing the learning rate changes the decay.
    /// </description></item>
    /// <item><term><see cref="ScheduleCoupled"/></term><description>
    /// <c>p *= 1 - η_t·λ</c>, where η_t is the schedule multiplier alone: Loshchilov and Hutter, "Decoupled
    /// Weight Decay Regularization" (ICLR 2019), Algorithm 2, line 12. λ is then the fraction removed per
    /// step at the schedule's peak, independent of the learning rate (values around 1e-4 to 1e-3 are usual;
    /// the torch default 0.01 would remove 1% of each weight per step).
    /// </description></item>
    /// </list>
    /// η_t is <c>Schedule.Multiplier(StepCount)</c>; with the default constant schedule η_t = 1.
    /// </summary>
    public enum DecoupledDecay
    {
        /// <summary>torch.optim.AdamW: <c>p *= 1 - LearningRate·η_t·λ</c>.</summary>
        LearningRateCoupled = 0,

        /// <summary>The paper's Algorithm 2: <c>p *= 1 - η_t·λ</c>, independent of the base learning rate.</summary>
        ScheduleCoupled = 1,
    }
}
