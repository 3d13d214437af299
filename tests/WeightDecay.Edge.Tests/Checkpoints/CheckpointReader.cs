using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.IO.Hashing;

namespace WeightDecay.Edge.Tests.Checkpoints;

/// <summary>A checkpoint as <see cref="CheckpointReader"/> decodes it, field by field.</summary>
internal sealed record DecodedCheckpoint(
    uint Magic,
    int Version,
    int Kind,
    int StateFlags,
    ulong LayoutHash,
    ulong Sequence,
    int Length,
    int ParameterCount,
    int TrainableCount,
    uint HeaderCrc,
    uint ComputedHeaderCrc,
    long StepCount,
    long SkippedStepCount,
    uint Options,
    float[] HyperParameters,
    float[] Parameters,
    IReadOnlyList<(string Name, float[] Values)> States,
    int PayloadEnd,
    uint Crc,
    uint ComputedCrc)
{
    public float[] StateNamed(string name) => States.Single(s => s.Name == name).Values;
}

/// <summary>
/// A reader written from docs/checkpoints.md alone, sharing no code with the generator: offsets and
/// sizes from the document's tables, <see cref="BinaryPrimitives"/> for little-endian fields,
/// <see cref="Crc32"/> of System.IO.Hashing for the CRCs, and its own FNV-1a.
/// </summary>
internal static class CheckpointReader
{
    /// <summary>"WDEC" read as a little-endian uint32.</summary>
    public const uint Magic = 0x43454457;

    public const int HeaderBytes = 40;

    /// <summary>Step count (8), skipped-step count (8), option word (4).</summary>
    public const int CountersBytes = 20;

    /// <summary>The document's header table: field, offset, size.</summary>
    public static class Offsets
    {
        public const int Magic = 0;
        public const int Version = 4;
        public const int Kind = 6;
        public const int StateFlags = 7;
        public const int LayoutHash = 8;
        public const int Sequence = 16;
        public const int Length = 24;
        public const int ParameterCount = 28;
        public const int TrainableCount = 32;
        public const int HeaderCrc = 36;
        public const int StepCount = 40;
        public const int SkippedStepCount = 48;
        public const int Options = 56;
        public const int HyperParameters = 60;
    }

    public static int HyperParameterCount(int kind) => kind == 1 ? 5 : 6;

    /// <summary>Where the parameters start: 80 for SGD, 84 for Adam and AdamW.</summary>
    public static int FloatsOffset(int kind) => Offsets.HyperParameters + (4 * HyperParameterCount(kind));

    /// <summary>The length the document gives: floats offset + 4·P + 4·(state arrays)·T + 4.</summary>
    public static int ExpectedLength(int kind, bool optionalState, int parameterCount, int trainableCount)
    {
        int arrays = kind == 1 ? (optionalState ? 1 : 0) : (optionalState ? 3 : 2);
        return FloatsOffset(kind) + (4 * parameterCount) + (4 * arrays * trainableCount) + 4;
    }

    /// <summary>The layout description text: version line, tensor and dense lines, optimizer line.</summary>
    public static string Description(IEnumerable<string> lines, string optimizer, int stateFlags)
    {
        var text = new StringBuilder("WeightDecay.Edge checkpoint layout 1\n");
        foreach (string line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.Append("optimizer ").Append(optimizer).Append(" state=").Append(stateFlags).Append('\n').ToString();
    }

    /// <summary>FNV-1a, 64 bits: offset basis 0xCBF29CE484222325, prime 0x100000001B3, over the UTF-8 bytes.</summary>
    public static ulong Fnv1a64(string text)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 0x100000001B3UL);
        }

        return hash;
    }

    public static ulong LayoutHash(CheckpointLayout layout, string optimizer, int stateFlags) =>
        Fnv1a64(Description(layout.DescriptionLines, optimizer, stateFlags));

    public static uint Crc(ReadOnlySpan<byte> bytes) => Crc32.HashToUInt32(bytes);

    /// <summary>The trailing CRC: CRC-32 of bytes 0-35 and 40 to length - 5 (everything but the header CRC and the trailer).</summary>
    public static uint TrailerCrc(ReadOnlySpan<byte> bytes, int length)
    {
        var crc = new Crc32();
        crc.Append(bytes[..Offsets.HeaderCrc]);
        crc.Append(bytes[(Offsets.HeaderCrc + 4)..(length - 4)]);
        return crc.GetCurrentHashAsUInt32();
    }

    public static DecodedCheckpoint Decode(byte[] buffer, int offset = 0)
    {
        ReadOnlySpan<byte> b = buffer.AsSpan(offset);
        int kind = b[Offsets.Kind];
        int flags = b[Offsets.StateFlags];
        int length = BinaryPrimitives.ReadInt32LittleEndian(b[Offsets.Length..]);
        int parameters = BinaryPrimitives.ReadInt32LittleEndian(b[Offsets.ParameterCount..]);
        int trainable = BinaryPrimitives.ReadInt32LittleEndian(b[Offsets.TrainableCount..]);
        int hyperCount = HyperParameterCount(kind);

        int at = FloatsOffset(kind);
        float[] Floats(int count)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(offset + at + (4 * i)));
            }

            at += 4 * count;
            return values;
        }

        float[] hyper = new float[hyperCount];
        for (int k = 0; k < hyperCount; k++)
        {
            hyper[k] = BinaryPrimitives.ReadSingleLittleEndian(b[(Offsets.HyperParameters + (4 * k))..]);
        }

        float[] parameterValues = Floats(parameters);
        var states = new List<(string, float[])>();
        if (kind == 1)
        {
            if ((flags & 1) != 0)
            {
                states.Add(("momentum_buffer", Floats(trainable)));
            }
        }
        else
        {
            states.Add(("exp_avg", Floats(trainable)));
            states.Add(("exp_avg_sq", Floats(trainable)));
            if ((flags & 1) != 0)
            {
                states.Add(("max_exp_avg_sq", Floats(trainable)));
            }
        }

        return new DecodedCheckpoint(
            BinaryPrimitives.ReadUInt32LittleEndian(b[Offsets.Magic..]),
            BinaryPrimitives.ReadUInt16LittleEndian(b[Offsets.Version..]),
            kind,
            flags,
            BinaryPrimitives.ReadUInt64LittleEndian(b[Offsets.LayoutHash..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[Offsets.Sequence..]),
            length,
            parameters,
            trainable,
            BinaryPrimitives.ReadUInt32LittleEndian(b[Offsets.HeaderCrc..]),
            Crc(b[..Offsets.HeaderCrc]),
            BinaryPrimitives.ReadInt64LittleEndian(b[Offsets.StepCount..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[Offsets.SkippedStepCount..]),
            BinaryPrimitives.ReadUInt32LittleEndian(b[Offsets.Options..]),
            hyper,
            parameterValues,
            states,
            at,
            BinaryPrimitives.ReadUInt32LittleEndian(b[(length - 4)..]),
            TrailerCrc(b, length));
    }

    /// <summary>Recomputes both CRCs after a test changed bytes, so only the change itself can be refused.</summary>
    public static void Reseal(byte[] buffer, int offset = 0)
    {
        Span<byte> b = buffer.AsSpan(offset);
        BinaryPrimitives.WriteUInt32LittleEndian(b[Offsets.HeaderCrc..], Crc(b[..Offsets.HeaderCrc]));
        int length = BinaryPrimitives.ReadInt32LittleEndian(b[Offsets.Length..]);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(length - 4)..], TrailerCrc(b, length));
    }

    /// <summary>Writes a float at the index-th float of the float section (parameters, then the state arrays) and reseals.</summary>
    public static void WriteFloat(byte[] buffer, int kind, int floatIndex, float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(FloatsOffset(kind) + (4 * floatIndex)), value);
        Reseal(buffer);
    }
}
