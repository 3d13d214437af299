#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>
    /// A checkpoint could not be loaded. Thrown only before anything is changed: the model and the
    /// optimizer are exactly as they were. The derived type and <see cref="Error"/> say why.
    /// </summary>
    public class CheckpointException : global::System.Exception
    {
        /// <summary>Creates the exception.</summary>
        public CheckpointException(CheckpointError error, string message)
            : base(message)
        {
            Error = error;
        }

        /// <summary>Why the checkpoint was refused.</summary>
        public CheckpointError Error { get; private set; }
    }

    /// <summary>Not a checkpoint (<see cref="CheckpointError.BadMagic"/>), or one of an unknown format version
    /// (<see cref="CheckpointError.UnsupportedVersion"/>).</summary>
    public sealed class CheckpointFormatException : CheckpointException
    {
        /// <summary>Creates the exception.</summary>
        public CheckpointFormatException(CheckpointError error, string message) : base(error, message) { }
    }

    /// <summary>The bytes end before the checkpoint does (<see cref="CheckpointError.Truncated"/>).</summary>
    public sealed class CheckpointTruncatedException : CheckpointException
    {
        /// <summary>Creates the exception.</summary>
        public CheckpointTruncatedException(string message) : base(CheckpointError.Truncated, message) { }
    }

    /// <summary>A CRC-32 does not match the bytes it covers (<see cref="CheckpointError.Corrupt"/>).</summary>
    public sealed class CheckpointCorruptException : CheckpointException
    {
        /// <summary>Creates the exception.</summary>
        public CheckpointCorruptException(string message) : base(CheckpointError.Corrupt, message) { }
    }

    /// <summary>
    /// An intact checkpoint of another optimizer (<see cref="CheckpointError.OptimizerMismatch"/>) or another
    /// layout (<see cref="CheckpointError.LayoutMismatch"/>).
    /// </summary>
    public sealed class CheckpointMismatchException : CheckpointException
    {
        /// <summary>Creates the exception.</summary>
        public CheckpointMismatchException(CheckpointError error, string message) : base(error, message) { }
    }

    /// <summary>An intact checkpoint holding a value the optimizer cannot take (<see cref="CheckpointError.InvalidValue"/>).</summary>
    public sealed class CheckpointValueException : CheckpointException
    {
        /// <summary>Creates the exception.</summary>
        public CheckpointValueException(string message) : base(CheckpointError.InvalidValue, message) { }
    }

    /// <summary>
    /// A checkpoint that cannot be authenticated (<see cref="CheckpointError.NotAuthentic"/>): not sealed although the
    /// load requires a <see cref="CheckpointKey"/>, sealed with another key, altered after sealing, or sealed although
    /// the load has no key.
    /// </summary>
    public sealed class CheckpointAuthenticationException : CheckpointException
    {
        /// <summary>Creates the exception.</summary>
        public CheckpointAuthenticationException(string message) : base(CheckpointError.NotAuthentic, message) { }
    }

    /// <summary>A checkpoint whose sequence number is before the minimum the load requires
    /// (<see cref="CheckpointError.RolledBack"/>).</summary>
    public sealed class CheckpointRollbackException : CheckpointException
    {
        /// <summary>Creates the exception.</summary>
        public CheckpointRollbackException(string message) : base(CheckpointError.RolledBack, message) { }
    }

    /// <summary>Neither slot of a two-slot storage holds a loadable checkpoint (<see cref="CheckpointError.NoValidCheckpoint"/>).</summary>
    public sealed class CheckpointNotFoundException : CheckpointException
    {
        /// <summary>Creates the exception.</summary>
        public CheckpointNotFoundException(string message) : base(CheckpointError.NoValidCheckpoint, message) { }
    }
}
