// A layout with frozen tensors for the training-loop features (schedule, clipping, skip guard),
// compiled for both profiles like SampleLayouts.cs: against nanoFramework's mscorlib here, and
// into the desktop device tests, so the two builds can be compared step by step.
using WeightDecay.Edge;

namespace WeightDecay.Edge.Device.Samples
{
    /// <summary>
    /// A keyword head fine-tuned on the device: a frozen feature projection (never updated, no
    /// optimizer state) in front of a trainable classifier, with a frozen normalisation scale; the
    /// classifier's weights are pruned by a proximal L1 step, and its head's rows are norm-limited and decayed
    /// toward their pre-trained values (the anchor) instead of toward zero, in a parameter group of their own that
    /// learns at half the rate and decays twice as hard (LearningRateScale, WeightDecayScale).
    /// </summary>
    [ModelLayout]
    [Tensor("Projection", 12, 8, Trainable = false)]
    [Tensor("W", 8, 5, L1 = 0.2f)]
    [Tensor("B", 5, Decay = false)]
    [Tensor("Scale", 3, Trainable = false, Decay = false)]
    [Tensor("Head", 5, 3, MaxNorm = 0.8f, DecayTowardAnchor = true, LearningRateScale = 0.5f, WeightDecayScale = 2f)]
    [Tensor("HeadBias", 3, Decay = false, LearningRateScale = 0.5f)]
    [Sgd, Adam, AdamW]
    public partial class FrozenFeatureHead
    {
        /// <summary>The frozen scalars: <c>FrozenParameterCount</c>, usable on the device as well.</summary>
        public static int FrozenScalars()
        {
            return FrozenParameterCount;
        }
    }

    /// <summary>
    /// A head that takes one AdamW update per four micro-batches (declared gradient accumulation): a device whose RAM
    /// holds one sample's activations at a time still trains on the mean gradient of four; and keeps a moving average
    /// of its weights (EmaDecay) to evaluate with.
    /// </summary>
    [ModelLayout(GradientAccumulationSteps = 4, EmaDecay = 0.9f)]
    [Tensor("Projection", 6, 4, Trainable = false)]
    [Tensor("W", 4, 3)]
    [Tensor("B", 3, Decay = false)]
    [AdamW]
    public partial class AccumulatingHead
    {
    }

    /// <summary>
    /// The same kind of head trained with cautious weight decay (<c>[AdamW(CautiousWeightDecay = true)]</c>): W decayed
    /// toward zero and Head toward its anchor, each coordinate only in the steps where its update agrees in sign; the
    /// biases are not decayed. AdamW, and SGD for its decoupled mode (SGDW), as a firmware that uses the option would opt in.
    /// </summary>
    [ModelLayout]
    [Tensor("W", 8, 5)]
    [Tensor("B", 5, Decay = false)]
    [Tensor("Head", 5, 3, DecayTowardAnchor = true)]
    [Tensor("HeadBias", 3, Decay = false)]
    [AdamW(CautiousWeightDecay = true)]
    [Sgd(CautiousWeightDecay = true)]
    public partial class CautiousHead
    {
    }

    /// <summary>
    /// A schedule of the user's own, as torch's LambdaLR takes a lambda: halves the learning rate every
    /// ten steps. Written in C# 7.3 without System.Math so it runs on the device; allocates nothing.
    /// Internal because on the device the schedule type it derives from is emitted internal.
    /// </summary>
    internal sealed class HalvingSchedule : LearningRateSchedule
    {
        public override double Multiplier(long step)
        {
            double multiplier = 1.0;
            for (long halvings = step / 10; halvings > 0; halvings--)
            {
                multiplier *= 0.5;
            }

            return multiplier;
        }
    }
}
