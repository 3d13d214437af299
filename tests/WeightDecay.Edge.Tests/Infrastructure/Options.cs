using System;
using System.Globalization;
using System.Reflection;

namespace WeightDecay.Edge.Tests.Infrastructure;

/// <summary>
/// SGD hyperparameters as the decimals a user types (0.9, not 0.9f). The engine receives them
/// rounded to float; the reference keeps the decimals, as torch receives Python floats.
/// </summary>
internal sealed record SgdOptions(double LearningRate, double Momentum, double Dampening, bool Nesterov, double WeightDecay)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"lr={LearningRate} momentum={Momentum} dampening={Dampening} nesterov={Nesterov} wd={WeightDecay}");
}

/// <summary>Adam and AdamW hyperparameters as the decimals a user types.</summary>
internal sealed record AdamOptions(double LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay, bool Amsgrad)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"lr={LearningRate} betas=({Beta1}, {Beta2}) eps={Epsilon} wd={WeightDecay} amsgrad={Amsgrad}");
}

/// <summary>
/// Sets properties of a generated optimizer whose static type the test does not know, through
/// reflection, rethrowing what the setter threw (not the reflection wrapper).
/// </summary>
internal static class OptimizerProperties
{
    public static void Set(object optimizer, string name, object value)
    {
        PropertyInfo property = Property(optimizer, name);
        try
        {
            property.SetValue(optimizer, value);
        }
        catch (TargetInvocationException wrapper) when (wrapper.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(wrapper.InnerException).Throw();
            throw;
        }
    }

    public static object Get(object optimizer, string name) =>
        Property(optimizer, name).GetValue(optimizer) ?? throw new InvalidOperationException($"{name} returned null.");

    public static bool Has(object optimizer, string name) =>
        optimizer.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is not null;

    public static void Apply(IOptimizer optimizer, SgdOptions options)
    {
        // Momentum before Nesterov: Nesterov requires momentum and no dampening when it is turned on.
        Set(optimizer, "LearningRate", (float)options.LearningRate);
        Set(optimizer, "Momentum", (float)options.Momentum);
        Set(optimizer, "Dampening", (float)options.Dampening);
        Set(optimizer, "Nesterov", options.Nesterov);
        Set(optimizer, "WeightDecay", (float)options.WeightDecay);
    }

    public static void Apply(IOptimizer optimizer, AdamOptions options)
    {
        Set(optimizer, "LearningRate", (float)options.LearningRate);
        Set(optimizer, "Beta1", (float)options.Beta1);
        Set(optimizer, "Beta2", (float)options.Beta2);
        Set(optimizer, "Epsilon", (float)options.Epsilon);
        Set(optimizer, "WeightDecay", (float)options.WeightDecay);
        Set(optimizer, "Amsgrad", options.Amsgrad);
    }

    private static PropertyInfo Property(object optimizer, string name) =>
        optimizer.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)
        ?? throw new InvalidOperationException($"{optimizer.GetType().Name} has no public property {name}.");
}
