using System.Collections.Generic;
using System.Linq;

namespace WeightDecay.Edge.Generators.Model;

/// <summary>One optimizer-state array: one float per trainable scalar, as torch's <c>state[p][key]</c> flattened.</summary>
/// <param name="TorchName">torch.optim's key (<c>exp_avg_sq</c>): the checkpoint's messages and the view's docs use it.</param>
/// <param name="Field">The generated field.</param>
/// <param name="Member">The view's name (<c>ExpAvgSq</c>; the copy is <c>CopyExpAvgSq</c>).</param>
/// <param name="Local">The name the update methods and kernels give the buffer (<c>v</c>).</param>
/// <param name="Optional">
/// Whether it exists only while the optimizer's optional state is on (AMSGrad, momentum): allocated when that is turned
/// on, last in the checkpoint, and only there when on.
/// </param>
/// <param name="NonNegative">Whether a stored value below zero is impossible and refused on load (second moments).</param>
/// <param name="Meaning">One phrase for the docs.</param>
/// <param name="ViewPresent">A C# condition: whether torch would hold this state now (null: always).</param>
internal sealed record OptimizerState(
    string TorchName, string Field, string Member, string Local, bool Optional, bool NonNegative, string Meaning, string? ViewPresent = null)
{
    /// <summary>The field's declaration: an optional array starts as the shared empty one, the others are allocated once.</summary>
    public string Declaration => Optional
        ? $"private float[] {Field} = NoState;"
        : $"private readonly float[] {Field} = new float[TrainableParameterCount];";
}

/// <summary>One bit of the checkpoint's option word.</summary>
/// <param name="Bit">The bit's value (1, 2, 4, ...).</param>
/// <param name="Read">A C# boolean expression reading the option from the optimizer.</param>
/// <param name="Assign">A statement assigning it, with <c>{0}</c> standing for the boolean read from the checkpoint.</param>
internal sealed record CheckpointOption(int Bit, string Read, string Assign);

/// <summary>
/// Everything about one optimizer that more than one part of the generator reads: its class, its hyperparameters (torch
/// names, defaults, checks), its state arrays, and what its checkpoint holds (kind, option bits, consistency rules). The
/// optimizer's emitter writes its step from it; the base class, the state views, the checkpoint codec, the memory
/// footprint and the run-time checks read the same record (see <see cref="OptimizerDefinitions"/>).
/// </summary>
/// <param name="Kind">Which optimizer: the attribute that opts into it.</param>
/// <param name="ClassName">The generated class (<c>AdamWOptimizer</c>).</param>
/// <param name="CheckpointKind">The checkpoint header's optimizer kind: 1 SGD, 2 Adam, 3 AdamW.</param>
/// <param name="HyperParameters">The float hyperparameters, in checkpoint payload order (MaxGradientNorm last).</param>
/// <param name="States">The state arrays, in checkpoint payload order (the optional one last).</param>
/// <param name="OptionalStatePresent">A C# boolean expression: whether the optional state array exists now.</param>
/// <param name="Options">The option bits, in the order they are written and read.</param>
/// <param name="Consistency">Checks across a checkpoint's values, each a (condition that is an error, message) pair.</param>
internal sealed record OptimizerDefinition(
    OptimizerKinds Kind,
    string ClassName,
    int CheckpointKind,
    IReadOnlyList<HyperParameter> HyperParameters,
    IReadOnlyList<OptimizerState> States,
    string OptionalStatePresent,
    IReadOnlyList<CheckpointOption> Options,
    IReadOnlyList<(string Condition, string Message)> Consistency)
{
    /// <summary>The torch name of the optional state array (<c>max_exp_avg_sq</c>).</summary>
    public string OptionalStateName => States.First(state => state.Optional).TorchName;
}
