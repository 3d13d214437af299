using System.Linq;
using WeightDecay.Edge.Generators.Emit;

namespace WeightDecay.Edge.Generators.Model;

/// <summary>
/// The method-body IL the device profile generates for one layout, estimated by part from its spec:
/// what the <c>DeviceIlBytes</c> constant says and what <c>[ModelLayout(FlashBudgetBytes = ...)]</c>
/// is checked against. An NFMRK1 .pe holds at most 64 KiB of nanoFramework bytecode, about
/// 0.84 x the IL bytes, shared with the firmware's own code. The coefficients are fitted to the
/// sample layouts' measured IL (device/WeightDecay.Edge.Device.Tests, IlSizeTests), which a test
/// keeps within 15% of this estimate; refit them when the device emission changes.
/// </summary>
internal readonly struct FlashEstimate
{
    /// <summary>The types emitted once per device assembly (helpers, formats, schedules, math).</summary>
    public const long SharedBytes = 10_200;

    /// <summary>
    /// What <c>FlushSubnormals</c> adds to each optimizer, counted from its IL: the property (about 17 bytes), the
    /// test at the end of Step (14), the flush method's frame (25) and, per run, its loop (about 56 per trainable
    /// stretch, about 28 per run on the sample layouts); in the checkpoint, the option bit's save and load (26).
    /// </summary>
    private const long FlushBytes = 56, FlushBytesPerRun = 28, FlushCheckpointBytes = 26;

    /// <summary>
    /// What the regularisers add, counted from their IL on the sample layouts: every layout's <c>CountZeros</c> (57, and
    /// 20 per tensor for its switch) and <c>L1Penalty</c> (10, and 75 per L1 tensor); where a tensor declares one, the
    /// <c>ApplyConstraints</c> frame (13) with 20 per call, the shrink helper (88) and the row-norm helper (138), and 18 in
    /// each optimizer's Step for the call.
    /// </summary>
    private const long ZeroCountBytes = 67, ZeroCountBytesPerTensor = 20, L1PenaltyBytesPerTensor = 75,
        ConstraintBytes = 13, ConstraintBytesPerCall = 20, ShrinkBytes = 88, RowNormBytes = 138, ConstraintStepBytes = 18;

    /// <summary>
    /// What decay toward an anchor adds, counted from the IL of FrozenFeatureHead (one anchored tensor): the layout's
    /// CaptureAnchor, SetAnchorFrom and copy (150, and 20 per anchored run for its copy and its squared-distance loop);
    /// per optimizer, one anchored kernel per update method with its calls (SGD three, about 440; Adam two, 450;
    /// AdamW two and its decay scalar, 490); and in each checkpoint codec the anchor's save, load, scan and name (70).
    /// </summary>
    private const long AnchorLayoutBytes = 150, AnchorLayoutBytesPerRun = 20, AnchorSgdBytes = 440, AnchorAdamBytes = 450,
        AnchorAdamWBytes = 490, AnchorCheckpointBytes = 70;

    /// <summary>
    /// The test at the top of each decayed or anchored loop that skips the decay term when weight_decay is 0, as torch
    /// (about 25 bytes per loop: three SGD variants and two Adam ones, AdamW's anchored loops only), and SGD's clearing
    /// of its momentum buffer before the first momentum step (20).
    /// </summary>
    private const long SkipDecayBytesPerLoop = 25, MomentumClearBytes = 20;

    /// <summary>
    /// <c>DecaySchedule</c> in each optimizer, measured on the sample layouts: its field and property, the multiplier's
    /// call and check in Step and λ_t from it (about 210).
    /// </summary>
    private const long DecayScheduleBytes = 210;

    /// <summary>SGD's <c>Decoupled</c> (SGDW): the property, the branch in Step and the decay pass (130, and 30 per decayed run).</summary>
    private const long SgdwBytes = 130, SgdwBytesPerRun = 30;

    /// <summary>
    /// Each parameter group after the first (<c>LearningRateScale</c>, <c>WeightDecayScale</c>), per optimizer: its lr and
    /// weight decay and the per-step scalars from them in Step, one more update method per variant (calls only; the loops
    /// are shared) and its calls (SGD also its decay pass); about 170, measured on FrozenFeatureHead (one extra group: 513
    /// over three optimizers).
    /// </summary>
    private const long GroupBytes = 170;

    /// <summary>
    /// <c>GradientAccumulationSteps</c> above 1, per optimizer: the fields, the public members, the call in Step and the
    /// reset in the checkpoint load (about 90), and <c>AccumulateGradients</c> (about 110, and three loops of about 30 per
    /// stretch of trainable tensors).
    /// </summary>
    private const long AccumulationBytes = 200, AccumulationBytesPerStretch = 90;

    /// <summary>
    /// AdamW's cautious weight decay (<c>[AdamW(CautiousWeightDecay = true)]</c>): the sign test and the select in each of
    /// AdamW's decaying device loops (the decayed one, and the anchored one when the layout has an anchor), in both update
    /// methods; measured on CautiousHead against the same layout without the option: 58, 58, 58 and 52 bytes.
    /// </summary>
    private const long CautiousBytesPerLoop = 56;

    /// <summary>
    /// Cautious SGDW (<c>[Sgd(CautiousWeightDecay = true)]</c>): three more update methods (plain, momentum, Nesterov),
    /// each with a loop per decay target that decays (toward zero; toward the anchor), less the decay pass it replaces;
    /// measured on CautiousHead (one of each): 1,409 bytes over the same layout with AdamW only, about 235 per loop.
    /// </summary>
    private const long SgdCautiousBytesPerLoop = 235;

    /// <summary>
    /// <c>EmaDecay</c>, per optimizer: the field, <c>CopyAveragedTo</c>, <c>UpdateAverage</c> and its call, and the average
    /// as one more state array in the checkpoint codec (about 230, and 60 per stretch of trainable tensors).
    /// </summary>
    private const long EmaBytes = 230, EmaBytesPerStretch = 60;

    /// <summary>
    /// The layout's <c>Optimizer</c> base class: what every optimizer has (schedules, clipping and the guard, the flags, the
    /// checkpoint overloads), written once per layout instead of once per optimizer. Fitted with the per-optimizer constants
    /// below (each 740 lower than when every optimizer had its own copy) to the sample layouts' IL: one to three optimizers,
    /// every estimate within 4%. The checkpoint constants are 200 lower each since the payload head and the hyperparameters
    /// are read, checked and written through shared helpers (CheckpointFormat.ValidatePayloadHead, ReadHyperParameter, ...).
    /// </summary>
    private const long BaseClassBytes = 740;

    /// <summary>Estimated IL of the generated code over which a device compilation gets a warning: 48 KiB.</summary>
    public const long WarningBytes = 48 * 1024;

    public FlashEstimate(LayoutSpec layout)
    {
        int tensors = layout.Tensors.Count;
        int runs = UpdateLoopEmitter.TrainableRuns(layout).Count();
        bool anchored = layout.AnchoredParameterCount > 0;
        int anchoredRuns = UpdateLoopEmitter.TrainableRuns(layout).Count(run => run.Decay == UpdateLoopEmitter.DecayTarget.Anchor);
        LayoutBytes = 200 + (20L * tensors) + ZeroCountBytes + (ZeroCountBytesPerTensor * tensors) + RegulariserBytes(layout)
            + (anchored ? AnchorLayoutBytes + (AnchorLayoutBytesPerRun * anchoredRuns) : 0);
        long anchorCheckpoint = anchored ? AnchorCheckpointBytes : 0;
        int decayedRuns = UpdateLoopEmitter.TrainableRuns(layout).Count(run => run.Decayed);
        int decayedLoops = (UpdateLoopEmitter.TrainableRuns(layout).Any(run => run.Decay == UpdateLoopEmitter.DecayTarget.Zero) ? 1 : 0) + (anchored ? 1 : 0);
        DenseBytes = layout.DenseLayers.Count == 0 ? 0 : 250 + (295L * layout.DenseLayers.Count);
        long optimizers = 0;
        long checkpoints = 0;
        // In every optimizer: the parameter groups after the first, gradient accumulation and the moving average.
        long perOptimizer = (GroupBytes * (UpdateLoopEmitter.Groups(layout).Count - 1)) + (!layout.AccumulatesGradients ? 0
            : AccumulationBytes + (AccumulationBytesPerStretch * TrainingLoopEmitter.TrainableStretches(layout).Count))
            + (!layout.HasEma ? 0 : EmaBytes + (EmaBytesPerStretch * TrainingLoopEmitter.TrainableStretches(layout).Count));
        long flush = FlushBytes + (FlushBytesPerRun * runs) + (layout.Tensors.Any(tensor => tensor.HasConstraint) ? ConstraintStepBytes : 0);
        if ((layout.Optimizers & OptimizerKinds.Sgd) != 0)
        {
            optimizers += 760 + (75L * runs) + perOptimizer + flush + DecayScheduleBytes + (anchored ? AnchorSgdBytes : 0) + (3 * SkipDecayBytesPerLoop * decayedLoops) + MomentumClearBytes
                + (decayedRuns > 0 ? SgdwBytes + (SgdwBytesPerRun * decayedRuns) : 0)
                + (layout.SgdCautiousWeightDecay ? 3 * SgdCautiousBytesPerLoop * decayedLoops : 0);
            checkpoints += 1_280 + FlushCheckpointBytes + (15L * tensors) + anchorCheckpoint;
        }

        if ((layout.Optimizers & OptimizerKinds.Adam) != 0)
        {
            optimizers += 1_110 + (65L * runs) + perOptimizer + flush + DecayScheduleBytes + (anchored ? AnchorAdamBytes : 0) + (2 * SkipDecayBytesPerLoop * decayedLoops);
            checkpoints += 1_530 + FlushCheckpointBytes + (15L * tensors) + anchorCheckpoint;
        }

        if ((layout.Optimizers & OptimizerKinds.AdamW) != 0)
        {
            optimizers += 900 + (65L * runs) + perOptimizer + flush + DecayScheduleBytes + (anchored ? AnchorAdamWBytes + (2 * SkipDecayBytesPerLoop) : 0)
                + (layout.CautiousWeightDecay ? 2 * CautiousBytesPerLoop * (anchored ? 2 : 1) : 0);
            checkpoints += 1_560 + FlushCheckpointBytes + (15L * tensors) + anchorCheckpoint;
        }

        OptimizerBytes = optimizers + (layout.Optimizers != 0 ? BaseClassBytes : 0);
        CheckpointBytes = checkpoints;
    }

    private static long RegulariserBytes(LayoutSpec layout)
    {
        int l1 = layout.Tensors.Count(tensor => tensor.L1 != 0f);
        int maxNorm = layout.Tensors.Count(tensor => tensor.MaxNorm != 0f);
        if (l1 + maxNorm == 0)
        {
            return 0;
        }

        return (L1PenaltyBytesPerTensor * l1) + ConstraintBytes + (ConstraintBytesPerCall * (l1 + maxNorm))
            + (l1 > 0 ? ShrinkBytes : 0) + (maxNorm > 0 ? RowNormBytes : 0);
    }

    /// <summary>The layout's own members: constructor, copies, norms.</summary>
    public long LayoutBytes { get; }

    /// <summary>Forward and backward passes, losses and Predict of the [Dense] layers.</summary>
    public long DenseBytes { get; }

    /// <summary>The opted-in optimizers: construction, hyperparameters, step and update loops.</summary>
    public long OptimizerBytes { get; }

    /// <summary>The optimizers' checkpoint save, load and validation.</summary>
    public long CheckpointBytes { get; }

    /// <summary>The sum of the four parts (the shared types come once per assembly, on top).</summary>
    public long TotalBytes => LayoutBytes + DenseBytes + OptimizerBytes + CheckpointBytes;
}
