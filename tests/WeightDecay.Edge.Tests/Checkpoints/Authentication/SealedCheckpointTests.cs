using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WeightDecay.Edge.Tests.Checkpoints.Authentication;

/// <summary>
/// Sealed checkpoints (format version 2, docs/checkpoints.md): the bytes against an independent reading (the tag by
/// System.Security.Cryptography.HMACSHA256, the CRCs by System.IO.Hashing), round trips, and every refusal of an
/// authenticating loader (not sealed, another key, altered with valid CRCs, forged with valid values, rolled back), each
/// with its exception, Error and message, and the live model and optimizer bit for bit unchanged.
/// </summary>
public sealed class SealedCheckpointTests
{
    internal static readonly byte[] KeyBytes = Convert.FromHexString("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
    internal static readonly byte[] OtherKeyBytes = Convert.FromHexString("F0E1D2C3B4A5968778695A4B3C2D1E0F00112233445566778899AABBCCDDEEFF");

    private const int Tag = CheckpointKey.TagBytes;

    [Fact]
    public void A_sealed_checkpoint_is_version_2_with_the_HMAC_of_header_and_payload_before_the_trailing_CRC()
    {
        (MixedLayout model, MixedLayout.AdamWOptimizer optimizer) = Trained(1);
        var key = new CheckpointKey(KeyBytes);
        var plain = new byte[optimizer.CheckpointBytes];
        optimizer.SaveCheckpoint(plain, 0);
        var sealedBytes = new byte[optimizer.CheckpointBytes + Tag + 5];
        Assert.Equal(optimizer.CheckpointBytes + Tag, optimizer.SaveCheckpoint(sealedBytes, 2, key, 7UL));
        Assert.Equal(MixedLayout.AdamWOptimizer.MaxCheckpointBytes + Tag, MixedLayout.AdamWOptimizer.MaxSealedCheckpointBytes);
        byte[] s = sealedBytes.AsSpan(2, plain.Length + Tag).ToArray();
        int length = s.Length;

        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(s.AsSpan(4)));
        Assert.Equal(7UL, BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(16)));
        Assert.Equal(length, BinaryPrimitives.ReadInt32LittleEndian(s.AsSpan(24)));
        Assert.Equal(CheckpointReader.Crc(s.AsSpan(0, 36)), BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(36)));

        // Everything but the version, sequence, length and CRCs is the unsealed checkpoint's: magic, kind, flags, hash, counts, payload.
        Assert.True(s.AsSpan(0, 4).SequenceEqual(plain.AsSpan(0, 4)));
        Assert.True(s.AsSpan(6, 10).SequenceEqual(plain.AsSpan(6, 10)));
        Assert.True(s.AsSpan(28, 8).SequenceEqual(plain.AsSpan(28, 8)));
        Assert.True(s.AsSpan(40, plain.Length - 44).SequenceEqual(plain.AsSpan(40, plain.Length - 44)));

        byte[] tag = HMACSHA256.HashData(KeyBytes, s.AsSpan(0, length - Tag - 4));
        Assert.True(tag.AsSpan().SequenceEqual(s.AsSpan(length - Tag - 4, Tag)), "the tag is not HMAC-SHA256 of bytes 0 to L - 37");
        Assert.Equal(CheckpointReader.TrailerCrc(s, length), BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(length - 4)));
        Assert.Equal(0, sealedBytes[0] | sealedBytes[1] | sealedBytes[^1] | sealedBytes[^2] | sealedBytes[^3]);
        Assert.NotNull(model);
    }

    [Fact]
    public void A_sealed_checkpoint_loads_with_its_key_and_trains_on_bit_identically()
    {
        (MixedLayout saverModel, MixedLayout.AdamWOptimizer saver) = Trained(2);
        var key = new CheckpointKey(KeyBytes);
        byte[] bytes = Sealed(saver, key, 3);
        (MixedLayout model, MixedLayout.AdamWOptimizer loader) = Trained(3);
        loader.LoadCheckpoint(bytes, 0, bytes.Length, new CheckpointKey(KeyBytes), 3UL);
        Assert.Equal(Image(saver), Image(loader));

        Fill(new Random(4), saverModel.Gradients);
        saverModel.Gradients.CopyTo(model.Gradients, 0);
        saver.Step();
        loader.Step();
        Assert.Equal(Image(saver), Image(loader));
    }

    [Fact]
    public void An_authenticating_loader_refuses_an_unsealed_checkpoint()
    {
        (MixedLayout _, MixedLayout.AdamWOptimizer saver) = Trained(5);
        var bytes = new byte[saver.CheckpointBytes];
        saver.SaveCheckpoint(bytes, 0);
        RefusedByKeyedLoader(bytes, new CheckpointKey(KeyBytes), 0, CheckpointError.NotAuthentic,
            "The checkpoint is not sealed (format version 1), and this load requires one sealed with HMAC-SHA256 under its key.");
    }

    [Fact]
    public void A_loader_without_a_key_refuses_a_sealed_checkpoint()
    {
        (MixedLayout _, MixedLayout.AdamWOptimizer saver) = Trained(6);
        byte[] bytes = Sealed(saver, new CheckpointKey(KeyBytes), 1);
        (MixedLayout model, MixedLayout.AdamWOptimizer loader) = Trained(7);
        Snapshot before = Snapshot.Of(model, loader);
        var error = Assert.Throws<CheckpointAuthenticationException>(() => loader.LoadCheckpoint(bytes, 0, bytes.Length));
        Assert.Equal(CheckpointError.NotAuthentic, error.Error);
        Assert.Equal("The checkpoint is sealed with HMAC-SHA256 (format version 2); load it with its CheckpointKey.", error.Message);
        before.AssertSame(model, loader);
    }

    [Fact]
    public void A_checkpoint_sealed_with_another_key_is_refused()
    {
        (MixedLayout _, MixedLayout.AdamWOptimizer saver) = Trained(8);
        byte[] bytes = Sealed(saver, new CheckpointKey(OtherKeyBytes), 1);
        RefusedByKeyedLoader(bytes, new CheckpointKey(KeyBytes), 0, CheckpointError.NotAuthentic, NotAuthenticMessage);
    }

    /// <summary>Every byte of the payload and of the tag altered, the CRCs recomputed: only the tag can tell, and it does.</summary>
    [Fact]
    public void Altering_any_byte_after_the_header_with_valid_CRCs_is_refused()
    {
        (MixedLayout _, MixedLayout.AdamOptimizer saver) = TrainedAdam(9);
        var key = new CheckpointKey(KeyBytes);
        byte[] good = new byte[saver.CheckpointBytes + Tag];
        saver.SaveCheckpoint(good, 0, key, 1UL);
        (MixedLayout model, MixedLayout.AdamOptimizer loader) = TrainedAdam(10);
        Snapshot before = Snapshot.Of(model, loader);
        for (int position = CheckpointReader.HeaderBytes; position < good.Length - 4; position++)
        {
            byte[] bytes = (byte[])good.Clone();
            bytes[position] ^= (byte)(1 << (position % 8));
            CheckpointReader.Reseal(bytes);
            var error = Assert.Throws<CheckpointAuthenticationException>(() => loader.LoadCheckpoint(bytes, 0, bytes.Length, key, 0UL));
            Assert.Equal(NotAuthenticMessage, error.Message);
        }

        before.AssertSame(model, loader);
    }

    /// <summary>
    /// The forgery the issue names: an Adam checkpoint relabelled AdamW (kind, layout hash and CRCs recomputed, every value
    /// valid). Without authentication it loads; sealed, the tag refuses it.
    /// </summary>
    [Fact]
    public void An_Adam_checkpoint_relabelled_AdamW_loads_without_a_key_and_is_refused_with_one()
    {
        (MixedLayout _, MixedLayout.AdamOptimizer adam) = TrainedAdam(11);
        var adamWHash = new MixedLayout.AdamWOptimizer(new MixedLayout()).CheckpointLayoutHash; // without AMSGrad, as the Adam saved
        var key = new CheckpointKey(KeyBytes);

        var plain = new byte[adam.CheckpointBytes];
        adam.SaveCheckpoint(plain, 0);
        Relabel(plain, adamWHash);
        var unguarded = new MixedLayout.AdamWOptimizer(new MixedLayout());
        unguarded.LoadCheckpoint(plain, 0, plain.Length);
        Assert.Equal(adam.LearningRate, unguarded.LearningRate);

        byte[] forged = Sealed(adam, key, 1);
        Relabel(forged, adamWHash);
        var model = new MixedLayout();
        var guarded = new MixedLayout.AdamWOptimizer(model);
        float[] parameters = (float[])model.Parameters.Clone();
        var error = Assert.Throws<CheckpointAuthenticationException>(() => guarded.LoadCheckpoint(forged, 0, forged.Length, key, 0UL));
        Assert.Equal(NotAuthenticMessage, error.Message);
        Assert.Equal(parameters, model.Parameters);
        Assert.Equal(0L, guarded.StepCount);
    }

    [Fact]
    public void A_truncated_sealed_checkpoint_is_truncated_at_every_length_past_the_header()
    {
        (MixedLayout _, MixedLayout.AdamWOptimizer saver) = Trained(13);
        var key = new CheckpointKey(KeyBytes);
        byte[] bytes = Sealed(saver, key, 1);
        (MixedLayout model, MixedLayout.AdamWOptimizer loader) = Trained(14);
        Snapshot before = Snapshot.Of(model, loader);
        for (int count = CheckpointReader.HeaderBytes; count < bytes.Length; count++)
        {
            var error = Assert.Throws<CheckpointTruncatedException>(() => loader.LoadCheckpoint(bytes, 0, count, key, 0UL));
            Assert.Equal($"The checkpoint is truncated: {count} of its {bytes.Length} bytes.", error.Message);
        }

        before.AssertSame(model, loader);
    }

    [Theory]
    [InlineData(5UL, 6UL, false)]
    [InlineData(5UL, 5UL, true)]
    [InlineData(5UL, 0UL, true)]
    [InlineData(0UL, ulong.MaxValue, true)]              // 0 follows 2^64 - 1 in wrap-around order
    [InlineData(ulong.MaxValue, 0UL, false)]
    [InlineData(0x8000000000000001UL, 1UL, true)]        // exactly 2^63 apart: neither is after the other
    [InlineData(0x8000000000000002UL, 1UL, false)]       // more than 2^63 ahead of the minimum is behind it
    public void A_minimum_sequence_refuses_older_checkpoints(ulong sequence, ulong minimum, bool loads)
    {
        (MixedLayout _, MixedLayout.AdamWOptimizer saver) = Trained(15);
        var key = new CheckpointKey(KeyBytes);
        byte[] bytes = Sealed(saver, key, sequence);
        if (loads)
        {
            (MixedLayout _, MixedLayout.AdamWOptimizer loader) = Trained(16);
            loader.LoadCheckpoint(bytes, 0, bytes.Length, key, minimum);
            Assert.Equal(Image(saver), Image(loader));
            return;
        }

        RefusedByKeyedLoader(bytes, key, minimum, CheckpointError.RolledBack,
            $"The checkpoint is rolled back: its sequence number {sequence} is before the required minimum {minimum}.");
    }

    [Fact]
    public void The_minimum_applies_without_a_key_too()
    {
        (MixedLayout _, MixedLayout.AdamWOptimizer saver) = Trained(17);
        var bytes = new byte[saver.CheckpointBytes];
        saver.SaveCheckpoint(bytes, 0, null, 2UL);
        (MixedLayout model, MixedLayout.AdamWOptimizer loader) = Trained(18);
        Snapshot before = Snapshot.Of(model, loader);
        var error = Assert.Throws<CheckpointRollbackException>(() => loader.LoadCheckpoint(bytes, 0, bytes.Length, null, 3UL));
        Assert.Equal(CheckpointError.RolledBack, error.Error);
        before.AssertSame(model, loader);
        loader.LoadCheckpoint(bytes, 0, bytes.Length, null, 2UL);
        Assert.Equal(Image(saver), Image(loader));
    }

    [Fact]
    public void Keys_shorter_than_16_bytes_and_null_keys_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new CheckpointKey(null!));
        var error = Assert.Throws<ArgumentException>(() => new CheckpointKey(new byte[15]));
        Assert.Equal("key", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointKey(new byte[20], 10, 11));
        _ = new CheckpointKey(new byte[20], 4, 16);
    }

    [Fact]
    public void A_cleared_key_saves_and_loads_nothing()
    {
        (MixedLayout model, MixedLayout.AdamWOptimizer optimizer) = Trained(19);
        var key = new CheckpointKey(KeyBytes);
        byte[] bytes = Sealed(optimizer, key, 1);
        key.Clear();
        var destination = new byte[bytes.Length];
        Assert.Throws<InvalidOperationException>(() => optimizer.SaveCheckpoint(destination, 0, key, 1UL));
        Assert.All(destination, b => Assert.Equal(0, b));
        Snapshot before = Snapshot.Of(model, optimizer);
        Assert.Throws<InvalidOperationException>(() => optimizer.LoadCheckpoint(bytes, 0, bytes.Length, key, 0UL));
        before.AssertSame(model, optimizer);
    }

    [Fact]
    public void Sealed_saves_and_loads_allocate_nothing()
    {
        (MixedLayout _, MixedLayout.AdamWOptimizer optimizer) = Trained(20);
        var key = new CheckpointKey(KeyBytes);
        var bytes = new byte[MixedLayout.AdamWOptimizer.MaxSealedCheckpointBytes];
        optimizer.SaveCheckpoint(bytes, 0, key, 1UL);
        optimizer.LoadCheckpoint(bytes, 0, bytes.Length, key, 1UL);
        long before = GC.GetAllocatedBytesForCurrentThread();
        optimizer.SaveCheckpoint(bytes, 0, key, 2UL);
        optimizer.LoadCheckpoint(bytes, 0, bytes.Length, key, 2UL);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_stream_overloads_seal_and_verify()
    {
        (MixedLayout _, MixedLayout.AdamWOptimizer saver) = Trained(21);
        var key = new CheckpointKey(KeyBytes);
        using var stream = new System.IO.MemoryStream();
        saver.SaveCheckpoint(stream, key, 4UL);
        Assert.Equal(saver.CheckpointBytes + Tag, stream.Length);
        Assert.True(stream.ToArray().AsSpan().SequenceEqual(Sealed(saver, key, 4)));
        stream.Position = 0;
        (MixedLayout _, MixedLayout.AdamWOptimizer loader) = Trained(22);
        loader.LoadCheckpoint(stream, key, 4UL);
        Assert.Equal(Image(saver), Image(loader));
    }

    internal const string NotAuthenticMessage = "The checkpoint is not authentic: its HMAC-SHA256 tag does not match (sealed with another key, or altered after sealing).";

    internal static (MixedLayout, MixedLayout.AdamWOptimizer) Trained(int seed)
    {
        var model = new MixedLayout();
        var optimizer = new MixedLayout.AdamWOptimizer(model) { LearningRate = 0.01f + (seed * 0.001f), WeightDecay = 0.05f, Amsgrad = true };
        Train(model, optimizer.Step, seed);
        return (model, optimizer);
    }

    internal static (MixedLayout, MixedLayout.AdamOptimizer) TrainedAdam(int seed)
    {
        var model = new MixedLayout();
        var optimizer = new MixedLayout.AdamOptimizer(model) { LearningRate = 0.01f + (seed * 0.001f), WeightDecay = 0.05f };
        Train(model, optimizer.Step, seed);
        return (model, optimizer);
    }

    private static void Train(MixedLayout model, Action step, int seed)
    {
        var random = new Random(seed);
        Fill(random, model.Parameters);
        for (int i = 0; i < 3; i++)
        {
            Fill(random, model.Gradients);
            step();
        }

        Fill(random, model.Gradients);
    }

    internal static void Fill(Random random, float[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }
    }

    internal static byte[] Sealed(MixedLayout.AdamWOptimizer optimizer, CheckpointKey key, ulong sequence)
    {
        var bytes = new byte[optimizer.CheckpointBytes + Tag];
        optimizer.SaveCheckpoint(bytes, 0, key, sequence);
        return bytes;
    }

    private static byte[] Sealed(MixedLayout.AdamOptimizer optimizer, CheckpointKey key, ulong sequence)
    {
        var bytes = new byte[optimizer.CheckpointBytes + Tag];
        optimizer.SaveCheckpoint(bytes, 0, key, sequence);
        return bytes;
    }

    internal static string Image(MixedLayout.AdamWOptimizer optimizer)
    {
        var bytes = new byte[optimizer.CheckpointBytes];
        optimizer.SaveCheckpoint(bytes, 0);
        return Convert.ToHexString(bytes);
    }

    /// <summary>Kind 2 (Adam) to 3 (AdamW), with AdamW's layout hash and both CRCs recomputed: every field valid.</summary>
    private static void Relabel(byte[] bytes, ulong hash)
    {
        bytes[CheckpointReader.Offsets.Kind] = 3;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(CheckpointReader.Offsets.LayoutHash), hash);
        CheckpointReader.Reseal(bytes);
    }

    private static void RefusedByKeyedLoader(byte[] bytes, CheckpointKey key, ulong minimum, CheckpointError expected, string message)
    {
        (MixedLayout model, MixedLayout.AdamWOptimizer loader) = Trained(99);
        Snapshot before = Snapshot.Of(model, loader);
        var error = Assert.ThrowsAny<CheckpointException>(() => loader.LoadCheckpoint(bytes, 0, bytes.Length, key, minimum));
        Assert.Equal(expected, error.Error);
        Assert.Equal(expected == CheckpointError.RolledBack ? typeof(CheckpointRollbackException) : typeof(CheckpointAuthenticationException), error.GetType());
        Assert.Equal(message, error.Message);
        before.AssertSame(model, loader);
    }

    /// <summary>Parameters, gradients and the optimizer's whole checkpointed state, to compare after a refusal.</summary>
    private sealed record Snapshot(float[] Parameters, float[] Gradients, string Image)
    {
        public static Snapshot Of(MixedLayout model, MixedLayout.AdamWOptimizer optimizer) =>
            new((float[])model.Parameters.Clone(), (float[])model.Gradients.Clone(), SealedCheckpointTests.Image(optimizer));

        public static Snapshot Of(MixedLayout model, MixedLayout.AdamOptimizer optimizer)
        {
            var bytes = new byte[optimizer.CheckpointBytes];
            optimizer.SaveCheckpoint(bytes, 0);
            return new((float[])model.Parameters.Clone(), (float[])model.Gradients.Clone(), Convert.ToHexString(bytes));
        }

        public void AssertSame(MixedLayout model, MixedLayout.AdamWOptimizer optimizer) => AssertSame(model, SealedCheckpointTests.Image(optimizer));

        public void AssertSame(MixedLayout model, MixedLayout.AdamOptimizer optimizer) => AssertSame(model, Of(model, optimizer).Image);

        private void AssertSame(MixedLayout model, string image)
        {
            Assert.Equal(Image, image);
            Assert.Equal(Parameters, model.Parameters);
            Assert.Equal(Gradients, model.Gradients);
        }
    }
}
