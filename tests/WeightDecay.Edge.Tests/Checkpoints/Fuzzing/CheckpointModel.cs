using System;
using System.Buffers.Binary;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests.Checkpoints.Fuzzing;

/// <summary>
/// An independent statement of what the loader must answer for any bytes: the fuzzer's reference model. Written
/// from the format of docs/checkpoints.md (40-byte header with its CRC-32, payload, trailing CRC-32 of everything
/// but the header's CRC; little-endian) and the rules for values, with its own
/// field decoding and the CRC-32 of System.IO.Hashing, so that it shares no code with the generated loader. The
/// order of the checks that are not about values follows the loader's documented order (magic, version, room for
/// the header, header CRC, optimizer kind, state flags, layout, length, room, payload CRC); every value check
/// answers <see cref="CheckpointError.InvalidValue"/>, so their order does not matter.
/// </summary>
internal static class CheckpointModel
{
    public const int HeaderBytes = 40;
    public const int MagicOffset = 0;
    public const int VersionOffset = 4;
    public const int KindOffset = 6;
    public const int FlagsOffset = 7;
    public const int HashOffset = 8;
    public const int SequenceOffset = 16;
    public const int LengthOffset = 24;
    public const int ParameterCountOffset = 28;
    public const int TrainableCountOffset = 32;
    public const int HeaderCrcOffset = 36;
    public const int StepCountOffset = 40;
    public const int SkippedOffset = 48;
    public const int OptionsOffset = 56;
    public const int HyperOffset = 60;

    private static readonly byte[] s_magic = { (byte)'W', (byte)'D', (byte)'E', (byte)'C' };

    /// <summary>Option bits each optimizer knows: SGD Nesterov 1, skip 2, buffer started 4, decoupled (SGDW) 8; Adam skip 2; AdamW also schedule-coupled 8; all maximize 16 and flush subnormals 32.</summary>
    public static int KnownOptions(FuzzKind kind) => kind switch
    {
        FuzzKind.Sgd => 1 | 2 | 4 | 8 | 16 | 32,
        FuzzKind.Adam => 2 | 16 | 32,
        _ => 2 | 8 | 16 | 32,
    };

    /// <summary>Bytes of the HMAC-SHA256 tag of a sealed (version 2) checkpoint.</summary>
    public const int TagBytes = 32;

    /// <summary>What loading <paramref name="input"/> into an optimizer of <paramref name="target"/> without a key must answer.</summary>
    public static CheckpointError Expected(FuzzConfig target, ulong targetHash, ReadOnlySpan<byte> input) => Expected(target, targetHash, input, null, null);

    /// <summary>
    /// What loading <paramref name="input"/> must answer, with an authenticating loader when <paramref name="key"/> is set (the
    /// tag checked by System.Security.Cryptography.HMACSHA256) and a minimum sequence number when <paramref name="minimum"/> is.
    /// </summary>
    public static CheckpointError Expected(FuzzConfig target, ulong targetHash, ReadOnlySpan<byte> input, byte[]? key, ulong? minimum)
    {
        int count = input.Length;
        for (int i = 0; i < Math.Min(count, 4); i++)
        {
            if (input[i] != s_magic[i])
            {
                return CheckpointError.BadMagic;
            }
        }

        if (count < 6)
        {
            return CheckpointError.Truncated;
        }

        int version = BinaryPrimitives.ReadUInt16LittleEndian(input.Slice(VersionOffset));
        if (version != 1 && version != 2)
        {
            return CheckpointError.UnsupportedVersion;
        }

        if (count < HeaderBytes)
        {
            return CheckpointError.Truncated;
        }

        if (U32(input, HeaderCrcOffset) != Crc(input.Slice(0, HeaderCrcOffset)))
        {
            return CheckpointError.Corrupt;
        }

        bool isSealed = version == 2;
        if (isSealed != (key is not null))
        {
            return CheckpointError.NotAuthentic;
        }

        if (input[KindOffset] != (int)target.Kind || input[FlagsOffset] != (target.WithState ? 1 : 0))
        {
            return CheckpointError.OptimizerMismatch;
        }

        if (U64(input, HashOffset) != targetHash
            || I32(input, ParameterCountOffset) != target.Layout.ParameterCount
            || I32(input, TrainableCountOffset) != target.Layout.TrainableCount)
        {
            return CheckpointError.LayoutMismatch;
        }

        int length = target.Length + (isSealed ? TagBytes : 0);
        if (I32(input, LengthOffset) != length)
        {
            return CheckpointError.Corrupt;
        }

        if (count < length)
        {
            return CheckpointError.Truncated;
        }

        if (U32(input, length - 4) != TrailerCrc(input, length))
        {
            return CheckpointError.Corrupt;
        }

        if (isSealed && !System.Security.Cryptography.HMACSHA256.HashData(key, input.Slice(0, length - TagBytes - 4)).AsSpan().SequenceEqual(input.Slice(length - TagBytes - 4, TagBytes)))
        {
            return CheckpointError.NotAuthentic;
        }

        // Wrap-around order: refused when the minimum is after the sequence number (less than 2^63 ahead of it).
        if (minimum is { } floor && (long)(floor - U64(input, SequenceOffset)) > 0)
        {
            return CheckpointError.RolledBack;
        }

        return ValuesValid(target, input) ? CheckpointError.None : CheckpointError.InvalidValue;
    }

    /// <summary>The rules for values, for an intact checkpoint of <paramref name="target"/>.</summary>
    public static bool ValuesValid(FuzzConfig target, ReadOnlySpan<byte> input)
    {
        if ((long)U64(input, StepCountOffset) < 0 || (long)U64(input, SkippedOffset) < 0)
        {
            return false; // Step counts are longs: a stored value with the top bit set is negative.
        }

        int options = I32(input, OptionsOffset);
        if ((options & ~KnownOptions(target.Kind)) != 0)
        {
            return false;
        }

        var hyper = new float[target.HyperCount];
        for (int k = 0; k < hyper.Length; k++)
        {
            hyper[k] = F32(input, HyperOffset + (4 * k));
        }

        if (target.Kind == FuzzKind.Sgd)
        {
            // lr, momentum, dampening, weight_decay, max_norm: dampening may be any finite value (torch's rule).
            float momentum = hyper[1];
            float dampening = hyper[2];
            if (!NonNegative(hyper[0]) || !NonNegative(momentum) || !float.IsFinite(dampening) || !NonNegative(hyper[3]) || !NonNegative(hyper[4]))
            {
                return false;
            }

            bool nesterov = (options & 1) != 0;
            if (nesterov && (momentum == 0f || dampening != 0f))
            {
                return false; // The Nesterov setter's rule.
            }

            if ((momentum != 0f || (options & 4) != 0) && !target.WithState)
            {
                return false; // Momentum, or a started buffer, without a buffer.
            }
        }
        else if (!NonNegative(hyper[0]) || !Beta(hyper[1]) || !Beta(hyper[2]) || !NonNegative(hyper[3]) || !NonNegative(hyper[4]) || !NonNegative(hyper[5]))
        {
            return false; // lr, beta1, beta2, eps, weight_decay, max_norm.
        }

        int floats = target.FloatsOffset;
        for (int i = 0; i < target.FloatCount; i++)
        {
            if (!float.IsFinite(F32(input, floats + (4 * i))))
            {
                return false;
            }
        }

        if (target.Kind != FuzzKind.Sgd)
        {
            // exp_avg_sq (block 1) and max_exp_avg_sq (block 2): second moments, never below zero (-0 is zero).
            int p = target.Layout.ParameterCount;
            int t = target.Layout.TrainableCount;
            for (int block = 1; block < target.StateArrays; block++)
            {
                for (int i = 0; i < t; i++)
                {
                    if (F32(input, floats + (4 * (p + (block * t) + i))) < 0f)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The bytes a save after loading <paramref name="input"/> must produce: the input's checkpoint with the sequence
    /// number a plain save writes (0) and both CRCs recomputed. Everything else must survive a load unchanged.
    /// </summary>
    public static byte[] Canonical(FuzzConfig config, ReadOnlySpan<byte> input)
    {
        // A sealed input's unsealed form: its header and payload, as version 1 with version 1's length (the tag dropped).
        byte[] bytes = input.Slice(0, config.Length).ToArray();
        bytes[VersionOffset] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(LengthOffset), config.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(SequenceOffset), 0);
        Reseal(bytes, config.Length);
        return bytes;
    }

    /// <summary>Recomputes the header's CRC and the trailing CRC of a checkpoint of <paramref name="length"/> bytes.</summary>
    public static void Reseal(byte[] bytes, int length)
    {
        ResealHeader(bytes);
        if (length >= HeaderBytes + 4 && length <= bytes.Length)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(length - 4), TrailerCrc(bytes, length));
        }
    }

    /// <summary>
    /// The trailing CRC: CRC-32 of bytes 0-35 and 40 to <paramref name="length"/> - 5, everything before it but the
    /// header's own CRC (which, covered, would make the trailer independent of the header: the CRC residue).
    /// </summary>
    public static uint TrailerCrc(ReadOnlySpan<byte> bytes, int length)
    {
        var crc = new System.IO.Hashing.Crc32();
        crc.Append(bytes.Slice(0, HeaderCrcOffset));
        crc.Append(bytes.Slice(HeaderBytes, length - HeaderBytes - 4));
        return crc.GetCurrentHashAsUInt32();
    }

    public static void ResealHeader(byte[] bytes)
    {
        if (bytes.Length >= HeaderBytes)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(HeaderCrcOffset), Crc(bytes.AsSpan(0, HeaderCrcOffset)));
        }
    }

    public static uint Crc(ReadOnlySpan<byte> bytes) => System.IO.Hashing.Crc32.HashToUInt32(bytes);

    public static bool NonNegative(float value) => value >= 0f && float.IsFinite(value);

    public static bool Beta(float value) => value >= 0f && value < 1f;

    public static uint U32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(at));

    public static int I32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadInt32LittleEndian(s.Slice(at));

    public static ulong U64(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(at));

    public static float F32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadSingleLittleEndian(s.Slice(at));
}
