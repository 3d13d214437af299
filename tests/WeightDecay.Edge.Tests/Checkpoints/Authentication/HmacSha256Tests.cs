using System;
using System.Text;
using WeightDecay.Edge.Generated;

namespace WeightDecay.Edge.Tests.Checkpoints.Authentication;

/// <summary>
/// The library's HMAC-SHA256 (what seals checkpoints, on the device too) against the seven test cases of RFC 4231
/// (keys, data and tags typed in from the RFC), against System.Security.Cryptography.HMACSHA256 for keys of every
/// length up to two blocks and random messages, and its constant-time comparison.
/// </summary>
public sealed class HmacSha256Tests
{
    public static TheoryData<string, string, string> Rfc4231()
    {
        string aa131 = new string('a', 262);
        return new TheoryData<string, string, string>
        {
            // Test case 1 to 7: key (hex), data (hex), HMAC-SHA-256 (hex; case 5 is truncated to 128 bits).
            { "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", Hex("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
            { "4a656665", Hex("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
            { new string('a', 40), new string('d', 100), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
            { "0102030405060708090a0b0c0d0e0f10111213141516171819", Repeat("cd", 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
            { "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", Hex("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b" },
            { aa131, Hex("Test Using Larger Than Block-Size Key - Hash Key First"), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
            {
                aa131,
                Hex("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
            },
        };
    }

    [Theory]
    [MemberData(nameof(Rfc4231))]
    public void Matches_the_RFC_4231_test_cases(string key, string data, string tag)
    {
        byte[] k = Convert.FromHexString(key);
        byte[] d = Convert.FromHexString(data);
        var hmac = new HmacSha256(k, 0, k.Length);
        var output = new byte[32];
        hmac.Compute(d, 0, d.Length, output, 0);
        Assert.Equal(tag, Sha256Tests.Hex(output.AsSpan(0, tag.Length / 2)));
    }

    [Fact]
    public void Matches_System_Security_Cryptography_for_keys_of_every_length_to_two_blocks()
    {
        var random = new Random(4231);
        var tag = new byte[32];
        for (int keyLength = 0; keyLength <= 130; keyLength++)
        {
            byte[] key = new byte[keyLength + 4];
            random.NextBytes(key);
            var hmac = new HmacSha256(key, 2, keyLength);
            byte[] keyBytes = key.AsSpan(2, keyLength).ToArray();
            for (int trial = 0; trial < 3; trial++)
            {
                byte[] data = new byte[random.Next(0, 700)];
                random.NextBytes(data);
                byte[] expected = System.Security.Cryptography.HMACSHA256.HashData(keyBytes, data);
                hmac.Compute(data, 0, data.Length, tag, 0);
                Assert.True(expected.AsSpan().SequenceEqual(tag), "key " + keyLength + " bytes, data " + data.Length);
                Assert.True(hmac.Verify(data, 0, data.Length, expected, 0));
                expected[random.Next(32)] ^= (byte)(1 << random.Next(8));
                Assert.False(hmac.Verify(data, 0, data.Length, expected, 0));
            }
        }
    }

    [Fact]
    public void Fixed_time_equality_compares_every_byte()
    {
        var a = new byte[32];
        var b = new byte[32];
        Assert.True(HmacSha256.FixedTimeEquals(a, 0, b, 0, 32));
        for (int i = 0; i < 32; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                b[i] ^= (byte)(1 << bit);
                Assert.False(HmacSha256.FixedTimeEquals(a, 0, b, 0, 32));
                b[i] ^= (byte)(1 << bit);
            }
        }

        Assert.True(HmacSha256.FixedTimeEquals(a, 0, b, 0, 0));
    }

    [Fact]
    public void Computing_and_verifying_allocate_nothing()
    {
        byte[] key = new byte[32];
        var hmac = new HmacSha256(key, 0, key.Length);
        var data = new byte[1000];
        var tag = new byte[32];
        hmac.Compute(data, 0, data.Length, tag, 0);
        hmac.Verify(data, 0, data.Length, tag, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        hmac.Compute(data, 0, data.Length, tag, 0);
        bool ok = hmac.Verify(data, 0, data.Length, tag, 0);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(ok);
    }

    private static string Hex(string ascii) => Convert.ToHexString(Encoding.ASCII.GetBytes(ascii));

    private static string Repeat(string hex, int times)
    {
        var text = new StringBuilder();
        for (int i = 0; i < times; i++)
        {
            text.Append(hex);
        }

        return text.ToString();
    }
}
