namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>How <see cref="FaultInjectingStorage"/> behaves on a write, and what a power cut leaves behind.</summary>
public enum StorageMedium
{
    /// <summary>
    /// EEPROM, FRAM or a file: a write replaces bytes in place, one at a time; a cut leaves the first N
    /// bytes new and the rest as they were. A blank slot reads 0x00.
    /// </summary>
    Overwrite,

    /// <summary>
    /// NOR flash: a Write at position 0 first erases the whole slot to 0xFF, byte by byte from the start
    /// (each erased byte costs one operation of the cut budget, so the erase can be cut too), then programs
    /// the bytes, which can only clear bits. A blank slot reads 0xFF.
    /// </summary>
    Flash,

    /// <summary>
    /// As <see cref="Flash"/>, and the cut also leaves the byte being programmed when it hit half-programmed:
    /// only the zero bits of the new value at even bit positions (mask 0x55) are cleared.
    /// </summary>
    FlashTornByte,
}
