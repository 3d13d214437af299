namespace WeightDecay.Edge.Tests.Reference;

/// <summary>The hyperparameters Adam and AdamW share, settable between steps as torch allows.</summary>
internal interface IReferenceAdam : IReferenceOptimizer
{
    double Beta1 { get; set; }

    double Beta2 { get; set; }

    double WeightDecay { get; set; }
}
