using System;
using System.Buffers.Binary;
using System.Linq;
using CsCheck;
using WeightDecay.Edge;
using M = WeightDecay.Edge.Tests.Checkpoints.Fuzzing.CheckpointModel;

namespace WeightDecay.Edge.Tests.Checkpoints.Fuzzing;

/// <summary>The inputs of strategy (f), the authenticating loader.</summary>
internal enum AuthOp
{
    /// <summary>A genuine sealed checkpoint, numbered at or after the minimum (or anywhere, with the minimum 0).</summary>
    Genuine,

    /// <summary>Byte-level mutations of a sealed checkpoint, CRCs not re-sealed.</summary>
    Raw,

    /// <summary>Fields set to chosen values and both CRCs re-sealed: a forgery with valid CRCs.</summary>
    ResealedField,

    /// <summary>A genuine checkpoint that is not sealed.</summary>
    Unsealed,

    /// <summary>Sealed with another key.</summary>
    OtherKey,

    /// <summary>Adam relabelled AdamW or the other way (kind, layout hash, CRCs: every field valid), or for SGD a parameter changed to another finite value.</summary>
    Forged,

    /// <summary>A genuine sealed checkpoint numbered before the minimum: a replay.</summary>
    Replayed,

    /// <summary>A genuine sealed checkpoint given to the loader without a key.</summary>
    SealedIntoUnauthenticated,
}

internal static partial class FuzzStrategies
{
    private static readonly Gen<AuthOp> AuthOps = Gen.Frequency(
        (15, Gen.Const(AuthOp.Genuine)), (20, Gen.Const(AuthOp.Raw)), (25, Gen.Const(AuthOp.ResealedField)), (8, Gen.Const(AuthOp.Unsealed)),
        (8, Gen.Const(AuthOp.OtherKey)), (8, Gen.Const(AuthOp.Forged)), (8, Gen.Const(AuthOp.Replayed)), (8, Gen.Const(AuthOp.SealedIntoUnauthenticated)));

    /// <summary>
    /// (f) The authenticating loader (<c>LoadCheckpoint(..., key, minimumSequence)</c>): sealed checkpoints, genuine or mutated,
    /// re-sealed with valid CRCs, unsealed, sealed with another key, forged with valid CRCs and valid values (an Adam
    /// checkpoint relabelled AdamW), replayed below the minimum, and sealed ones given to a loader without a key. The
    /// reference model checks the tag with System.Security.Cryptography.HMACSHA256.
    /// </summary>
    public static Gen<FuzzCase> Authenticated() =>
        Gen.Select(FuzzSources.Source, AuthOps, Raw.Array[1, 3], Field.Array[1, 2], Gen.ULong, Entry, (source, op, raws, fields, value, entry) =>
        {
            (FuzzOptimizer twin, byte[] plain) = FuzzSources.Materialize(source);
            FuzzConfig config = source.Config;
            ulong sequence = value % 1000;
            byte[] bytes = twin.SaveSealed(FuzzKeys.CheckpointKey, sequence);
            FuzzConfig target = config;
            ulong? minimum = sequence - ((value >> 12) % 3 > sequence ? sequence : (value >> 12) % 3);
            bool authenticated = true;
            CheckpointError? declared = null;
            FuzzOptimizer? stepAlongside = null;
            string recipe = source + "; " + op;
            switch (op)
            {
                case AuthOp.Genuine when (value >> 40) % 8 == 0:
                    // Any sequence number, the minimum 0: numbers 2^63 and up are "before" 0 in wrap-around order.
                    bytes = twin.SaveSealed(FuzzKeys.CheckpointKey, value);
                    minimum = null;
                    recipe += $", sequence {value}, minimum 0";
                    break;
                case AuthOp.Genuine:
                    declared = CheckpointError.None;
                    stepAlongside = twin;
                    recipe += $", sequence {sequence}, minimum {minimum}";
                    break;
                case AuthOp.Raw:
                    foreach (RawMutation mutation in raws)
                    {
                        bytes = Apply(config, bytes, mutation);
                    }

                    recipe += "; " + string.Join("; ", raws.Select(m => m.ToString()));
                    break;
                case AuthOp.ResealedField:
                    foreach (FieldMutation field in fields)
                    {
                        ApplyField(config, bytes, field);
                    }

                    M.Reseal(bytes, config.Length + M.TagBytes);
                    recipe += "; " + string.Join("; ", fields.Select(f => f.ToString())) + "; both CRCs resealed";
                    break;
                case AuthOp.Unsealed:
                    bytes = plain;
                    declared = CheckpointError.NotAuthentic;
                    break;
                case AuthOp.OtherKey:
                    bytes = twin.SaveSealed(FuzzKeys.OtherCheckpointKey, sequence);
                    declared = CheckpointError.NotAuthentic;
                    break;
                case AuthOp.Forged when config.Kind != FuzzKind.Sgd:
                    target = FuzzTargets.Configs.Single(c => c.Layout == config.Layout && c.WithState == config.WithState && c.Kind == (config.Kind == FuzzKind.Adam ? FuzzKind.AdamW : FuzzKind.Adam));
                    bytes[M.KindOffset] = (byte)target.Kind;
                    BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(M.HashOffset), FuzzLive.Hash(target));
                    M.Reseal(bytes, target.Length + M.TagBytes);
                    declared = CheckpointError.NotAuthentic;
                    recipe += " as " + target.Name;
                    break;
                case AuthOp.Forged:
                    int at = config.FloatsOffset + (4 * (int)(value % (uint)config.Layout.ParameterCount));
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at)) + 1f);
                    M.Reseal(bytes, config.Length + M.TagBytes);
                    declared = CheckpointError.NotAuthentic;
                    recipe += $", the float at byte {at} plus 1";
                    break;
                case AuthOp.Replayed:
                    minimum = sequence + 1 + ((value >> 20) % 5);
                    declared = CheckpointError.RolledBack;
                    recipe += $", sequence {sequence}, minimum {minimum}";
                    break;
                default:
                    authenticated = false;
                    minimum = null;
                    declared = CheckpointError.NotAuthentic;
                    break;
            }

            var input = new FuzzCase("f-authenticated", target, bytes, recipe) { Authenticated = authenticated, Minimum = minimum };
            return WithEntry(input, entry, declared, stepAlongside);
        });
}
