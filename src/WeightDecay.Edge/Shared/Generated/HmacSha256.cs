#nullable disable

namespace WeightDecay.Edge.Generated
{
    /// <summary>
    /// HMAC-SHA256 (RFC 2104 with SHA-256; test vectors in RFC 4231) over <see cref="Sha256"/>, for every target.
    /// The constructor hashes the padded key once and keeps only the two resulting SHA-256 states, so each tag
    /// costs the message's blocks plus three, and allocates nothing. Not thread-safe. Checked against
    /// System.Security.Cryptography.HMACSHA256 and RFC 4231.
    /// </summary>
    public sealed class HmacSha256
    {
        /// <summary>Bytes of a tag.</summary>
        public const int TagBytes = Sha256.HashBytes;

        private readonly Sha256 _sha = new Sha256();
        private readonly uint[] _inner = new uint[8];
        private readonly uint[] _outer = new uint[8];
        private readonly byte[] _digest = new byte[Sha256.HashBytes];
        private readonly byte[] _expected = new byte[Sha256.HashBytes];

        /// <summary>Keys the HMAC with <paramref name="count"/> bytes of <paramref name="key"/> from <paramref name="offset"/> (any length;
        /// the bytes are not kept).</summary>
        public HmacSha256(byte[] key, int offset, int count)
        {
            if (key == null)
            {
                throw new global::System.ArgumentNullException("key");
            }

            if (offset < 0 || count < 0 || offset > key.Length - count)
            {
                throw new global::System.ArgumentOutOfRangeException("count", "offset and count must be within the key array.");
            }

            // K0: the key, or its hash when longer than a block, zero-padded to 64 bytes (RFC 2104, step 1).
            var pad = new byte[Sha256.BlockBytes];
            if (count > Sha256.BlockBytes)
            {
                _sha.Update(key, offset, count);
                _sha.Final(pad, 0);
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    pad[i] = key[offset + i];
                }
            }

            KeyState(pad, 0x36, _inner);
            KeyState(pad, 0x36 ^ 0x5C, _outer);
            for (int i = 0; i < pad.Length; i++)
            {
                pad[i] = 0;
            }

            _sha.Clear();
        }

        /// <summary>Writes the 32-byte tag of <paramref name="count"/> bytes of <paramref name="data"/> at <paramref name="tagOffset"/> of
        /// <paramref name="tag"/>.</summary>
        public void Compute(byte[] data, int offset, int count, byte[] tag, int tagOffset)
        {
            _sha.RestoreState(_inner, Sha256.BlockBytes);
            _sha.Update(data, offset, count);
            _sha.Final(_digest, 0);
            _sha.RestoreState(_outer, Sha256.BlockBytes);
            _sha.Update(_digest, 0, Sha256.HashBytes);
            _sha.Final(tag, tagOffset);
        }

        /// <summary>
        /// Whether the 32 bytes at <paramref name="tagOffset"/> of <paramref name="tag"/> are the tag of the data,
        /// compared in constant time (<see cref="FixedTimeEquals"/>).
        /// </summary>
        public bool Verify(byte[] data, int offset, int count, byte[] tag, int tagOffset)
        {
            Compute(data, offset, count, _expected, 0);
            return FixedTimeEquals(_expected, 0, tag, tagOffset, TagBytes);
        }

        /// <summary>
        /// Whether two byte ranges are equal, in a time that depends only on <paramref name="count"/>: every byte is
        /// compared, with no branch on the data, so the time does not tell how many leading bytes of a forged tag match.
        /// </summary>
        public static bool FixedTimeEquals(byte[] a, int aOffset, byte[] b, int bOffset, int count)
        {
            int difference = 0;
            for (int i = 0; i < count; i++)
            {
                difference |= a[aOffset + i] ^ b[bOffset + i];
            }

            return difference == 0;
        }

        /// <summary>Overwrites the key-derived states with zeros. The instance must not be used afterwards (its tags would be
        /// forgeable).</summary>
        public void Clear()
        {
            for (int i = 0; i < 8; i++)
            {
                _inner[i] = 0;
                _outer[i] = 0;
            }

            for (int i = 0; i < Sha256.HashBytes; i++)
            {
                _digest[i] = 0;
                _expected[i] = 0;
            }

            _sha.Clear();
        }

        private void KeyState(byte[] pad, int mask, uint[] state)
        {
            for (int i = 0; i < pad.Length; i++)
            {
                pad[i] = (byte)(pad[i] ^ mask);
            }

            _sha.Reset();
            _sha.Update(pad, 0, Sha256.BlockBytes);
            _sha.SaveState(state);
        }
    }
}
