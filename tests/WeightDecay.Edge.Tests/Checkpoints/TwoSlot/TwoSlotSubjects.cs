using System;
using WeightDecay.Edge.Tests.Dense;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>The layouts the two-slot tests run on: two small enough to sweep every byte, one realistic.</summary>
public enum TwoSlotLayout
{
    /// <summary>TinyLayout: 5 parameters.</summary>
    Tiny,

    /// <summary>MixedLayout: 67 parameters, decayed and not-decayed tensors.</summary>
    Mixed,

    /// <summary>DigitsMlp: 64 -> 32 ReLU -> 10, 2,410 parameters.</summary>
    Digits,
}

/// <summary>The optimizer configurations, each with the optional state that makes its checkpoint longest or shortest.</summary>
public enum TwoSlotOptimizer
{
    /// <summary>SGD with Nesterov momentum (a momentum buffer) and weight decay.</summary>
    SgdMomentum,

    /// <summary>Adam with L2 decay and the non-finite guard on, without AMSGrad.</summary>
    Adam,

    /// <summary>AdamW with AMSGrad (max_exp_avg_sq) and gradient clipping.</summary>
    AdamWAmsgrad,
}

/// <summary>Creates configured subjects; the same arguments always give the same state.</summary>
internal static class TwoSlotSubjects
{
    /// <summary>The key authenticated two-slot runs seal with (any 32 bytes: the tests only need it fixed).</summary>
    public static readonly byte[] Key = Convert.FromHexString("5EA1ED5EA1ED5EA1ED0123456789ABCDEF00112233445566778899AABBCCDDEE");

    /// <summary>
    /// A model with parameters drawn from <paramref name="seed"/> and its optimizer, configured as
    /// <paramref name="optimizer"/> says. With <paramref name="otherState"/> the optimizer's optional state is
    /// the other way (SGD without momentum, Adam with AMSGrad, AdamW without), so its checkpoints are not
    /// loadable by the default configuration and the other way round. With <paramref name="authenticated"/> its two-slot
    /// saves and loads seal with <see cref="Key"/> and require it.
    /// </summary>
    public static CheckpointSubject Create(TwoSlotLayout layout, TwoSlotOptimizer optimizer, int seed, bool otherState = false, bool authenticated = false)
    {
        CheckpointSubject subject = layout switch
        {
            TwoSlotLayout.Tiny => Tiny(optimizer, otherState),
            TwoSlotLayout.Mixed => Mixed(optimizer, otherState),
            TwoSlotLayout.Digits => Digits(optimizer, otherState),
            _ => throw new ArgumentOutOfRangeException(nameof(layout)),
        };
        subject.Randomize(seed);
        subject.Key = authenticated ? new CheckpointKey(Key) : null;
        return subject;
    }

    private static CheckpointSubject Tiny(TwoSlotOptimizer optimizer, bool otherState)
    {
        var model = new TinyLayout();
        switch (optimizer)
        {
            case TwoSlotOptimizer.SgdMomentum:
                var sgd = new TinyLayout.SgdOptimizer(model) { LearningRate = 0.05f, WeightDecay = 0.01f };
                ConfigureMomentum(otherState, value => sgd.Momentum = value, value => sgd.Nesterov = value);
                return new(model, sgd, sgd.SaveCheckpoint, sgd.LoadCheckpoint, sgd.SaveCheckpoint, sgd.LoadCheckpoint, () => sgd.CheckpointBytes, sgd.SaveCheckpoint, sgd.LoadCheckpoint, sgd.LoadCheckpoint);
            case TwoSlotOptimizer.Adam:
                var adam = new TinyLayout.AdamOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0.01f, SkipNonFiniteSteps = true, Amsgrad = otherState };
                return new(model, adam, adam.SaveCheckpoint, adam.LoadCheckpoint, adam.SaveCheckpoint, adam.LoadCheckpoint, () => adam.CheckpointBytes, adam.SaveCheckpoint, adam.LoadCheckpoint, adam.LoadCheckpoint);
            case TwoSlotOptimizer.AdamWAmsgrad:
                var adamW = new TinyLayout.AdamWOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0.1f, MaxGradientNorm = 1f, Amsgrad = !otherState };
                return new(model, adamW, adamW.SaveCheckpoint, adamW.LoadCheckpoint, adamW.SaveCheckpoint, adamW.LoadCheckpoint, () => adamW.CheckpointBytes, adamW.SaveCheckpoint, adamW.LoadCheckpoint, adamW.LoadCheckpoint);
            default:
                throw new ArgumentOutOfRangeException(nameof(optimizer));
        }
    }

    private static CheckpointSubject Mixed(TwoSlotOptimizer optimizer, bool otherState)
    {
        var model = new MixedLayout();
        switch (optimizer)
        {
            case TwoSlotOptimizer.SgdMomentum:
                var sgd = new MixedLayout.SgdOptimizer(model) { LearningRate = 0.05f, WeightDecay = 0.01f };
                ConfigureMomentum(otherState, value => sgd.Momentum = value, value => sgd.Nesterov = value);
                return new(model, sgd, sgd.SaveCheckpoint, sgd.LoadCheckpoint, sgd.SaveCheckpoint, sgd.LoadCheckpoint, () => sgd.CheckpointBytes, sgd.SaveCheckpoint, sgd.LoadCheckpoint, sgd.LoadCheckpoint);
            case TwoSlotOptimizer.Adam:
                var adam = new MixedLayout.AdamOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0.01f, SkipNonFiniteSteps = true, Amsgrad = otherState };
                return new(model, adam, adam.SaveCheckpoint, adam.LoadCheckpoint, adam.SaveCheckpoint, adam.LoadCheckpoint, () => adam.CheckpointBytes, adam.SaveCheckpoint, adam.LoadCheckpoint, adam.LoadCheckpoint);
            case TwoSlotOptimizer.AdamWAmsgrad:
                var adamW = new MixedLayout.AdamWOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0.1f, MaxGradientNorm = 1f, Amsgrad = !otherState };
                return new(model, adamW, adamW.SaveCheckpoint, adamW.LoadCheckpoint, adamW.SaveCheckpoint, adamW.LoadCheckpoint, () => adamW.CheckpointBytes, adamW.SaveCheckpoint, adamW.LoadCheckpoint, adamW.LoadCheckpoint);
            default:
                throw new ArgumentOutOfRangeException(nameof(optimizer));
        }
    }

    private static CheckpointSubject Digits(TwoSlotOptimizer optimizer, bool otherState)
    {
        var model = new DigitsMlp();
        switch (optimizer)
        {
            case TwoSlotOptimizer.SgdMomentum:
                var sgd = new DigitsMlp.SgdOptimizer(model) { LearningRate = 0.05f, WeightDecay = 0.01f };
                ConfigureMomentum(otherState, value => sgd.Momentum = value, value => sgd.Nesterov = value);
                return new(model, sgd, sgd.SaveCheckpoint, sgd.LoadCheckpoint, sgd.SaveCheckpoint, sgd.LoadCheckpoint, () => sgd.CheckpointBytes, sgd.SaveCheckpoint, sgd.LoadCheckpoint, sgd.LoadCheckpoint);
            case TwoSlotOptimizer.Adam:
                var adam = new DigitsMlp.AdamOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0.01f, SkipNonFiniteSteps = true, Amsgrad = otherState };
                return new(model, adam, adam.SaveCheckpoint, adam.LoadCheckpoint, adam.SaveCheckpoint, adam.LoadCheckpoint, () => adam.CheckpointBytes, adam.SaveCheckpoint, adam.LoadCheckpoint, adam.LoadCheckpoint);
            case TwoSlotOptimizer.AdamWAmsgrad:
                var adamW = new DigitsMlp.AdamWOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0.1f, MaxGradientNorm = 1f, Amsgrad = !otherState };
                return new(model, adamW, adamW.SaveCheckpoint, adamW.LoadCheckpoint, adamW.SaveCheckpoint, adamW.LoadCheckpoint, () => adamW.CheckpointBytes, adamW.SaveCheckpoint, adamW.LoadCheckpoint, adamW.LoadCheckpoint);
            default:
                throw new ArgumentOutOfRangeException(nameof(optimizer));
        }
    }

    private static void ConfigureMomentum(bool otherState, Action<float> setMomentum, Action<bool> setNesterov)
    {
        if (!otherState)
        {
            setMomentum(0.9f);
            setNesterov(true);
        }
    }
}
