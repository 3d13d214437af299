using System;
using System.Text;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests.Checkpoints.Fuzzing;

/// <summary>How an input reaches the loader.</summary>
internal enum FuzzEntry
{
    /// <summary><c>LoadCheckpoint(bytes, 0, bytes.Length)</c>.</summary>
    Array,

    /// <summary><c>LoadCheckpoint(bytes, Offset, Count)</c> with any offset and count, valid or not.</summary>
    Slice,

    /// <summary><c>LoadCheckpoint(null, Offset, Count)</c>.</summary>
    Null,

    /// <summary><c>LoadCheckpoint(new MemoryStream(bytes))</c>.</summary>
    Stream,

    /// <summary><c>LoadCheckpoint(stream)</c> with a stream that returns one to seven bytes per read.</summary>
    TrickleStream,
}

/// <summary>One input for the loader, with the live optimizer it is loaded into and how it was made.</summary>
internal sealed class FuzzCase
{
    public FuzzCase(string strategy, FuzzConfig target, byte[] bytes, string recipe)
    {
        Strategy = strategy;
        Target = target;
        Bytes = bytes;
        Recipe = recipe;
        Count = bytes.Length;
    }

    public string Strategy { get; }

    /// <summary>The configuration of the live optimizer that loads the input.</summary>
    public FuzzConfig Target { get; }

    /// <summary>The array passed to the loader (or the stream's content).</summary>
    public byte[] Bytes { get; }

    public FuzzEntry Entry { get; init; } = FuzzEntry.Array;

    public int Offset { get; init; }

    public int Count { get; init; }

    /// <summary>The generator's steps, for the failure report.</summary>
    public string Recipe { get; }

    /// <summary>
    /// The answer the mutation itself implies, stated by the generator independently of <see cref="CheckpointModel"/>
    /// (<see cref="CheckpointError.None"/>: must load); null when the generator states none.
    /// </summary>
    public CheckpointError? Declared { get; init; }

    /// <summary>
    /// Whether the loader is the authenticating one: <c>LoadCheckpoint(..., key, minimumSequence)</c> with <see cref="FuzzKeys.Key"/>
    /// and <see cref="Minimum"/> (0 when null), for arrays, slices and streams alike.
    /// </summary>
    public bool Authenticated { get; init; }

    /// <summary>The minimum sequence number an authenticating load passes; null: 0.</summary>
    public ulong? Minimum { get; init; }

    /// <summary>For an unmutated checkpoint of the target's configuration: the optimizer that saved it, to step alongside.</summary>
    public FuzzOptimizer? Twin { get; init; }

    /// <summary>The bytes the loader sees once the arguments are valid: the slice, or what a stream read returns.</summary>
    public ReadOnlySpan<byte> Seen(int checkpointBytes) => Entry switch
    {
        FuzzEntry.Stream or FuzzEntry.TrickleStream => Bytes.AsSpan(0, Math.Min(Bytes.Length, checkpointBytes)),
        FuzzEntry.Array => Bytes,
        _ => Bytes.AsSpan(Offset, Count),
    };

    public string Describe(int maxHex = 4096)
    {
        var text = new StringBuilder();
        text.Append("strategy ").Append(Strategy).Append(", target ").Append(Target.Name)
            .Append(", entry ").Append(Entry);
        if (Entry is FuzzEntry.Slice or FuzzEntry.Null)
        {
            text.Append(" offset ").Append(Offset).Append(" count ").Append(Count);
        }

        text.Append(", ").Append(Bytes.Length).Append(" bytes");
        if (Authenticated)
        {
            text.Append(", authenticated, minimum ").Append(Minimum ?? 0);
        }

        if (Declared is not null)
        {
            text.Append(", declared ").Append(Declared);
        }

        text.Append('\n').Append("recipe: ").Append(Recipe).Append('\n');
        string hex = Convert.ToHexString(Bytes);
        text.Append("hex: ").Append(hex.Length > maxHex ? hex.Substring(0, maxHex) + " ..." : hex);
        return text.ToString();
    }

    public override string ToString() => Describe();
}
