namespace WeightDecay.Edge.Generators;

/// <summary>Names of the pipeline steps, so tests can assert how each step ran after an edit.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Profile = nameof(Profile);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Emit = nameof(Emit);

    /// <summary>Every layout's CLR name, collected, from which each picks a unique hint name.</summary>
    public const string LayoutNames = nameof(LayoutNames);

    /// <summary>A layout paired with its hint name: unchanged unless a clash appears or goes.</summary>
    public const string HintName = nameof(HintName);

    /// <summary>A layout's generated text and the shared kernels it calls.</summary>
    public const string LayoutSource = nameof(LayoutSource);

    /// <summary>Every layout's shared kernels, merged: each kernel once per assembly.</summary>
    public const string Kernels = nameof(Kernels);

    /// <summary>WDE025: layout attributes on a class without <c>[ModelLayout]</c>, one step per attribute.</summary>
    public const string OrphanAttributes = nameof(OrphanAttributes);

    /// <summary>Whether the shared types are emitted (only where the runtime library is absent).</summary>
    public const string SharedTypes = nameof(SharedTypes);
    public const string DeviceFlash = nameof(DeviceFlash);
}
