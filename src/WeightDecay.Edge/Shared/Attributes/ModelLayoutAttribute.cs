#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>
    /// Marks a partial class as a fixed-size model layout. The WeightDecay.Edge generator adds
    /// flat <c>Parameters</c> and <c>Gradients</c> buffers, per-tensor offsets and the optimizers
    /// the class opts into with <see cref="SgdAttribute"/>, <see cref="AdamAttribute"/> and
    /// <see cref="AdamWAttribute"/>.
    /// </summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class ModelLayoutAttribute : global::System.Attribute
    {
        /// <summary>Marks a layout; every property keeps its default unless set.</summary>
        public ModelLayoutAttribute()
        {
            GradientAccumulationSteps = 1;
        }

        /// <summary>
        /// An optional RAM budget, in bytes, for what the layout allocates: parameters, gradients,
        /// the largest optimizer state it opts into (with AMSGrad or momentum on) and dense-layer
        /// activations. A layout over budget fails the build with WDE022, which breaks the total
        /// down. 0 (the default) sets no budget. The generated <c>RamBytes</c> constant is the total.
        /// </summary>
        public long RamBudgetBytes { get; set; }

        /// <summary>
        /// An optional flash budget, in bytes of IL, for the code generated for this layout on
        /// nanoFramework: its members, dense passes, optimizers and their checkpoint code, as the
        /// generated <c>DeviceIlBytes</c> constant estimates it. One nanoFramework .pe holds at most
        /// 64 KiB of bytecode (about 0.84 x the IL), shared with the firmware's own code. A layout over
        /// budget fails the build with WDE023, which breaks the estimate down. 0 (the default) sets no budget.
        /// </summary>
        public long FlashBudgetBytes { get; set; }

        /// <summary>
        /// The seed the constructor draws the initial parameters with (default 0), generated as the
        /// layout's <c>InitSeed</c> constant; <c>ResetParameters(seed)</c> re-draws from another.
        /// </summary>
        public ulong Seed { get; set; }

        /// <summary>
        /// The most samples one mini-batch pass of the <c>[Dense]</c> layers holds (default 0: no mini-batch
        /// methods). From 1 up, the layout gets <c>AccumulateCrossEntropyGradient</c> and
        /// <c>AccumulateMeanSquaredErrorGradient</c> overloads over a whole mini-batch, and each layer's
        /// activation and delta buffers hold this many samples (counted in <c>ActivationBytes</c> and
        /// <c>RamBytes</c>). A longer mini-batch is processed in passes of this many samples. Out of range,
        /// or set on a layout without <c>[Dense]</c> layers, it fails the build with WDE028.
        /// </summary>
        public int MaxBatchSize { get; set; }

        /// <summary>
        /// How many calls of each optimizer's <c>Step()</c> make one update (default 1): declared gradient accumulation, as
        /// Keras's <c>gradient_accumulation_steps</c> and Optax's <c>MultiSteps</c>. Each call adds <c>Gradients</c> to the
        /// optimizer's own sum; every k-th call replaces <c>Gradients</c> with the mean of the k micro-batches and takes
        /// the step (clipping, the non-finite guard and the update see the mean), so a loop that zeroes the gradients each
        /// micro-batch needs no change and no scaling by hand. Costs 4 bytes of RAM per trainable parameter in each
        /// optimizer. At least 1; 0 or a negative value fails the build with WDE031.
        /// </summary>
        public int GradientAccumulationSteps { get; set; }

        /// <summary>
        /// The decay of an exponential moving average of the weights that each optimizer keeps (default 0: none), as
        /// torch's <c>AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay))</c> updated after every step, or Keras's
        /// <c>use_ema</c> with <c>ema_momentum</c>: the first update copies the trainable parameters, each later one moves
        /// the average toward them, <c>avg.lerp_(p, 1 - decay)</c>. Read it with the optimizer's <c>CopyAveragedTo</c>;
        /// saved in checkpoints; costs 4 bytes of RAM per trainable parameter in each optimizer. 0, or in (0, 1): any other
        /// value fails the build with WDE032.
        /// </summary>
        public float EmaDecay { get; set; }
    }
}
