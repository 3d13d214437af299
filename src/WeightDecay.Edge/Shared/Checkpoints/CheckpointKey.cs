#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>
    /// A secret key that seals checkpoints with HMAC-SHA256 and verifies them: pass it to <c>SaveCheckpoint</c> and
    /// <c>LoadCheckpoint</c>. A sealed checkpoint (format version 2) carries a 32-byte tag over its header and
    /// payload; a load with a key refuses, with <see cref="CheckpointAuthenticationException"/> and nothing changed,
    /// every checkpoint that is not sealed, is sealed with another key, or was altered after sealing. A load without
    /// a key refuses sealed checkpoints. The SHA-256 is the library's own C# (the same on nanoFramework as on .NET);
    /// tags are compared in constant time. Create the key once: saving and loading with it allocate nothing.
    /// Not thread-safe: use one instance per thread. See docs/checkpoints.md for what this protects and what it does not.
    /// </summary>
    public sealed class CheckpointKey
    {
        /// <summary>Bytes of the tag a sealed checkpoint carries (HMAC-SHA256).</summary>
        public const int TagBytes = 32;

        /// <summary>The shortest key accepted: 16 bytes (128 bits). 32 random bytes match HMAC-SHA256's strength.</summary>
        public const int MinimumKeyBytes = 16;

        private readonly global::WeightDecay.Edge.Generated.HmacSha256 _hmac;
        private bool _cleared;

        /// <summary>A key of all the bytes of <paramref name="key"/> (at least <see cref="MinimumKeyBytes"/>); the array is not
        /// kept.</summary>
        public CheckpointKey(byte[] key)
            : this(key, 0, key == null ? 0 : key.Length)
        {
        }

        /// <summary>A key of <paramref name="count"/> bytes of <paramref name="key"/> from <paramref name="offset"/> (at least
        /// <see cref="MinimumKeyBytes"/>); the array is not kept.</summary>
        public CheckpointKey(byte[] key, int offset, int count)
        {
            if (key == null)
            {
                throw new global::System.ArgumentNullException("key");
            }

            if (offset < 0 || count < 0 || offset > key.Length - count)
            {
                throw new global::System.ArgumentOutOfRangeException("count", "offset and count must be within the key array.");
            }

            if (count < MinimumKeyBytes)
            {
                throw new global::System.ArgumentException("A checkpoint key needs at least " + MinimumKeyBytes.ToString()
                    + " bytes (32 random bytes recommended); this one has " + count.ToString() + ".", "key");
            }

            _hmac = new global::WeightDecay.Edge.Generated.HmacSha256(key, offset, count);
        }

        /// <summary>Overwrites the key-derived state in RAM with zeros. Any later save or load with this key throws
        /// <see cref="global::System.InvalidOperationException"/>.</summary>
        public void Clear()
        {
            _hmac.Clear();
            _cleared = true;
        }

        /// <summary>Writes the tag of <paramref name="count"/> bytes from <paramref name="offset"/> right after them.</summary>
        internal void Seal(byte[] data, int offset, int count)
        {
            RequireUsable();
            _hmac.Compute(data, offset, count, data, offset + count);
        }

        /// <summary>Whether the tag right after <paramref name="count"/> bytes from <paramref name="offset"/> is theirs (constant-time
        /// comparison).</summary>
        internal bool Verify(byte[] data, int offset, int count)
        {
            RequireUsable();
            return _hmac.Verify(data, offset, count, data, offset + count);
        }

        /// <summary>Throws if <see cref="Clear"/> was called; checked before anything is read or written.</summary>
        internal void RequireUsable()
        {
            if (_cleared)
            {
                throw new global::System.InvalidOperationException("This CheckpointKey was cleared; create a new one.");
            }
        }
    }
}
