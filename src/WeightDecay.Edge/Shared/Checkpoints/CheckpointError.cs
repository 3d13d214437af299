#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>Why a checkpoint was refused; the <see cref="CheckpointException.Error"/> of every checkpoint exception.</summary>
    public enum CheckpointError
    {
        /// <summary>No error.</summary>
        None = 0,

        /// <summary>The bytes do not start with the magic number "WDEC": not a checkpoint.</summary>
        BadMagic = 1,

        /// <summary>A checkpoint of a format version this build cannot read.</summary>
        UnsupportedVersion = 2,

        /// <summary>Fewer bytes than the checkpoint's length (a cut-short write or read).</summary>
        Truncated = 3,

        /// <summary>A CRC-32 does not match: bytes were changed after the checkpoint was written.</summary>
        Corrupt = 4,

        /// <summary>A checkpoint of another optimizer, or of the same optimizer with other state (AMSGrad, momentum).</summary>
        OptimizerMismatch = 5,

        /// <summary>A checkpoint of another layout (tensor names, shapes, decay or trainable flags, dense layers).</summary>
        LayoutMismatch = 6,

        /// <summary>An intact checkpoint holding a value the optimizer cannot take: NaN, infinity, a hyperparameter out of range.</summary>
        InvalidValue = 7,

        /// <summary>Neither slot of a two-slot storage holds a loadable checkpoint.</summary>
        NoValidCheckpoint = 8,

        /// <summary>
        /// A load with a <see cref="CheckpointKey"/> met a checkpoint that is not sealed, sealed with another key, or
        /// altered after sealing (its HMAC-SHA256 tag does not match); or a load without a key met a sealed checkpoint.
        /// </summary>
        NotAuthentic = 9,

        /// <summary>The checkpoint's sequence number is before the minimum the caller requires: an older checkpoint replayed.</summary>
        RolledBack = 10,
    }
}
