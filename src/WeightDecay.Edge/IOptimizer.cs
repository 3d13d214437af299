using System.IO;

namespace WeightDecay.Edge;

/// <summary>
/// A generated optimizer (<c>SgdOptimizer</c>, <c>AdamOptimizer</c> or <c>AdamWOptimizer</c>) seen
/// without its static type: everything the three share, so a training loop (schedule, clipping,
/// the non-finite guard, checkpoints) is written once for any of them.
/// </summary>
public interface IOptimizer
{
    /// <summary>Number of completed <see cref="Step"/> calls (skipped steps are not counted).</summary>
    long StepCount { get; }

    /// <summary>The learning rate (torch.optim: <c>lr</c>).</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">Set to a negative value or NaN.</exception>
    float LearningRate { get; set; }

    /// <summary>The weight decay λ (torch.optim: <c>weight_decay</c>); coupled or decoupled depending on the optimizer.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">Set to a negative value or NaN.</exception>
    float WeightDecay { get; set; }

    /// <summary>
    /// When set, the step ascends instead: the gradient is negated before weight decay and momentum
    /// (torch.optim: <c>maximize</c>). Default false.
    /// </summary>
    bool Maximize { get; set; }

    /// <summary>
    /// The learning-rate schedule: each step uses <c>LearningRate · Schedule.Multiplier(StepCount)</c>.
    /// Default <see cref="LearningRateSchedule.Constant"/>.
    /// </summary>
    /// <exception cref="System.ArgumentNullException">Set to null.</exception>
    LearningRateSchedule Schedule { get; set; }

    /// <summary>
    /// When positive, the trainable gradients are scaled so their global L2 norm is at most this value before
    /// each step (torch.nn.utils.clip_grad_norm_). 0 (the default) turns clipping off.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">Set to a negative value or NaN.</exception>
    float MaxGradientNorm { get; set; }

    /// <summary>The global L2 norm of the trainable gradients as last computed by <see cref="Step"/>, before clipping.</summary>
    double LastGradientNorm { get; }

    /// <summary>When set, a step whose gradients hold a NaN or an infinity changes nothing and is counted in
    /// <see cref="SkippedStepCount"/>.</summary>
    bool SkipNonFiniteSteps { get; set; }

    /// <summary>Number of steps skipped because of a non-finite gradient.</summary>
    long SkippedStepCount { get; }

    /// <summary>Bytes of optimizer state the constructor allocated (the class's <c>StateBytes</c> constant).</summary>
    long StateBytes { get; }

    /// <summary>Bytes of a checkpoint of the optimizer as it is configured now.</summary>
    /// <exception cref="System.NotSupportedException">The layout is too large for a checkpoint (over 2 GiB).</exception>
    int CheckpointBytes { get; }

    /// <summary>(λ/2)·Σw² over the decayed tensors: the penalty whose gradient is the coupled decay term (torch's convention).</summary>
    double L2Penalty();

    /// <summary>Updates the layout's parameters in place from its gradients; allocates nothing.</summary>
    void Step();

    /// <summary>Sets every gradient of the layout to zero.</summary>
    void ZeroGrad();

    /// <summary>Writes a checkpoint of the model and the optimizer at <paramref name="offset"/>; returns its length. Allocates
    /// nothing.</summary>
    /// <exception cref="System.NotSupportedException">The layout is too large for a checkpoint.</exception>
    int SaveCheckpoint(byte[] destination, int offset);

    /// <summary>Loads a checkpoint; on any refusal (a <see cref="CheckpointException"/>) nothing changes.</summary>
    /// <exception cref="CheckpointException">The checkpoint was refused; the exception's type and <see cref="CheckpointException.Error"/>
    /// say why.</exception>
    /// <exception cref="System.NotSupportedException">The layout is too large for a checkpoint.</exception>
    void LoadCheckpoint(byte[] source, int offset, int count);

    /// <summary>Writes a checkpoint to <paramref name="stream"/>.</summary>
    /// <exception cref="System.NotSupportedException">The layout is too large for a checkpoint.</exception>
    void SaveCheckpoint(Stream stream);

    /// <summary>Reads and loads a checkpoint from <paramref name="stream"/>; on any refusal nothing changes.</summary>
    /// <exception cref="CheckpointException">The checkpoint was refused.</exception>
    /// <exception cref="System.NotSupportedException">The layout is too large for a checkpoint.</exception>
    void LoadCheckpoint(Stream stream);

    /// <summary>Saves with the two-slot protocol; returns the sequence number written.</summary>
    /// <exception cref="System.NotSupportedException">The layout is too large for a checkpoint.</exception>
    ulong SaveCheckpoint(ICheckpointStorage storage, byte[] scratch);

    /// <summary>Loads the newest loadable checkpoint of a two-slot storage; returns the slot loaded.</summary>
    /// <exception cref="CheckpointNotFoundException">Neither slot is loadable; nothing changed.</exception>
    /// <exception cref="System.NotSupportedException">The layout is too large for a checkpoint.</exception>
    int LoadCheckpoint(ICheckpointStorage storage, byte[] scratch);
}
