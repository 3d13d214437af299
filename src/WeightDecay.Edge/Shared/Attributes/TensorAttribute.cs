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
    }
}
