namespace WeightDecay.Edge.Generators;

/// <summary>Names of the pipeline steps, so tests can assert how each step ran after an edit.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Profile = nameof(Profile);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Emit = nameof(Emit);
    public const string SharedTypes = nameof(SharedTypes);
    public const string DeviceFlash = nameof(DeviceFlash);
}
