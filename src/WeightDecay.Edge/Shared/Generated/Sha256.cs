#nullable disable

namespace WeightDecay.Edge.Generated
{
    /// <summary>
    /// SHA-256 (FIPS 180-4), written for every target: C# 7.3 and nanoFramework's mscorlib (no
    /// System.Security there). Allocates only in its constructor: the state, the message schedule and the
    /// block buffer are preallocated, so hashing a checkpoint allocates nothing. Not thread-safe.
    /// Checked against System.Security.Cryptography.SHA256 and FIPS 180 test vectors.
    /// </summary>
    public sealed class Sha256
    {
        /// <summary>Bytes of a SHA-256 hash.</summary>
        public const int HashBytes = 32;

        /// <summary>Bytes of one SHA-256 block.</summary>
        public const int BlockBytes = 64;

        // FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
        private static readonly uint[] s_k =
        {
            0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1, 0x923F82A4, 0xAB1C5ED5,
            0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3, 0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174,
            0xE49B69C1, 0xEFBE4786, 0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
            0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147, 0x06CA6351, 0x14292967,
            0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13, 0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85,
            0xA2BFE8A1, 0xA81A664B, 0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
            0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A, 0x5B9CCA4F, 0x682E6FF3,
            0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208, 0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
        };

        private readonly uint[] _state = new uint[8];
        private readonly uint[] _w = new uint[64];
        private readonly byte[] _block = new byte[BlockBytes];
        private int _buffered;
        private long _length;

        /// <summary>Creates a hash ready for <see cref="Update"/>.</summary>
        public Sha256()
        {
            Reset();
        }

        /// <summary>Starts a new hash.</summary>
        public void Reset()
        {
            // FIPS 180-4 section 5.3.3: the fractional parts of the square roots of the first 8 primes.
            _state[0] = 0x6A09E667;
            _state[1] = 0xBB67AE85;
            _state[2] = 0x3C6EF372;
            _state[3] = 0xA54FF53A;
            _state[4] = 0x510E527F;
            _state[5] = 0x9B05688C;
            _state[6] = 0x1F83D9AB;
            _state[7] = 0x5BE0CD19;
            _buffered = 0;
            _length = 0;
        }

        /// <summary>Copies the 8-word state out; valid after a whole number of blocks (HMAC keeps its padded keys' states so).</summary>
        public void SaveState(uint[] state)
        {
            for (int i = 0; i < 8; i++)
            {
                state[i] = _state[i];
            }
        }

        /// <summary>Continues from a state <see cref="SaveState"/> saved after <paramref name="length"/> bytes (a multiple of
        /// 64).</summary>
        public void RestoreState(uint[] state, long length)
        {
            for (int i = 0; i < 8; i++)
            {
                _state[i] = state[i];
            }

            _buffered = 0;
            _length = length;
        }

        /// <summary>Hashes <paramref name="count"/> more bytes of <paramref name="data"/> from <paramref name="offset"/>.</summary>
        public void Update(byte[] data, int offset, int count)
        {
            _length += count;
            if (_buffered > 0)
            {
                int take = BlockBytes - _buffered < count ? BlockBytes - _buffered : count;
                for (int i = 0; i < take; i++)
                {
                    _block[_buffered + i] = data[offset + i];
                }

                _buffered += take;
                offset += take;
                count -= take;
                if (_buffered < BlockBytes)
                {
                    return;
                }

                Compress(_block, 0);
                _buffered = 0;
            }

            while (count >= BlockBytes)
            {
                Compress(data, offset);
                offset += BlockBytes;
                count -= BlockBytes;
            }

            for (int i = 0; i < count; i++)
            {
                _block[i] = data[offset + i];
            }

            _buffered = count;
        }

        /// <summary>Pads, finishes and writes the 32-byte hash at <paramref name="offset"/>; then <see cref="Reset"/> or
        /// <see cref="RestoreState"/> before reuse.</summary>
        public void Final(byte[] output, int offset)
        {
            long bits = _length * 8;
            _block[_buffered++] = 0x80;
            if (_buffered > BlockBytes - 8)
            {
                Zero(_buffered, BlockBytes);
                Compress(_block, 0);
                _buffered = 0;
            }

            Zero(_buffered, BlockBytes - 8);
            for (int i = 0; i < 8; i++)
            {
                _block[BlockBytes - 1 - i] = (byte)(bits >> (8 * i));
            }

            Compress(_block, 0);
            for (int i = 0; i < 8; i++)
            {
                uint word = _state[i];
                output[offset + (4 * i)] = (byte)(word >> 24);
                output[offset + (4 * i) + 1] = (byte)(word >> 16);
                output[offset + (4 * i) + 2] = (byte)(word >> 8);
                output[offset + (4 * i) + 3] = (byte)word;
            }

            _buffered = 0;
        }

        /// <summary>Overwrites the state and buffers with zeros (they held key-derived values when used for HMAC).</summary>
        public void Clear()
        {
            for (int i = 0; i < 8; i++)
            {
                _state[i] = 0;
            }

            for (int i = 0; i < 64; i++)
            {
                _w[i] = 0;
            }

            Zero(0, BlockBytes);
            _buffered = 0;
            _length = 0;
        }

        private void Zero(int from, int to)
        {
            for (int i = from; i < to; i++)
            {
                _block[i] = 0;
            }
        }

        // FIPS 180-4 section 6.2.2, one 64-byte block; the words are big-endian.
        private void Compress(byte[] data, int offset)
        {
            uint[] w = _w;
            for (int t = 0; t < 16; t++)
            {
                int at = offset + (4 * t);
                w[t] = ((uint)data[at] << 24) | ((uint)data[at + 1] << 16) | ((uint)data[at + 2] << 8) | data[at + 3];
            }

            for (int t = 16; t < 64; t++)
            {
                uint x = w[t - 15];
                uint y = w[t - 2];
                uint sigma0 = ((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3);
                uint sigma1 = ((y >> 17) | (y << 15)) ^ ((y >> 19) | (y << 13)) ^ (y >> 10);
                w[t] = unchecked(w[t - 16] + sigma0 + w[t - 7] + sigma1);
            }

            uint a = _state[0];
            uint b = _state[1];
            uint c = _state[2];
            uint d = _state[3];
            uint e = _state[4];
            uint f = _state[5];
            uint g = _state[6];
            uint h = _state[7];
            uint[] k = s_k;
            for (int t = 0; t < 64; t++)
            {
                uint sum1 = ((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7));
                uint choose = (e & f) ^ (~e & g);
                uint t1 = unchecked(h + sum1 + choose + k[t] + w[t]);
                uint sum0 = ((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10));
                uint majority = (a & b) ^ (a & c) ^ (b & c);
                uint t2 = unchecked(sum0 + majority);
                h = g;
                g = f;
                f = e;
                e = unchecked(d + t1);
                d = c;
                c = b;
                b = a;
                a = unchecked(t1 + t2);
            }

            _state[0] = unchecked(_state[0] + a);
            _state[1] = unchecked(_state[1] + b);
            _state[2] = unchecked(_state[2] + c);
            _state[3] = unchecked(_state[3] + d);
            _state[4] = unchecked(_state[4] + e);
            _state[5] = unchecked(_state[5] + f);
            _state[6] = unchecked(_state[6] + g);
            _state[7] = unchecked(_state[7] + h);
        }
    }
}
