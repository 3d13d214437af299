using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using CsCheck;
using WeightDecay.Edge;
using M = WeightDecay.Edge.Tests.Checkpoints.Fuzzing.CheckpointModel;

namespace WeightDecay.Edge.Tests.Checkpoints.Fuzzing;

/// <summary>Byte-level mutations of strategy (b), applied without re-sealing the CRCs.</summary>
internal enum RawOp
{
    BitFlip,
    SetByte,
    Truncate,
    Extend,
    Splice,
    SwapFields,
    CopyChunk,
}

/// <summary>One byte-level mutation; <see cref="Position"/> is reduced modulo the length when applied.</summary>
internal sealed record RawMutation(RawOp Op, uint Position, bool HeaderBiased, int Value, uint Extra, TrainSpec? Partner)
{
    public override string ToString() => Op switch
    {
        RawOp.Splice => $"Splice(cut {Position}, partner {Partner})",
        _ => $"{Op}(pos {Position}{(HeaderBiased ? " header" : string.Empty)}, value {Value}, extra {Extra})",
    };
}

/// <summary>Structure-aware mutations of strategy (c): a field of the format set to a chosen value, then both CRCs re-sealed.</summary>
internal enum FieldOp
{
    Version,
    Kind,
    Flags,
    Hash,
    Sequence,
    Length,
    ParameterCount,
    TrainableCount,
    StepCount,
    SkippedCount,
    Options,
    Hyper,
    Float,
    FillArray,
}

internal sealed record FieldMutation(FieldOp Op, uint Index, ulong Value)
{
    public override string ToString() => Op switch
    {
        FieldOp.Hyper or FieldOp.Float or FieldOp.FillArray => $"{Op}(index {Index}, {FuzzStrategies.DescribeFloat((uint)Value)})",
        _ => $"{Op}(index {Index}, 0x{Value:X})",
    };
}

/// <summary>
/// The generators of inputs, one per strategy: (a) random bytes, (b) byte-level mutations of valid checkpoints,
/// (c) structure-aware mutations re-sealed so that they reach the checks of values, (d) checkpoints of other
/// configurations, (e) offsets, counts, null and streams. Each is a CsCheck <see cref="Gen{T}"/>, so a failing
/// input can be reproduced from its seed and shrunk by CsCheck.
/// </summary>
internal static partial class FuzzStrategies
{
    /// <summary>
    /// Floats chosen to sit on every boundary of the rules: NaNs (quiet, negative, signalling, full payload), infinities,
    /// signed zeros, subnormals, the largest finite, just below and above 1 (betas), negative tiny and huge values.
    /// </summary>
    public static readonly uint[] SpecialFloatBits = new[]
    {
        0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0x7FFFFFFFu, 0xFFFFFFFFu, 0x7F800000u, 0xFF800000u,
        0x00000000u, 0x80000000u, 0x00000001u, 0x80000001u, 0x007FFFFFu, 0x807FFFFFu, 0x00800000u, 0x80800000u,
        0x7F7FFFFFu, 0xFF7FFFFFu,
    }.Concat(new[] { 1f, -1f, 0.99999994f, 1.0000001f, 1e30f, -1e30f, -1e-30f, 0.5f, -0.5f, 1e-8f, -1e-8f }.Select(BitConverter.SingleToUInt32Bits))
    .ToArray();

    /// <summary>Special floats most of the time, else any 32 bits or an ordinary value.</summary>
    public static readonly Gen<uint> FloatBits = Gen.Frequency(
        (4, Gen.Int[0, SpecialFloatBits.Length - 1].Select(i => SpecialFloatBits[i])),
        (1, Gen.UInt.Uniform),
        (1, Gen.Float[-4f, 4f].Select(BitConverter.SingleToUInt32Bits)));

    private static readonly Gen<FuzzEntry> PlainEntry = Gen.Frequency(
        (14, Gen.Const(FuzzEntry.Array)), (3, Gen.Const(FuzzEntry.Slice)), (2, Gen.Const(FuzzEntry.Stream)), (1, Gen.Const(FuzzEntry.TrickleStream)));

    /// <summary>How an input is passed: array, slice with garbage around it, or stream; and the garbage's shape.</summary>
    internal static readonly Gen<(FuzzEntry Entry, int Prefix, int Suffix, int Seed)> Entry =
        Gen.Select(PlainEntry, Gen.Int[0, 24], Gen.Int[0, 24], Gen.Int);

    // ---------------------------------------------------------------- (a) random bytes

    /// <summary>
    /// Random bytes of a random length up to twice the target's checkpoint; a quarter start with "WDEC", a quarter also
    /// with version 1. Up to 64 bytes they come from CsCheck (and shrink); longer ones from a seeded generator (fast).
    /// </summary>
    public static Gen<FuzzCase> Random() =>
        Gen.Select(FuzzSources.Config, Gen.Int[0, 3], Entry).SelectMany((config, prefix, entry) =>
            Gen.Frequency(
                    (1, Gen.Byte.Array[0, 64]),
                    (3, Gen.Select(Gen.Int[0, 2 * config.Length], Gen.Int, (length, seed) => FuzzSources.Garbage(seed, length))))
                .Select(bytes =>
                {
                    string recipe = "random " + bytes.Length + " bytes";
                    if (prefix >= 2 && bytes.Length >= 4)
                    {
                        Encoding.ASCII.GetBytes("WDEC").CopyTo(bytes, 0);
                        recipe += " after \"WDEC\"";
                        if (prefix == 3 && bytes.Length >= 6)
                        {
                            bytes[4] = 1;
                            bytes[5] = 0;
                            recipe += " and version 1";
                        }
                    }

                    return WithEntry(new FuzzCase("a-random", config, bytes, recipe), entry, declared: null, twin: null);
                }));

    // ---------------------------------------------------------------- (b) byte-level mutations

    internal static readonly Gen<RawMutation> Raw = Gen.Frequency(
        (5, Gen.Select(Gen.UInt, Gen.Bool, Gen.Int[0, 7], (p, h, bit) => new RawMutation(RawOp.BitFlip, p, h, bit, 0, null))),
        (3, Gen.Select(Gen.UInt, Gen.Bool, Gen.Frequency((1, Gen.Const(0)), (1, Gen.Const(0xFF)), (1, Gen.Const(0x7F)), (1, Gen.Const(0x80)), (2, Gen.Int[0, 255])),
            (p, h, v) => new RawMutation(RawOp.SetByte, p, h, v, 0, null))),
        (2, Gen.Select(Gen.UInt, Gen.Bool, (p, h) => new RawMutation(RawOp.Truncate, p, h, 0, 0, null))),
        (2, Gen.Select(Gen.Int[1, 64], Gen.UInt, (n, seed) => new RawMutation(RawOp.Extend, 0, false, n, seed, null))),
        (1, Gen.Select(Gen.UInt, FuzzSources.Train, (cut, partner) => new RawMutation(RawOp.Splice, cut, false, 0, 0, partner))),
        (2, Gen.Select(Gen.UInt, Gen.UInt, (a, b) => new RawMutation(RawOp.SwapFields, a, true, 0, b, null))),
        (1, Gen.Select(Gen.UInt, Gen.UInt, Gen.Int[1, 16], (from, to, n) => new RawMutation(RawOp.CopyChunk, from, false, n, to, null))));

    /// <summary>
    /// Valid checkpoints with one to four byte-level mutations: bit flips, byte sets, truncations, extensions,
    /// splices with another checkpoint of the same configuration, swapped header fields, copied chunks.
    /// </summary>
    public static Gen<FuzzCase> Mutated() =>
        Gen.Select(FuzzSources.Source, Raw.Array[1, 4], Entry, (source, mutations, entry) =>
        {
            (FuzzOptimizer twin, byte[] original) = FuzzSources.Materialize(source);
            byte[] bytes = original;
            foreach (RawMutation mutation in mutations)
            {
                bytes = Apply(source.Config, bytes, mutation);
            }

            CheckpointError? declared = mutations.Length == 1 ? DeclareRaw(source.Config, original, bytes, mutations[0]) : null;
            bool unchangedCheckpoint = bytes.Length >= original.Length && bytes.AsSpan(0, original.Length).SequenceEqual(original);
            string recipe = source + "; " + string.Join("; ", mutations.Select(m => m.ToString()));
            return WithEntry(new FuzzCase("b-mutated", source.Config, bytes, recipe), entry, declared, unchangedCheckpoint ? twin : null);
        });

    internal static byte[] Apply(FuzzConfig config, byte[] bytes, RawMutation mutation)
    {
        int length = bytes.Length;
        int Position() => length == 0 ? 0 : (int)(mutation.Position % (uint)(mutation.HeaderBiased ? Math.Min(length, 64) : length));
        switch (mutation.Op)
        {
            case RawOp.BitFlip when length > 0:
            {
                byte[] copy = (byte[])bytes.Clone();
                copy[Position()] ^= (byte)(1 << mutation.Value);
                return copy;
            }

            case RawOp.SetByte when length > 0:
            {
                byte[] copy = (byte[])bytes.Clone();
                copy[Position()] = (byte)mutation.Value;
                return copy;
            }

            case RawOp.Truncate:
                return bytes.AsSpan(0, Position()).ToArray();
            case RawOp.Extend:
                return Join(bytes, FuzzSources.Garbage((int)mutation.Extra, mutation.Value));
            case RawOp.Splice:
            {
                byte[] partner = FuzzSources.Materialize(config, mutation.Partner!).Bytes;
                int cut = (int)(mutation.Position % (uint)(Math.Min(length, partner.Length) + 1));
                byte[] spliced = new byte[partner.Length];
                bytes.AsSpan(0, cut).CopyTo(spliced);
                partner.AsSpan(cut).CopyTo(spliced.AsSpan(cut));
                return spliced;
            }

            case RawOp.SwapFields:
            {
                // Fields of equal size: the two header bytes, the 32-bit fields, the 64-bit fields.
                int[][] classes = { new[] { M.KindOffset, M.FlagsOffset }, new[] { 0, M.LengthOffset, M.ParameterCountOffset, M.TrainableCountOffset, M.HeaderCrcOffset }, new[] { M.HashOffset, M.SequenceOffset } };
                int[] sizes = { 1, 4, 8 };
                int c = (int)(mutation.Position % 3);
                int a = classes[c][(int)(mutation.Extra % (uint)classes[c].Length)];
                int b = classes[c][(int)((mutation.Extra / 7) % (uint)classes[c].Length)];
                int size = sizes[c];
                if (a == b || Math.Max(a, b) + size > length)
                {
                    return bytes;
                }

                byte[] copy = (byte[])bytes.Clone();
                bytes.AsSpan(a, size).CopyTo(copy.AsSpan(b));
                bytes.AsSpan(b, size).CopyTo(copy.AsSpan(a));
                return copy;
            }

            case RawOp.CopyChunk when length > 0:
            {
                int n = Math.Min(mutation.Value, length);
                int from = (int)(mutation.Position % (uint)(length - n + 1));
                int to = (int)(mutation.Extra % (uint)(length - n + 1));
                byte[] copy = (byte[])bytes.Clone();
                bytes.AsSpan(from, n).CopyTo(copy.AsSpan(to));
                return copy;
            }

            default:
                return bytes;
        }
    }

    /// <summary>
    /// What one byte-level mutation of a valid checkpoint must give, from the format alone: a change in the magic is
    /// not a checkpoint, in the version an unknown version, anywhere else a CRC mismatch (CRC-32 detects every change
    /// of up to 32 consecutive bits); a cut is a truncation; bytes appended after the checkpoint are ignored.
    /// </summary>
    private static CheckpointError? DeclareRaw(FuzzConfig config, byte[] original, byte[] mutated, RawMutation mutation)
    {
        if (mutated.AsSpan().SequenceEqual(original))
        {
            return CheckpointError.None;
        }

        switch (mutation.Op)
        {
            case RawOp.BitFlip:
            case RawOp.SetByte:
            {
                int at = FirstDifference(original, mutated);
                bool sealedVersion = mutated.Length >= 6 && mutated[M.VersionOffset] == 2 && mutated[M.VersionOffset + 1] == 0;
                return at < 4 ? CheckpointError.BadMagic : at < 6 && !sealedVersion ? CheckpointError.UnsupportedVersion : CheckpointError.Corrupt;
            }

            case RawOp.Truncate:
                return CheckpointError.Truncated;
            case RawOp.Extend:
                return CheckpointError.None;
            case RawOp.Splice:
                // Two checkpoints of one configuration share their header (sequence 0): a splice changes only the payload.
                // It is valid only if it equals the partner (cut before the first difference): then it is the partner.
                return mutated.Length < config.Length ? CheckpointError.Truncated
                    : FirstDifference(original, mutated) < M.HeaderBytes ? null
                    : IsIntact(config, mutated) ? CheckpointError.None : CheckpointError.Corrupt;
            default:
                return null;
        }
    }

    private static bool IsIntact(FuzzConfig config, byte[] bytes) =>
        M.U32(bytes, config.Length - 4) == M.TrailerCrc(bytes, config.Length);

    private static int FirstDifference(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return n;
    }

    // ---------------------------------------------------------------- (c) structure-aware, re-sealed

    private static readonly Gen<ulong> StepValue = Gen.Frequency(
        (1, Gen.Const(0UL)), (1, Gen.Const(1UL)), (1, Gen.Const(0x7FFFFFFFFFFFFFFFUL)), (1, Gen.Const(0x8000000000000000UL)),
        (1, Gen.Const(ulong.MaxValue)), (2, Gen.ULong), (2, Gen.Long[0, long.MaxValue].Select(v => (ulong)v)));

    /// <summary>A 32-bit header field's new value: (false, value) sets it, (true, delta) moves it from its true value.</summary>
    private static readonly Gen<(bool Delta, ulong Value)> Int32Value = Gen.Frequency(
        (5, Gen.Frequency((1, Gen.Const(0U)), (1, Gen.Const(1U)), (1, Gen.Const(uint.MaxValue)), (1, Gen.Const(0x7FFFFFFFU)), (1, Gen.Const(0x80000000U)), (2, Gen.UInt))
            .Select(v => (false, (ulong)v))),
        (3, Gen.Int[-8, 8].Select(d => (true, (ulong)(long)d))));

    internal static readonly Gen<FieldMutation> Field = Gen.Frequency(
        (1, Gen.Frequency((1, Gen.Const(0UL)), (1, Gen.Const(2UL)), (1, Gen.Const(0x100UL)), (1, Gen.Const(0x101UL)), (1, Gen.Const(0xFFFFUL)), (1, Gen.Int[0, 0xFFFF].Select(v => (ulong)v)))
            .Select(v => new FieldMutation(FieldOp.Version, 0, v))),
        (1, Gen.Int[0, 255].Select(v => new FieldMutation(FieldOp.Kind, 0, (ulong)(v % 8 == 0 ? v : v % 5)))),
        (1, Gen.Int[0, 255].Select(v => new FieldMutation(FieldOp.Flags, 0, (ulong)(v % 8 == 0 ? v : v % 3)))),
        (1, Gen.Select(Gen.Int[0, 2], Gen.ULong, Gen.Int[0, FuzzTargets.Configs.Length - 1], (mode, v, other) => new FieldMutation(FieldOp.Hash, (uint)mode, mode == 0 ? v : mode == 1 ? (ulong)other : 1UL << (int)(v % 64)))),
        (2, Gen.ULong.Select(v => new FieldMutation(FieldOp.Sequence, 0, v))),
        (1, Int32Value.Select(v => new FieldMutation(FieldOp.Length, v.Delta ? 1u : 0u, v.Value))),
        (1, Int32Value.Select(v => new FieldMutation(FieldOp.ParameterCount, v.Delta ? 1u : 0u, v.Value))),
        (1, Int32Value.Select(v => new FieldMutation(FieldOp.TrainableCount, v.Delta ? 1u : 0u, v.Value))),
        (2, StepValue.Select(v => new FieldMutation(FieldOp.StepCount, 0, v))),
        (2, StepValue.Select(v => new FieldMutation(FieldOp.SkippedCount, 0, v))),
        (3, Gen.Frequency((2, Gen.Int[0, 15]), (2, Gen.Int[0, 31].Select(k => 1 << k)), (1, Gen.Int)).Select(v => new FieldMutation(FieldOp.Options, 0, (uint)v))),
        (6, Gen.Select(Gen.UInt, FloatBits, (i, f) => new FieldMutation(FieldOp.Hyper, i, f))),
        (8, Gen.Select(Gen.UInt, FloatBits, (i, f) => new FieldMutation(FieldOp.Float, i, f))),
        (2, Gen.Select(Gen.UInt, FloatBits, (i, f) => new FieldMutation(FieldOp.FillArray, i, f))));

    /// <summary>
    /// Valid checkpoints with one to three fields set to chosen values, then both CRCs re-sealed (the header's and the
    /// trailing one), so that the input gets past the integrity checks to the checks of the header's fields and of the
    /// values: hyperparameters, step counts, option bits, parameters and state set to NaN, infinities, negative second
    /// moments, subnormals, huge values. A tenth re-seal only the header's CRC, and a twentieth neither: the trailing CRC
    /// must then catch a change anywhere but in the header's CRC (a header CRC covered by the trailer would not: the CRC
    /// residue). Sometimes cut or extended after sealing.
    /// </summary>
    public static Gen<FuzzCase> Resealed() =>
        Gen.Select(
            FuzzSources.Source,
            Field.Array[1, 3],
            Gen.Frequency((17, Gen.Const(Seal.Both)), (2, Gen.Const(Seal.HeaderOnly)), (1, Gen.Const(Seal.None))),
            Gen.Frequency((17, Gen.Const(0)), (1, Gen.Const(1)), (2, Gen.Const(2))),
            Gen.UInt,
            Entry,
            (source, fields, seal, post, postValue, entry) =>
            {
                (FuzzOptimizer twin, byte[] original) = FuzzSources.Materialize(source);
                FuzzConfig config = source.Config;
                byte[] bytes = (byte[])original.Clone();
                foreach (FieldMutation field in fields)
                {
                    ApplyField(config, bytes, field);
                }

                CheckpointError? declared;
                switch (seal)
                {
                    case Seal.Both:
                        M.Reseal(bytes, config.Length);
                        declared = fields.Length == 1 ? DeclareField(config, original, bytes, fields[0]) : null;
                        break;
                    case Seal.HeaderOnly:
                        M.ResealHeader(bytes);
                        declared = DeclareUnsealed(config, original, bytes, headerSealed: true);
                        break;
                    default:
                        declared = DeclareUnsealed(config, original, bytes, headerSealed: false);
                        break;
                }

                string recipe = source + "; " + string.Join("; ", fields.Select(f => f.ToString())) + "; " + seal switch
                {
                    Seal.Both => "both CRCs resealed",
                    Seal.HeaderOnly => "header CRC resealed",
                    _ => "not resealed",
                };
                if (post == 1)
                {
                    int cut = (int)(postValue % (uint)bytes.Length);
                    bytes = bytes.AsSpan(0, cut).ToArray();
                    recipe += $"; cut to {cut}";
                    declared = null;
                }
                else if (post == 2)
                {
                    bytes = Join(bytes, FuzzSources.Garbage((int)postValue, 1 + (int)(postValue % 40)));
                    recipe += "; extended";
                }

                bool unchanged = bytes.AsSpan(0, Math.Min(bytes.Length, original.Length)).SequenceEqual(original) && bytes.Length >= original.Length;
                return WithEntry(new FuzzCase("c-resealed", config, bytes, recipe), entry, declared, unchanged ? twin : null);
            });

    /// <summary>Which CRCs strategy (c) recomputes after its changes.</summary>
    private enum Seal
    {
        Both,
        HeaderOnly,
        None,
    }

    /// <summary>
    /// What changes to a valid checkpoint must give when the trailing CRC is left as it was: unchanged loads; a new
    /// version is reported first; with the header's CRC left too, any other change of the header is
    /// <see cref="CheckpointError.Corrupt"/>; with it re-sealed, a change of the payload or of the sequence number alone
    /// (the one header field that passes every other check) is <see cref="CheckpointError.Corrupt"/> by the trailing
    /// CRC, since the trailing CRC covers the header; other header changes meet their own checks first.
    /// </summary>
    private static CheckpointError? DeclareUnsealed(FuzzConfig config, byte[] original, byte[] mutated, bool headerSealed)
    {
        bool headerChanged = !mutated.AsSpan(0, M.HeaderCrcOffset).SequenceEqual(original.AsSpan(0, M.HeaderCrcOffset));
        bool payloadChanged = !mutated.AsSpan(M.HeaderBytes).SequenceEqual(original.AsSpan(M.HeaderBytes));
        if (!headerChanged && !payloadChanged)
        {
            return CheckpointError.None;
        }

        if (mutated[M.VersionOffset] != original[M.VersionOffset] || mutated[M.VersionOffset + 1] != original[M.VersionOffset + 1])
        {
            // Version 2 (sealed) passes the version check; the header's CRC, then the missing key, decide.
            bool sealedVersion = mutated[M.VersionOffset] == 2 && mutated[M.VersionOffset + 1] == 0;
            return !sealedVersion ? CheckpointError.UnsupportedVersion : headerSealed ? CheckpointError.NotAuthentic : CheckpointError.Corrupt;
        }

        if (!headerChanged)
        {
            return CheckpointError.Corrupt; // Only the payload changed: the trailing CRC.
        }

        if (!headerSealed)
        {
            return CheckpointError.Corrupt; // The header's CRC.
        }

        bool onlySequence = mutated.AsSpan(0, M.SequenceOffset).SequenceEqual(original.AsSpan(0, M.SequenceOffset))
            && mutated.AsSpan(M.LengthOffset, M.HeaderCrcOffset - M.LengthOffset).SequenceEqual(original.AsSpan(M.LengthOffset, M.HeaderCrcOffset - M.LengthOffset));
        return onlySequence ? CheckpointError.Corrupt : null;
    }

    internal static void ApplyField(FuzzConfig config, byte[] bytes, FieldMutation field)
    {
        Span<byte> s = bytes;
        switch (field.Op)
        {
            case FieldOp.Version:
                BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(M.VersionOffset), (ushort)field.Value);
                break;
            case FieldOp.Kind:
                s[M.KindOffset] = (byte)field.Value;
                break;
            case FieldOp.Flags:
                s[M.FlagsOffset] = (byte)field.Value;
                break;
            case FieldOp.Hash:
                ulong hash = M.U64(s, M.HashOffset);
                ulong value = field.Index switch
                {
                    0 => field.Value,
                    1 => FuzzLive.Hash(FuzzTargets.Configs[(int)field.Value]),
                    _ => hash ^ field.Value,
                };
                BinaryPrimitives.WriteUInt64LittleEndian(s.Slice(M.HashOffset), value);
                break;
            case FieldOp.Sequence:
                BinaryPrimitives.WriteUInt64LittleEndian(s.Slice(M.SequenceOffset), field.Value);
                break;
            case FieldOp.Length:
                WriteInt32Field(s, M.LengthOffset, field);
                break;
            case FieldOp.ParameterCount:
                WriteInt32Field(s, M.ParameterCountOffset, field);
                break;
            case FieldOp.TrainableCount:
                WriteInt32Field(s, M.TrainableCountOffset, field);
                break;
            case FieldOp.StepCount:
                BinaryPrimitives.WriteUInt64LittleEndian(s.Slice(M.StepCountOffset), field.Value);
                break;
            case FieldOp.SkippedCount:
                BinaryPrimitives.WriteUInt64LittleEndian(s.Slice(M.SkippedOffset), field.Value);
                break;
            case FieldOp.Options:
                BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(M.OptionsOffset), (uint)field.Value);
                break;
            case FieldOp.Hyper:
                BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(M.HyperOffset + (4 * (int)(field.Index % (uint)config.HyperCount))), (uint)field.Value);
                break;
            case FieldOp.Float:
            {
                (int first, int count) = Region(config, field.Index);
                int at = first + (int)((field.Index / 8) % (uint)count);
                BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(config.FloatsOffset + (4 * at)), (uint)field.Value);
                break;
            }

            case FieldOp.FillArray:
            {
                (int first, int count) = Region(config, field.Index);
                for (int i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(config.FloatsOffset + (4 * (first + i))), (uint)field.Value);
                }

                break;
            }
        }
    }

    /// <summary>The parameters (region 0) or one state array (1, 2, 3), as a range of the payload's floats.</summary>
    private static (int First, int Count) Region(FuzzConfig config, uint selector)
    {
        int region = (int)(selector % (uint)(config.StateArrays + 1));
        return region == 0
            ? (0, config.Layout.ParameterCount)
            : (config.Layout.ParameterCount + ((region - 1) * config.Layout.TrainableCount), config.Layout.TrainableCount);
    }

    private static void WriteInt32Field(Span<byte> s, int at, FieldMutation field)
    {
        int stored = field.Index == 1 ? M.I32(s, at) + (int)(long)field.Value : (int)(uint)field.Value;
        BinaryPrimitives.WriteInt32LittleEndian(s.Slice(at), stored);
    }

    /// <summary>
    /// What one re-sealed field change of a valid checkpoint must give, stated field by field from the format's rules
    /// (independently of <see cref="CheckpointModel"/>, which the oracle also checks every input against).
    /// </summary>
    private static CheckpointError? DeclareField(FuzzConfig config, byte[] original, byte[] mutated, FieldMutation field)
    {
        if (mutated.AsSpan(0, M.HeaderCrcOffset).SequenceEqual(original.AsSpan(0, M.HeaderCrcOffset))
            && mutated.AsSpan(M.HeaderBytes, config.Length - M.HeaderBytes - 4).SequenceEqual(original.AsSpan(M.HeaderBytes, config.Length - M.HeaderBytes - 4)))
        {
            return CheckpointError.None; // The field already held that value.
        }

        switch (field.Op)
        {
            case FieldOp.Version:
                // Version 2 is the sealed format: a loader without a key refuses it as not authentic.
                return BinaryPrimitives.ReadUInt16LittleEndian(mutated.AsSpan(M.VersionOffset)) == 2 ? CheckpointError.NotAuthentic : CheckpointError.UnsupportedVersion;
            case FieldOp.Kind:
            case FieldOp.Flags:
                return CheckpointError.OptimizerMismatch;
            case FieldOp.Hash:
            case FieldOp.ParameterCount:
            case FieldOp.TrainableCount:
                return CheckpointError.LayoutMismatch;
            case FieldOp.Length:
                return CheckpointError.Corrupt;
            case FieldOp.Sequence:
                return CheckpointError.None; // Any sequence number is valid.
            case FieldOp.StepCount:
            case FieldOp.SkippedCount:
                return (long)field.Value < 0 ? CheckpointError.InvalidValue : CheckpointError.None;
            case FieldOp.Options:
                int options = (int)(uint)field.Value;
                if ((options & ~M.KnownOptions(config.Kind)) != 0)
                {
                    return CheckpointError.InvalidValue;
                }

                return config.Kind == FuzzKind.Sgd ? null : CheckpointError.None; // SGD's bits have rules across values.
            case FieldOp.Hyper:
            {
                float value = BitConverter.UInt32BitsToSingle((uint)field.Value);
                int k = (int)(field.Index % (uint)config.HyperCount);
                if (float.IsNaN(value) || float.IsInfinity(value))
                {
                    return CheckpointError.InvalidValue;
                }

                if (config.Kind != FuzzKind.Sgd)
                {
                    bool beta = k == 1 || k == 2;
                    return (beta ? value >= 0f && value < 1f : value >= 0f) ? CheckpointError.None : CheckpointError.InvalidValue;
                }

                return k switch
                {
                    2 => null, // Dampening: any finite value, unless the checkpoint has Nesterov on.
                    1 when value < 0f => CheckpointError.InvalidValue,
                    1 when value > 0f => config.WithState ? CheckpointError.None : CheckpointError.InvalidValue,
                    1 => null, // Momentum 0: refused if Nesterov is on.
                    _ => value >= 0f ? CheckpointError.None : CheckpointError.InvalidValue,
                };
            }

            case FieldOp.Float:
            case FieldOp.FillArray:
            {
                float value = BitConverter.UInt32BitsToSingle((uint)field.Value);
                if (float.IsNaN(value) || float.IsInfinity(value))
                {
                    return CheckpointError.InvalidValue;
                }

                int region = (int)(field.Index % (uint)(config.StateArrays + 1));
                bool secondMoment = config.Kind != FuzzKind.Sgd && region >= 2; // exp_avg_sq, max_exp_avg_sq
                return secondMoment && value < 0f ? CheckpointError.InvalidValue : CheckpointError.None;
            }

            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- (d) other configurations

    /// <summary>
    /// Valid checkpoints loaded into an optimizer of another configuration: other layout, other optimizer, with and
    /// without AMSGrad or a momentum buffer. A third have their header forged to claim the target's configuration
    /// (kind, flags, hash, counts, length; both CRCs re-sealed where they fit), so the wrong payload meets the checks.
    /// </summary>
    public static Gen<FuzzCase> Foreign() =>
        Gen.Select(FuzzSources.Source, Gen.Int[1, FuzzTargets.Configs.Length - 1], Gen.Frequency((2, Gen.Const(false)), (1, Gen.Const(true))), Entry,
            (source, shift, forge, entry) =>
            {
                FuzzConfig target = FuzzTargets.Configs[(source.Config.Index + shift) % FuzzTargets.Configs.Length];
                byte[] bytes = FuzzSources.Materialize(source).Bytes;
                CheckpointError? declared;
                string recipe = source + " into " + target.Name;
                if (forge)
                {
                    bytes[M.KindOffset] = (byte)target.Kind;
                    bytes[M.FlagsOffset] = (byte)(target.WithState ? 1 : 0);
                    BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(M.HashOffset), FuzzLive.Hash(target));
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(M.LengthOffset), target.Length);
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(M.ParameterCountOffset), target.Layout.ParameterCount);
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(M.TrainableCountOffset), target.Layout.TrainableCount);
                    M.Reseal(bytes, target.Length);
                    recipe += ", header forged and resealed";
                    declared = bytes.Length < target.Length ? CheckpointError.Truncated : null;
                }
                else
                {
                    declared = source.Config.Kind != target.Kind || source.Config.WithState != target.WithState
                        ? CheckpointError.OptimizerMismatch
                        : CheckpointError.LayoutMismatch;
                }

                return WithEntry(new FuzzCase("d-foreign", target, bytes, recipe), entry, declared, twin: null);
            });

    // ---------------------------------------------------------------- (e) arguments and streams

    private static readonly Gen<int> OddInt = Gen.Frequency(
        (1, Gen.Const(int.MinValue)), (1, Gen.Const(-1)), (1, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(int.MaxValue)),
        (2, Gen.Int), (3, Gen.Int[-2, 200]));

    /// <summary>
    /// A valid checkpoint embedded between garbage, passed with offsets and counts that are exact, reach into the
    /// garbage, fall short, are shifted, or are arbitrary (negative, past the end, int.MinValue, int.MaxValue); a null
    /// array; and streams: the checkpoint followed by garbage (a stream read stops at CheckpointBytes), cut short,
    /// or returned a few bytes per read.
    /// </summary>
    public static Gen<FuzzCase> Arguments() =>
        Gen.Select(FuzzSources.Source, Gen.Int[0, 9], Gen.Int[0, 40], Gen.Int[0, 40], OddInt, OddInt, Gen.Int,
            (source, mode, prefix, suffix, a, b, seed) =>
            {
                (FuzzOptimizer twin, byte[] checkpoint) = FuzzSources.Materialize(source);
                FuzzConfig config = source.Config;
                int length = checkpoint.Length;
                byte[] buffer = Join(FuzzSources.Garbage(seed, prefix), checkpoint, FuzzSources.Garbage(seed + 1, suffix));
                string recipe = $"{source}; mode {mode}, {prefix} bytes before, {suffix} after";
                FuzzCase Slice(int offset, int count, CheckpointError? declared, FuzzEntry entry = FuzzEntry.Slice) =>
                    new(("e-arguments"), config, buffer, recipe + $", offset {offset}, count {count}")
                    {
                        Entry = entry, Offset = offset, Count = count, Declared = declared, Twin = declared == CheckpointError.None ? twin : null,
                    };

                switch (mode)
                {
                    case 0:
                        return Slice(prefix, length, CheckpointError.None);
                    case 1:
                        return Slice(prefix, length + (int)((uint)a % (uint)(suffix + 1)), CheckpointError.None);
                    case 2:
                        return Slice(prefix, (int)((uint)a % (uint)length), CheckpointError.Truncated);
                    case 3:
                        int shift = ((int)((uint)a % 9)) - 4;
                        int offset = Math.Clamp(prefix + (shift == 0 ? 1 : shift), 0, buffer.Length);
                        return Slice(offset, Math.Min(length, buffer.Length - offset), null);
                    case 4:
                        return Slice(a, b, null);
                    case 5:
                        return Slice(prefix, (int)((uint)b % (uint)(buffer.Length - prefix + 1)), null);
                    case 6:
                        return Slice(a, b, null, FuzzEntry.Null);
                    case 7:
                        return new FuzzCase("e-arguments", config, Join(checkpoint, FuzzSources.Garbage(seed, suffix)), recipe + ", stream")
                        { Entry = FuzzEntry.Stream, Declared = CheckpointError.None, Twin = twin };
                    case 8:
                        return new FuzzCase("e-arguments", config, Join(checkpoint, FuzzSources.Garbage(seed, suffix)), recipe + ", trickle stream")
                        { Entry = FuzzEntry.TrickleStream, Declared = CheckpointError.None, Twin = twin };
                    default:
                        int cut = (int)((uint)a % (uint)length);
                        return new FuzzCase("e-arguments", config, checkpoint.AsSpan(0, cut).ToArray(), recipe + $", stream cut to {cut}")
                        { Entry = (a & 1) == 0 ? FuzzEntry.Stream : FuzzEntry.TrickleStream, Declared = CheckpointError.Truncated };
                }
            });

    // ---------------------------------------------------------------- shared

    internal static FuzzCase WithEntry(FuzzCase plain, (FuzzEntry Entry, int Prefix, int Suffix, int Seed) entry, CheckpointError? declared, FuzzOptimizer? twin)
    {
        byte[] bytes = plain.Bytes;
        switch (entry.Entry)
        {
            case FuzzEntry.Slice:
                byte[] buffer = Join(FuzzSources.Garbage(entry.Seed, entry.Prefix), bytes, FuzzSources.Garbage(entry.Seed + 1, entry.Suffix));
                return new FuzzCase(plain.Strategy, plain.Target, buffer, plain.Recipe + $"; in a slice at {entry.Prefix}")
                {
                    Entry = FuzzEntry.Slice, Offset = entry.Prefix, Count = bytes.Length, Declared = declared, Twin = twin, Authenticated = plain.Authenticated, Minimum = plain.Minimum,
                };
            case FuzzEntry.Stream:
            case FuzzEntry.TrickleStream:
                return new FuzzCase(plain.Strategy, plain.Target, bytes, plain.Recipe + "; through a " + (entry.Entry == FuzzEntry.Stream ? "stream" : "trickle stream"))
                {
                    Entry = entry.Entry, Declared = declared, Twin = twin, Authenticated = plain.Authenticated, Minimum = plain.Minimum,
                };
            default:
                return new FuzzCase(plain.Strategy, plain.Target, bytes, plain.Recipe) { Declared = declared, Twin = twin, Authenticated = plain.Authenticated, Minimum = plain.Minimum };
        }
    }

    private static byte[] Join(params byte[][] parts)
    {
        var joined = new byte[parts.Sum(part => part.Length)];
        int at = 0;
        foreach (byte[] part in parts)
        {
            part.CopyTo(joined, at);
            at += part.Length;
        }

        return joined;
    }

    public static string DescribeFloat(uint bits)
    {
        float value = BitConverter.UInt32BitsToSingle(bits);
        return float.IsNaN(value) ? $"NaN 0x{bits:X8}" : $"{value:R} (0x{bits:X8})";
    }
}
