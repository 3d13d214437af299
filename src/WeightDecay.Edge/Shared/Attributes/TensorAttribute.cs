#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>
    /// Declares one tensor of a <see cref="ModelLayoutAttribute"/> layout. Tensors are laid out
    /// flat, in declaration order, row-major: the order of
    /// <c>torch.cat([p.flatten() for p in params])</c>.
    /// </summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class TensorAttribute : global::System.Attribute
    {
        /// <summary>Declares a tensor.</summary>
        /// <param name="name">A C# identifier; generated members are named after it.</param>
        /// <param name="shape">The dimensions, outermost first; each at least 1.</param>
        public TensorAttribute(string name, params int[] shape)
        {
            Name = name;
            Shape = shape;
            Decay = true;
            Trainable = true;
            Init = TensorInit.Zeros;
            LearningRateScale = 1f;
            WeightDecayScale = 1f;
        }

        /// <summary>The tensor's name.</summary>
        public string Name { get; private set; }

        /// <summary>The tensor's dimensions, outermost first.</summary>
        public int[] Shape { get; private set; }

        /// <summary>
        /// Whether weight decay applies to this tensor (default true). Set it to false for biases
        /// and normalisation parameters, as torch users do with a parameter group whose
        /// <c>weight_decay</c> is 0.
        /// </summary>
        public bool Decay { get; set; }

        /// <summary>
        /// Whether optimizers update this tensor (default true). A frozen tensor (false) keeps its
        /// values: optimizers allocate no state for it, never read, clip or decay its gradient, and
        /// leave it out of <c>TrainableParameterCount</c> (torch: <c>requires_grad_(False)</c>, or
        /// leaving the parameter out of the optimizer).
        /// </summary>
        public bool Trainable { get; set; }

        /// <summary>
        /// How the constructor and <c>ResetParameters(seed)</c> initialise the tensor (default
        /// <see cref="TensorInit.Zeros"/>): see docs/initialization.md. A <c>[Dense]</c> layer's weight
        /// and bias are always initialised as <c>torch.nn.Linear</c>'s.
        /// </summary>
        public TensorInit Init { get; set; }

        /// <summary>The half-width b of <see cref="TensorInit.Uniform"/>: values from U(-b, b). Must be positive.</summary>
        public float InitBound { get; set; }

        /// <summary>The standard deviation σ of <see cref="TensorInit.Normal"/>: values from N(0, σ²). Must be positive.</summary>
        public float InitStd { get; set; }

        /// <summary>
        /// The strength λ₁ of a proximal L1 step after each optimizer update (default 0: none): every parameter of the
        /// tensor moves toward zero by lr_t·λ₁, and one that would cross zero becomes exactly zero: the proximal operator
        /// of lr_t·λ₁·‖w‖₁ (soft thresholding). Unlike an L1 term in the loss, it makes exact zeros. Zero or a
        /// positive finite number; the tensor must be trainable. See docs/regularisers.md.
        /// </summary>
        public float L1 { get; set; }

        /// <summary>
        /// The largest L2 norm each row may have after an optimizer update (default 0: no limit), as Keras's
        /// <c>MaxNorm</c> constraint and <c>torch.renorm(w, 2, 0, MaxNorm)</c>: a row is a slice along the first
        /// dimension, and a row whose norm exceeds the limit is scaled by MaxNorm / (norm + 1e-7). Zero or a positive
        /// finite number; the tensor must be trainable and have two or more dimensions.
        /// </summary>
        public float MaxNorm { get; set; }

        /// <summary>
        /// Whether weight decay pulls this tensor toward its anchor instead of toward zero (default false): L2-SP
        /// (Li et al. 2018) for fine-tuning a pre-trained model, and FedProx's proximal term (μ/2)·‖w − w_global‖². The
        /// optimizer's <c>WeightDecay</c> λ then adds λ·(w − a) to the gradient (SGD, Adam) or moves the weight by
        /// −lr_t·λ·(w − a) (AdamW), where a is the tensor's slice of the layout's <c>Anchor</c>: zero until
        /// <c>CaptureAnchor()</c> or <c>SetAnchorFrom(parameters)</c> sets it. Costs 4 bytes of RAM per parameter. The
        /// tensor must be trainable and decayed. See docs/regularisers.md.
        /// </summary>
        public bool DecayTowardAnchor { get; set; }

        /// <summary>
        /// A factor on the optimizer's learning rate for this tensor (default 1), as a torch.optim parameter group whose
        /// <c>lr</c> is the base lr times this factor (timm's layer-wise learning-rate decay sets one per layer): each step
        /// uses lr_t·LearningRateScale here, for the update, the decoupled decay and the proximal L1 step. A compile-time
        /// constant folded into the generated code. A positive finite number; the tensor must be trainable (freeze it with
        /// <c>Trainable = false</c> instead of a scale of 0). See docs/regularisers.md.
        /// </summary>
        public float LearningRateScale { get; set; }

        /// <summary>
        /// A factor on the optimizer's weight decay for this tensor (default 1), as a torch.optim parameter group whose
        /// <c>weight_decay</c> is the base λ times this factor: each step decays this tensor with λ_t·WeightDecayScale. A
        /// compile-time constant folded into the generated code. A positive finite number; the tensor must be trainable
        /// and decayed (turn decay off with <c>Decay = false</c> instead of a scale of 0). See docs/regularisers.md.
        /// </summary>
        public float WeightDecayScale { get; set; }
    }
}
