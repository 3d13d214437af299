namespace WeightDecay.Edge.Generators.Model;

/// <summary>How a settable float hyperparameter is checked when it is set.</summary>
internal enum Validation
{
    /// <summary>Zero or positive, as torch.optim requires of lr, eps, weight_decay and momentum.</summary>
    NonNegative,

    /// <summary>In [0, 1), as torch.optim requires of each beta.</summary>
    Beta,

    /// <summary>
    /// Strictly positive: Adam's epsilon in the device profile, where nanoCLR throws on a float
    /// division by zero (0/0 when a parameter's gradients have all been zero), mid-step.
    /// </summary>
    Positive,

    /// <summary>Any value (torch.optim does not check dampening).</summary>
    None,
}

/// <summary>One float hyperparameter of a generated optimizer, with torch.optim's name in the docs.</summary>
/// <param name="Name">The property name (<c>LearningRate</c>).</param>
/// <param name="TorchName">What torch.optim calls it (<c>lr</c>).</param>
/// <param name="Default">torch.optim's default.</param>
/// <param name="Validation">The check made when it is set.</param>
/// <param name="Summary">One sentence for the XML docs.</param>
/// <param name="ExtraCheck">Statements run after the range check, before the value is stored.</param>
internal sealed record HyperParameter(string Name, string TorchName, float Default, Validation Validation, string Summary, string[]? ExtraCheck = null)
{
    /// <summary>The backing float field.</summary>
    public string Field => "_" + char.ToLowerInvariant(Name[0]) + Name.Substring(1);

    /// <summary>The field holding the decimal the user typed, as a double (see HyperParameters.ToDecimal).</summary>
    public string DecimalField => Field + "Value";
}
