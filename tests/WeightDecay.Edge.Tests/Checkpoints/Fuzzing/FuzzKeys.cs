namespace WeightDecay.Edge.Tests.Checkpoints.Fuzzing;

/// <summary>The keys of the authenticated fuzzing: the loader's, and another a forger might seal with.</summary>
internal static class FuzzKeys
{
    /// <summary>The key every authenticating load requires (as bytes, for the reference model's HMACSHA256).</summary>
    public static readonly byte[] Key = System.Convert.FromHexString("6675737A2D6B65792D30313233343536373839616263646566303132333435FF");

    /// <summary>A key that is not the loader's.</summary>
    public static readonly byte[] OtherKey = System.Convert.FromHexString("6675737A2D6B65792D30313233343536373839616263646566303132333435FE");

    /// <summary>The loader's key as the library takes it. Not thread-safe; the fuzzer runs each strategy on one thread.</summary>
    [System.ThreadStatic]
    private static CheckpointKey? s_key;

    [System.ThreadStatic]
    private static CheckpointKey? s_otherKey;

    public static CheckpointKey CheckpointKey => s_key ??= new CheckpointKey(Key);

    public static CheckpointKey OtherCheckpointKey => s_otherKey ??= new CheckpointKey(OtherKey);
}
