using System;
using System.IO.Hashing;
using System.Text;
using WeightDecay.Edge.Generated;

namespace WeightDecay.Edge.Tests.Checkpoints;

/// <summary>
/// The generated CRC-32 (a 16-entry table, four bits per lookup) against System.IO.Hashing.Crc32,
/// the CRC-32 of zlib and PNG that docs/checkpoints.md names.
/// </summary>
public sealed class CheckpointCrc32Tests
{
    [Fact]
    public void Check_value_of_123456789_is_CBF43926()
    {
        byte[] data = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xCBF43926u, CheckpointFormat.Crc32(data, 0, data.Length));
        Assert.Equal(0xCBF43926u, Crc32.HashToUInt32(data));
    }

    [Fact]
    public void Empty_input_is_zero()
    {
        Assert.Equal(0u, CheckpointFormat.Crc32([], 0, 0));
        Assert.Equal(0u, CheckpointFormat.Crc32(new byte[5], 5, 0));
        Assert.Equal(Crc32.HashToUInt32([]), CheckpointFormat.Crc32([], 0, 0));
    }

    [Fact]
    public void Every_single_byte_value()
    {
        var one = new byte[1];
        for (int value = 0; value < 256; value++)
        {
            one[0] = (byte)value;
            Assert.Equal(Crc32.HashToUInt32(one), CheckpointFormat.Crc32(one, 0, 1));
        }
    }

    [Fact]
    public void Random_buffers_lengths_and_offsets()
    {
        var random = new Random(20240611);
        var buffer = new byte[4096];
        for (int trial = 0; trial < 2000; trial++)
        {
            random.NextBytes(buffer);
            int length = trial < 200 ? trial : random.Next(0, 1500);
            int offset = random.Next(0, buffer.Length - length + 1);
            uint expected = Crc32.HashToUInt32(buffer.AsSpan(offset, length));
            Assert.True(expected == CheckpointFormat.Crc32(buffer, offset, length), $"length {length}, offset {offset}");
        }
    }

    [Fact]
    public void Long_runs_of_zeros_and_ones()
    {
        foreach (byte fill in new byte[] { 0x00, 0xFF })
        {
            var data = new byte[100_000];
            Array.Fill(data, fill);
            Assert.Equal(Crc32.HashToUInt32(data), CheckpointFormat.Crc32(data, 0, data.Length));
        }
    }
}
