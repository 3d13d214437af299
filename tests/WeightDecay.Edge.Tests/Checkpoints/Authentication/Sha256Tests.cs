using System;
using System.Text;
using WeightDecay.Edge.Generated;

namespace WeightDecay.Edge.Tests.Checkpoints.Authentication;

/// <summary>
/// The library's own SHA-256 (the code the device runs) against the FIPS 180 example vectors, typed in from the
/// published values, and against System.Security.Cryptography.SHA256 on every length across the block boundaries,
/// fed whole and in pieces.
/// </summary>
public sealed class Sha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
    public void Matches_the_FIPS_180_examples(string message, string expected)
    {
        Assert.Equal(expected, Hex(Hash(Encoding.ASCII.GetBytes(message))));
    }

    [Fact]
    public void Matches_the_FIPS_180_million_a_example_fed_in_uneven_pieces()
    {
        byte[] a = new byte[1_000_000];
        a.AsSpan().Fill((byte)'a');
        var sha = new Sha256();
        int at = 0;
        int piece = 1;
        while (at < a.Length)
        {
            int n = Math.Min(piece, a.Length - at);
            sha.Update(a, at, n);
            at += n;
            piece = (piece * 7 % 997) + 1;
        }

        var hash = new byte[32];
        sha.Final(hash, 0);
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Hex(hash));
    }

    [Fact]
    public void Matches_System_Security_Cryptography_on_every_length_to_300_whole_and_split()
    {
        var random = new Random(180);
        var sha = new Sha256();
        var hash = new byte[40];
        for (int length = 0; length <= 300; length++)
        {
            byte[] data = new byte[length + 10];
            random.NextBytes(data);
            byte[] expected = System.Security.Cryptography.SHA256.HashData(data.AsSpan(5, length));

            sha.Reset();
            sha.Update(data, 5, length);
            sha.Final(hash, 3);
            Assert.True(expected.AsSpan().SequenceEqual(hash.AsSpan(3, 32)), "whole, length " + length);

            int split = random.Next(length + 1);
            sha.Reset();
            sha.Update(data, 5, split);
            sha.Update(data, 5 + split, length - split);
            sha.Final(hash, 0);
            Assert.True(expected.AsSpan().SequenceEqual(hash.AsSpan(0, 32)), "split at " + split + ", length " + length);
        }
    }

    [Fact]
    public void Hashing_allocates_nothing()
    {
        var sha = new Sha256();
        var data = new byte[4096];
        var hash = new byte[32];
        sha.Update(data, 0, data.Length);
        sha.Final(hash, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        sha.Reset();
        sha.Update(data, 0, data.Length);
        sha.Final(hash, 0);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    internal static byte[] Hash(byte[] data)
    {
        var sha = new Sha256();
        sha.Update(data, 0, data.Length);
        var hash = new byte[32];
        sha.Final(hash, 0);
        return hash;
    }

    internal static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
