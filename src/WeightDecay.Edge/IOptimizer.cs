namespace WeightDecay.Edge;

/// <summary>
/// A generated optimizer (<c>SgdOptimizer</c>, <c>AdamOptimizer</c> or <c>AdamWOptimizer</c>) seen
/// without its static type, for training loops that work with any of them.
/// </summary>
public interface IOptimizer
{
    /// <summary>Number of completed <see cref="Step"/> calls.</summary>
    long StepCount { get; }

    /// <summary>The learning rate (torch.optim: <c>lr</c>).</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">Set to a negative value or NaN.</exception>
    float LearningRate { get; set; }

    /// <summary>The weight decay λ (torch.optim: <c>weight_decay</c>); coupled or decoupled depending on the optimizer.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">Set to a negative value or NaN.</exception>
    float WeightDecay { get; set; }

    /// <summary>Updates the layout's parameters in place from its gradients; allocates nothing.</summary>
    void Step();

    /// <summary>Sets every gradient of the layout to zero.</summary>
    void ZeroGrad();
}
