using System;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>The fault-injecting storage does what the other TwoSlot tests rely on.</summary>
public sealed class TwoSlotStorageTests
{
    private static readonly byte[] Data = { 0xA0, 0xA1, 0x00, 0x0F, 0xF0, 0x33, 0x5A, 0x01, 0x80, 0x77 };

    [Fact]
    public void TwoSlot_storage_overwrite_cut_after_n_bytes_persists_exactly_n_bytes()
    {
        var storage = new FaultInjectingStorage(16, StorageMedium.Overwrite);
        Assert.Equal(new byte[16], storage.Copy(0, 16));
        var old = new byte[16];
        old.AsSpan().Fill(0x11);
        for (int n = 0; n <= Data.Length; n++)
        {
            storage.Poke(1, 0, old);
            storage.CutAfter(n);
            PowerCutException cut = Assert.Throws<PowerCutException>(() => storage.Write(1, 2, Data, 0, Data.Length));
            Assert.Equal(n, cut.Operations);
            Assert.Equal(1, cut.Slot);
            Assert.False(cut.DuringErase);
            Assert.False(storage.Armed);
            byte[] expected = (byte[])old.Clone();
            Data.AsSpan(0, n).CopyTo(expected.AsSpan(2));
            Assert.Equal(expected, storage.Copy(1, 16));
        }

        Assert.Equal(Data.Length + 1, storage.PowerCuts);
        Assert.Equal(new byte[16], storage.Copy(0, 16));

        // A budget larger than a write carries over to the next one.
        storage.CutAfter(Data.Length + 1);
        storage.Write(0, 0, Data, 0, Data.Length);
        Assert.True(storage.Armed);
        Assert.Throws<PowerCutException>(() => storage.Write(0, 0, new byte[] { 1, 2, 3 }, 0, 3));
        Assert.Equal(new byte[] { 1, 0xA1, 0x00 }, storage.Copy(0, 3));
    }

    [Theory]
    [InlineData(StorageMedium.Flash)]
    [InlineData(StorageMedium.FlashTornByte)]
    public void TwoSlot_storage_flash_erases_the_slot_first_and_both_phases_can_be_cut(StorageMedium medium)
    {
        const int SlotBytes = 12;
        var storage = new FaultInjectingStorage(SlotBytes, medium);
        Assert.Equal(new byte[] { 0xFF, 0xFF }, storage.Copy(0, 2));
        Assert.Equal(SlotBytes + 6L, storage.OperationsOfWrite(6));
        var old = new byte[SlotBytes];
        old.AsSpan().Fill(0x5A);
        for (int n = 0; n <= SlotBytes + 6; n++)
        {
            storage.Poke(0, 0, old);
            storage.CutAfter(n);
            PowerCutException cut = Assert.Throws<PowerCutException>(() => storage.Write(0, 0, Data, 0, 6));
            Assert.Equal(n, cut.Operations);
            Assert.Equal(n <= SlotBytes, cut.DuringErase);
            byte[] expected = (byte[])old.Clone();
            if (n <= SlotBytes)
            {
                expected.AsSpan(0, n).Fill(0xFF);
            }
            else
            {
                expected.AsSpan().Fill(0xFF);
                Data.AsSpan(0, n - SlotBytes).CopyTo(expected);
                int next = n - SlotBytes;
                if (medium == StorageMedium.FlashTornByte && next < 6)
                {
                    expected[next] = (byte)(Data[next] | 0xAA);
                }
            }

            Assert.Equal(expected, storage.Copy(0, SlotBytes));
        }

        // Programming without an erase (a write past position 0) can only clear bits.
        storage.Poke(1, 0, new byte[] { 0xF0, 0xF0 });
        storage.Write(1, 1, new byte[] { 0x0F }, 0, 1);
        Assert.Equal(new byte[] { 0xF0, 0x00 }, storage.Copy(1, 2));
    }

    [Fact]
    public void TwoSlot_storage_counts_and_injects_transient_read_faults()
    {
        var storage = new FaultInjectingStorage(8, StorageMedium.Overwrite);
        storage.Write(0, 0, Data, 0, 8);
        var buffer = new byte[8];
        storage.FlipOnRead(1, 3, 0x80);
        storage.Read(0, 0, buffer, 0, 8);
        Assert.Equal(Data.AsSpan(0, 8).ToArray(), buffer);
        storage.Read(0, 0, buffer, 0, 8);
        Assert.Equal((byte)(Data[3] ^ 0x80), buffer[3]);
        storage.Read(0, 0, buffer, 0, 8);
        Assert.Equal(Data[3], buffer[3]);
        Assert.Equal(Data.AsSpan(0, 8).ToArray(), storage.Copy(0, 8));
        Assert.Equal(3, storage.ReadCalls);
        Assert.Equal(24, storage.BytesRead);
        Assert.Equal(1, storage.WriteCalls);
        Assert.Equal(8, storage.BytesProgrammed);
        Assert.Equal(0, storage.LastWriteSlot);
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Read(0, 1, buffer, 0, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Write(2, 0, buffer, 0, 1));
    }
}
