#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>
    /// Persistent storage with two slots (A = 0, B = 1) for the two-slot checkpoint protocol: two flash
    /// sectors, two files, two EEPROM regions. The protocol writes a new checkpoint only into the slot that
    /// does not hold the newest loadable one, so a power cut during a write leaves that one intact.
    /// </summary>
    public interface ICheckpointStorage
    {
        /// <summary>Bytes each slot holds; at least the optimizer's <c>CheckpointBytes</c>.</summary>
        int SlotBytes { get; }

        /// <summary>Copies <paramref name="count"/> bytes of slot <paramref name="slot"/> from <paramref name="position"/> into
        /// <paramref name="buffer"/>.</summary>
        void Read(int slot, int position, byte[] buffer, int offset, int count);

        /// <summary>
        /// Writes <paramref name="count"/> bytes of <paramref name="buffer"/> into slot <paramref name="slot"/> at
        /// <paramref name="position"/> (erasing first, if the medium needs it) and returns once they are durable.
        /// A power cut may leave any prefix of them written; the protocol relies on nothing more.
        /// </summary>
        void Write(int slot, int position, byte[] buffer, int offset, int count);
    }
}
