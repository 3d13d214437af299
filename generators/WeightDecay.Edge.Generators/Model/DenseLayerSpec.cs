namespace WeightDecay.Edge.Generators.Model;

/// <summary>The activation applied to a dense layer's outputs; values match the emitted <c>Activation</c> enum.</summary>
internal enum DenseActivation
{
    Identity = 0,
    ReLU = 1,
    Tanh = 2,
    Sigmoid = 3,
}

/// <summary>
/// One <c>[Dense]</c> layer: <c>y = f(W x + b)</c> with <c>W</c> of shape (outputs, inputs),
/// row-major like <c>torch.nn.Linear.weight</c>. Its weight and bias are ordinary tensors of the
/// layout (<c>{Name}Weight</c>, <c>{Name}Bias</c>); the offsets locate them in the flat buffers.
/// </summary>
/// <param name="Name">The identifier the user gave; generated members are named after it.</param>
/// <param name="Inputs">Number of inputs (columns of the weight).</param>
/// <param name="Outputs">Number of outputs (rows of the weight, length of the bias).</param>
/// <param name="Activation">The activation applied after the affine map.</param>
/// <param name="WeightOffset">Index of the weight's first scalar in <c>Parameters</c>.</param>
/// <param name="BiasOffset">Index of the bias's first scalar in <c>Parameters</c>.</param>
/// <param name="Trainable">False for a frozen layer: no weight or bias gradients are computed for it.</param>
internal sealed record DenseLayerSpec(string Name, int Inputs, int Outputs, DenseActivation Activation, int WeightOffset, int BiasOffset, bool Trainable = true)
{
    public string WeightName => Name + "Weight";

    public string BiasName => Name + "Bias";
}
