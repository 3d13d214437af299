namespace WeightDecay.Edge.Generators.Model;

/// <summary>
/// The byte offsets of the checkpoint format the generator computes sizes from, the same constants as the shared
/// <c>CheckpointFormat</c> the emitted code reads and writes with (src/WeightDecay.Edge/Shared/Generated/CheckpointFormat.cs;
/// a test holds the two equal). docs/checkpoints.md specifies the format.
/// </summary>
internal static class CheckpointLayout
{
    /// <summary>Bytes of the header: <c>CheckpointFormat.HeaderBytes</c>.</summary>
    public const int HeaderBytes = 40;

    /// <summary>
    /// Where the optimizer's float hyperparameters start, after the step count, the skipped-step count and the option
    /// word: <c>CheckpointFormat.HyperParametersOffset</c>.
    /// </summary>
    public const int HyperParametersOffset = HeaderBytes + 8 + 8 + 4;

    /// <summary>Bytes of the trailing CRC-32: <c>CheckpointFormat.TrailerBytes</c>.</summary>
    public const int TrailerBytes = 4;
}
