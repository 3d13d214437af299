namespace WeightDecay.Edge.Tests.Reference;

/// <summary>
/// A double-precision optimizer written in the tests from the published update rules, to compare
/// the generated float code against. It shares no code with the generator.
/// </summary>
internal interface IReferenceOptimizer
{
    /// <summary>The parameters, in double, in the same flat order as the layout's.</summary>
    double[] Parameters { get; }

    /// <summary>The learning rate, as the decimal the user typed; may change between steps.</summary>
    double LearningRate { get; set; }

    /// <summary>Applies one update from <paramref name="gradients"/> (the same floats the engine reads).</summary>
    void Step(float[] gradients);
}
