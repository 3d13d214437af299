#nullable disable

namespace WeightDecay.Edge.Generated
{
    /// <summary>What the shared checkpoint code needs from a generated optimizer. Implemented explicitly.</summary>
    public interface ICheckpointCodec
    {
        /// <summary>Bytes of a checkpoint of the optimizer as it is configured now.</summary>
        int CheckpointBytes { get; }

        /// <summary>Null when every value a checkpoint holds is finite; otherwise which one is not.</summary>
        string FindNonFinite();

        /// <summary>Writes the checkpoint at <paramref name="offset"/>, sealed when <paramref name="key"/> is set (the caller checked the
        /// room and the values).</summary>
        void Write(byte[] destination, int offset, ulong sequence, CheckpointKey key);

        /// <summary>
        /// Checks a checkpoint completely without changing anything (sealed under <paramref name="key"/> when it is set; numbered
        /// at or after <paramref name="minimumSequence"/> when <paramref name="checkSequence"/>); returns the error and a message for it.
        /// </summary>
        CheckpointError Validate(byte[] source, int offset, int count, CheckpointKey key, bool checkSequence, ulong minimumSequence,
            out ulong sequence, out string message);

        /// <summary>Copies a checkpoint that <see cref="Validate"/> accepted into the model and the optimizer. Cannot fail.</summary>
        void Commit(byte[] source, int offset);
    }
}
