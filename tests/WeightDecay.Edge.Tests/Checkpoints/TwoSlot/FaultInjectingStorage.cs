using System;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>The contents of both slots at one moment, to restore a storage to before a simulated fault.</summary>
internal sealed class StorageImage
{
    public StorageImage(byte[] slot0, byte[] slot1)
    {
        Slot0 = slot0;
        Slot1 = slot1;
    }

    public byte[] Slot0 { get; }

    public byte[] Slot1 { get; }

    public byte[] Slot(int slot) => slot == 0 ? Slot0 : Slot1;
}

/// <summary>
/// An in-memory two-slot <see cref="ICheckpointStorage"/> that can lose power at any byte. Arm it with
/// <see cref="CutAfter"/>: the power then fails once that many more byte operations (erased or programmed
/// bytes, across Write calls) have been made durable, and the Write in progress throws
/// <see cref="PowerCutException"/> (a budget of 0 cuts before the next Write changes anything; a budget equal
/// to a Write's operations leaves that Write complete but cut before it returns). A cut disarms it.
/// Reads and writes are counted. Reading, writing and Disarmed operation allocate nothing.
/// </summary>
internal sealed class FaultInjectingStorage : ICheckpointStorage
{
    public const byte Erased = 0xFF;

    private readonly byte[] _slot0;
    private readonly byte[] _slot1;
    private long _budget = -1;
    private int _faultyRead = -1;
    private int _faultyPosition;
    private byte _faultyMask;

    public FaultInjectingStorage(int slotBytes, StorageMedium medium)
    {
        Medium = medium;
        _slot0 = new byte[slotBytes];
        _slot1 = new byte[slotBytes];
        if (medium != StorageMedium.Overwrite)
        {
            _slot0.AsSpan().Fill(Erased);
            _slot1.AsSpan().Fill(Erased);
        }
    }

    public StorageMedium Medium { get; }

    public int SlotBytes => _slot0.Length;

    public int ReadCalls { get; private set; }

    public int WriteCalls { get; private set; }

    public long BytesRead { get; private set; }

    public long BytesProgrammed { get; private set; }

    public long BytesErased { get; private set; }

    /// <summary>Power cuts this storage has simulated.</summary>
    public int PowerCuts { get; private set; }

    /// <summary>The slot of the latest Write call, or -1.</summary>
    public int LastWriteSlot { get; private set; } = -1;

    public bool Armed => _budget >= 0;

    /// <summary>Whether a Write at position 0 erases the slot first.</summary>
    public bool Erases => Medium != StorageMedium.Overwrite;

    /// <summary>Byte operations a Write of <paramref name="count"/> bytes at position 0 performs: the erase, if any, then the bytes.</summary>
    public long OperationsOfWrite(int count) => (Erases ? SlotBytes : 0) + (long)count;

    /// <summary>Arms the cut: the power fails once <paramref name="operations"/> more byte operations are durable.</summary>
    public void CutAfter(long operations)
    {
        if (operations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(operations));
        }

        _budget = operations;
    }

    public void Disarm() => _budget = -1;

    public void Read(int slot, int position, byte[] buffer, int offset, int count)
    {
        byte[] source = Check(slot, position, buffer, offset, count);
        Buffer.BlockCopy(source, position, buffer, offset, count);
        if (ReadCalls == _faultyRead)
        {
            _faultyRead = -1;
            if (_faultyPosition >= position && _faultyPosition < position + count)
            {
                buffer[offset + _faultyPosition - position] ^= _faultyMask;
            }
        }

        ReadCalls++;
        BytesRead += count;
    }

    /// <summary>
    /// A transient read fault (a marginal flash cell, a glitch on the bus): read call number <paramref name="readCall"/>
    /// (counting from 0 for this storage, see <see cref="ReadCalls"/>) returns the byte at slot position
    /// <paramref name="position"/> with <paramref name="mask"/> flipped; the stored bytes stay intact.
    /// </summary>
    public void FlipOnRead(int readCall, int position, byte mask)
    {
        _faultyRead = readCall;
        _faultyPosition = position;
        _faultyMask = mask;
    }

    public void Write(int slot, int position, byte[] buffer, int offset, int count)
    {
        byte[] target = Check(slot, position, buffer, offset, count);
        WriteCalls++;
        LastWriteSlot = slot;
        long done = 0;
        if (_budget == 0)
        {
            Cut(slot, done, Erases && position == 0);
        }

        if (Erases && position == 0)
        {
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = Erased;
                BytesErased++;
                Spend(slot, ++done, duringErase: true);
            }
        }

        for (int i = 0; i < count; i++)
        {
            byte value = buffer[offset + i];
            target[position + i] = Medium == StorageMedium.Overwrite ? value : (byte)(target[position + i] & value);
            BytesProgrammed++;
            if (_budget == 1 && Medium == StorageMedium.FlashTornByte && i + 1 < count)
            {
                // The next byte was being programmed when the power failed: half of its zero bits made it.
                int next = position + i + 1;
                target[next] = (byte)(target[next] & (buffer[offset + i + 1] | 0xAA));
            }

            Spend(slot, ++done, duringErase: false);
        }
    }

    public StorageImage Snapshot() => new((byte[])_slot0.Clone(), (byte[])_slot1.Clone());

    public void Restore(StorageImage image)
    {
        Buffer.BlockCopy(image.Slot0, 0, _slot0, 0, _slot0.Length);
        Buffer.BlockCopy(image.Slot1, 0, _slot1, 0, _slot1.Length);
    }

    /// <summary>A copy of the first <paramref name="count"/> bytes of a slot, without counting a read.</summary>
    public byte[] Copy(int slot, int count) => SlotArray(slot).AsSpan(0, count).ToArray();

    /// <summary>Whether the slot starts with exactly <paramref name="bytes"/>.</summary>
    public bool SlotStartsWith(int slot, byte[] bytes) => SlotArray(slot).AsSpan().StartsWith(bytes);

    /// <summary>Flips bits of one stored byte (bit rot, a stray write), without counting a write.</summary>
    public void Xor(int slot, int position, byte mask) => SlotArray(slot)[position] ^= mask;

    /// <summary>Overwrites a slot's bytes from <paramref name="position"/>, without counting a write or spending the cut budget.</summary>
    public void Poke(int slot, int position, ReadOnlySpan<byte> bytes) => bytes.CopyTo(SlotArray(slot).AsSpan(position));

    private void Spend(int slot, long done, bool duringErase)
    {
        if (_budget > 0 && --_budget == 0)
        {
            Cut(slot, done, duringErase);
        }
    }

    private void Cut(int slot, long done, bool duringErase)
    {
        _budget = -1;
        PowerCuts++;
        throw new PowerCutException(slot, done, duringErase);
    }

    private byte[] SlotArray(int slot) => slot switch
    {
        0 => _slot0,
        1 => _slot1,
        _ => throw new ArgumentOutOfRangeException(nameof(slot), slot, "The storage has slots 0 and 1."),
    };

    private byte[] Check(int slot, int position, byte[] buffer, int offset, int count)
    {
        byte[] array = SlotArray(slot);
        ArgumentNullException.ThrowIfNull(buffer);
        if (position < 0 || count < 0 || position > array.Length - count)
        {
            throw new ArgumentOutOfRangeException(nameof(position), "The access [" + position + ", +" + count + ") is outside the slot of " + array.Length + " bytes.");
        }

        if (offset < 0 || offset > buffer.Length - count)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "The access [" + offset + ", +" + count + ") is outside the buffer of " + buffer.Length + " bytes.");
        }

        return array;
    }
}
