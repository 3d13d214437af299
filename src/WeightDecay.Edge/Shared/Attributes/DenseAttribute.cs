#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>
    /// Declares one fully connected layer <c>y = f(W x + b)</c> of a <see cref="ModelLayoutAttribute"/>
    /// layout, as <c>torch.nn.Linear(inputs, outputs)</c> followed by the activation. It adds two
    /// tensors in attribute order: <c>{name}Weight</c> of shape (outputs, inputs), row-major like
    /// <c>Linear.weight</c>, decayed; and <c>{name}Bias</c> of shape (outputs), decayed only if
    /// <see cref="BiasDecay"/> is set. Consecutive layers must chain (each one's inputs equal the
    /// previous one's outputs); the generator then emits <c>Forward</c>, <c>Predict</c> and
    /// gradient-accumulating backward passes.
    /// </summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DenseAttribute : global::System.Attribute
    {
        /// <summary>Declares a dense layer.</summary>
        /// <param name="name">A C# identifier; the layer's tensors and buffers are named after it.</param>
        /// <param name="inputs">Number of inputs, at least 1.</param>
        /// <param name="outputs">Number of outputs, at least 1.</param>
        public DenseAttribute(string name, int inputs, int outputs)
        {
            Name = name;
            Inputs = inputs;
            Outputs = outputs;
            Activation = Activation.Identity;
            BiasDecay = false;
            Trainable = true;
            LearningRateScale = 1f;
            WeightDecayScale = 1f;
        }

        /// <summary>The layer's name.</summary>
        public string Name { get; private set; }

        /// <summary>Number of inputs.</summary>
        public int Inputs { get; private set; }

        /// <summary>Number of outputs.</summary>
        public int Outputs { get; private set; }

        /// <summary>The activation applied to the outputs (default <see cref="global::WeightDecay.Edge.Activation.Identity"/>).</summary>
        public Activation Activation { get; set; }

        /// <summary>Whether weight decay applies to the bias (default false, as biases usually are not decayed).</summary>
        public bool BiasDecay { get; set; }

        /// <summary>
        /// Whether optimizers train this layer (default true). A frozen layer's weight and bias are frozen
        /// tensors (see <see cref="TensorAttribute.Trainable"/>), and the backward passes compute no
        /// gradients for them; deltas still flow through it to the layers before.
        /// </summary>
        public bool Trainable { get; set; }

        /// <summary>
        /// The proximal L1 strength λ₁ of the weight (default 0: none); the bias is never shrunk. See
        /// <see cref="TensorAttribute.L1"/>.
        /// </summary>
        public float L1 { get; set; }

        /// <summary>
        /// The largest L2 norm of each output unit's incoming weights, a row of the (outputs, inputs) weight (default 0:
        /// no limit), as Keras's <c>MaxNorm</c> on a Dense kernel. See <see cref="TensorAttribute.MaxNorm"/>.
        /// </summary>
        public float MaxNorm { get; set; }

        /// <summary>
        /// Whether weight decay pulls the weight toward its anchor (the pre-trained or the global model's weight) instead
        /// of toward zero (default false); the bias is decayed only with <see cref="BiasDecay"/>, toward zero. See
        /// <see cref="TensorAttribute.DecayTowardAnchor"/>.
        /// </summary>
        public bool DecayTowardAnchor { get; set; }

        /// <summary>
        /// A factor on the learning rate of the layer's weight and bias (default 1): a torch.optim parameter group per
        /// layer, as timm's layer-wise learning-rate decay. See <see cref="TensorAttribute.LearningRateScale"/>.
        /// </summary>
        public float LearningRateScale { get; set; }

        /// <summary>
        /// A factor on the weight decay of the layer's weight, and of its bias when <see cref="BiasDecay"/> is set (default
        /// 1). See <see cref="TensorAttribute.WeightDecayScale"/>.
        /// </summary>
        public float WeightDecayScale { get; set; }
    }
}
