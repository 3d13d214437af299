#nullable disable

namespace WeightDecay.Edge.Generated
{
    /// <summary>
    /// The layout-independent half of the checkpoint format (docs/checkpoints.md): a 40-byte header
    /// with its own CRC-32, the payload, and a CRC-32 of everything before it; all little-endian.
    /// </summary>
    public static class CheckpointFormat
    {
        /// <summary>The first four bytes of every checkpoint: "WDEC".</summary>
        public const uint Magic = 0x43454457;

        /// <summary>The format version of a checkpoint that is not sealed; this build writes it without a key and reads it.</summary>
        public const int Version = 1;

        /// <summary>The format version of a sealed checkpoint: version 1 with an HMAC-SHA256 tag before the trailing CRC.</summary>
        public const int SealedVersion = 2;

        /// <summary>Bytes of the HMAC-SHA256 tag of a sealed checkpoint.</summary>
        public const int TagBytes = 32;

        /// <summary>Bytes of the header.</summary>
        public const int HeaderBytes = 40;

        /// <summary>Bytes of the trailing CRC-32.</summary>
        public const int TrailerBytes = 4;

        /// <summary>
        /// Where each part of an optimizer's payload starts, from the checkpoint's first byte: the step count (8 bytes),
        /// the skipped-step count (8), the option word (4), then the optimizer's float hyperparameters (4 each, in its order),
        /// then the floats (parameters, anchor, state arrays).
        /// </summary>
        public const int StepCountOffset = HeaderBytes, SkippedStepCountOffset = HeaderBytes + 8, OptionsOffset = HeaderBytes + 16,
            HyperParametersOffset = HeaderBytes + 20;

        /// <summary>Writes the head of the payload of the checkpoint at <paramref name="o"/>: both step counts and the option
        /// word.</summary>
        public static void WritePayloadHead(byte[] d, int o, long stepCount, long skippedStepCount, int options)
        {
            WriteUInt64(d, o + StepCountOffset, (ulong)stepCount);
            WriteUInt64(d, o + SkippedStepCountOffset, (ulong)skippedStepCount);
            WriteInt32(d, o + OptionsOffset, options);
        }

        /// <summary>
        /// Checks the head of the payload of the checkpoint at <paramref name="o"/>: neither step count negative, no option bit
        /// outside <paramref name="knownOptions"/>. Returns <see cref="CheckpointError.None"/> with the option word in
        /// <paramref name="options"/>, or <see cref="CheckpointError.InvalidValue"/> with the message the load is refused with.
        /// </summary>
        public static CheckpointError ValidatePayloadHead(byte[] s, int o, int knownOptions, out int options, out string message)
        {
            options = ReadInt32(s, o + OptionsOffset);
            if ((long)ReadUInt64(s, o + StepCountOffset) < 0 || (long)ReadUInt64(s, o + SkippedStepCountOffset) < 0)
            {
                return Invalid("The checkpoint holds a negative step count.", out message);
            }

            if ((options & ~knownOptions) != 0)
            {
                return Invalid("The checkpoint sets option bits this build does not know: " + options.ToString() + ".", out message);
            }

            message = null;
            return CheckpointError.None;
        }

        /// <summary>The step count of the checkpoint at <paramref name="o"/> (validated: not negative).</summary>
        public static long ReadStepCount(byte[] s, int o)
        {
            return (long)ReadUInt64(s, o + StepCountOffset);
        }

        /// <summary>The skipped-step count of the checkpoint at <paramref name="o"/> (validated: not negative).</summary>
        public static long ReadSkippedStepCount(byte[] s, int o)
        {
            return (long)ReadUInt64(s, o + SkippedStepCountOffset);
        }

        /// <summary>The option word of the checkpoint at <paramref name="o"/>.</summary>
        public static int ReadOptions(byte[] s, int o)
        {
            return ReadInt32(s, o + OptionsOffset);
        }

        /// <summary>Writes hyperparameter <paramref name="index"/> (in the optimizer's order) of the checkpoint at
        /// <paramref name="o"/>.</summary>
        public static void WriteHyperParameter(byte[] d, int o, int index, float value)
        {
            WriteSingle(d, o + HyperParametersOffset + (4 * index), value);
        }

        /// <summary>Hyperparameter <paramref name="index"/> (in the optimizer's order) of the checkpoint at <paramref name="o"/>.</summary>
        public static float ReadHyperParameter(byte[] s, int o, int index)
        {
            return ReadSingle(s, o + HyperParametersOffset + (4 * index));
        }

        /// <summary>
        /// Hyperparameter <paramref name="index"/> of the checkpoint at <paramref name="o"/>, checked against <paramref name="rule"/>
        /// (see <see cref="CheckHyperParameter"/>): where it fails and <paramref name="message"/> is still null, the message the
        /// load is refused with goes there, so that after reading them all it names the first one that failed.
        /// </summary>
        public static float ReadHyperParameter(byte[] s, int o, int index, int rule, string name, ref string message)
        {
            float value = ReadHyperParameter(s, o, index);
            if (message == null)
            {
                message = CheckHyperParameter(value, rule, name);
            }

            return value;
        }

        /// <summary>Returns <see cref="CheckpointError.InvalidValue"/>, with <paramref name="text"/> as the message: a refused
        /// value.</summary>
        public static CheckpointError Invalid(string text, out string message)
        {
            message = text;
            return CheckpointError.InvalidValue;
        }

        /// <summary>
        /// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF: the
        /// CRC of zlib, PNG and System.IO.Hashing.Crc32) of <paramref name="count"/> bytes. On .NET it reads
        /// eight bytes per step with eight 256-entry tables (slicing-by-8, 8 KB, built once); elsewhere (the
        /// device) four bits per lookup with one 16-entry table: 64 bytes, as RAM is the scarce resource on a
        /// microcontroller. Both compute the same CRC (tested against System.IO.Hashing and against each other).
        /// </summary>
        public static uint Crc32(byte[] data, int offset, int count)
        {
            return Crc32Update(0xFFFFFFFF, data, offset, count) ^ 0xFFFFFFFF;
        }

        /// <summary>
        /// The trailing CRC-32: over bytes 0-35 and 40 to <paramref name="length"/> - 5, that is everything but the
        /// header's own CRC and the trailer. Leaving the header CRC out matters: a CRC run over bytes followed by
        /// their own CRC always ends in the same state (the CRC residue), so a trailer covering the header CRC
        /// would depend on the payload alone, and a new header torn onto an older payload would pass.
        /// </summary>
        public static uint TrailerCrc32(byte[] data, int offset, int length)
        {
            uint crc = Crc32Update(0xFFFFFFFF, data, offset, 36);
            crc = Crc32Update(crc, data, offset + HeaderBytes, length - HeaderBytes - TrailerBytes);
            return crc ^ 0xFFFFFFFF;
        }

#if NETCOREAPP
        private static readonly uint[] s_crcTables = CreateCrcTables();

        private static uint Crc32Update(uint crc, byte[] data, int offset, int count)
        {
            uint[] t = s_crcTables;
            int i = offset;
            int end = offset + count;
            while (end - i >= 8)
            {
                uint one = crc ^ (uint)(data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
                uint two = (uint)(data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24));
                crc = t[1792 + (one & 0xFF)] ^ t[1536 + ((one >> 8) & 0xFF)] ^ t[1280 + ((one >> 16) & 0xFF)] ^ t[1024 + (one >> 24)]
                    ^ t[768 + (two & 0xFF)] ^ t[512 + ((two >> 8) & 0xFF)] ^ t[256 + ((two >> 16) & 0xFF)] ^ t[two >> 24];
                i += 8;
            }

            for (; i < end; i++)
            {
                crc = (crc >> 8) ^ t[(crc ^ data[i]) & 0xFF];
            }

            return crc;
        }

        // Table k (at 256·k) advances the CRC register over a byte followed by k zero bytes.
        private static uint[] CreateCrcTables()
        {
            var t = new uint[8 * 256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int bit = 0; bit < 8; bit++)
                {
                    c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320 : c >> 1;
                }

                t[n] = c;
            }

            for (int k = 1; k < 8; k++)
            {
                for (int n = 0; n < 256; n++)
                {
                    uint previous = t[(256 * (k - 1)) + n];
                    t[(256 * k) + n] = (previous >> 8) ^ t[previous & 0xFF];
                }
            }

            return t;
        }
#else
        private static readonly uint[] s_crcTable = CreateCrcTable();

        private static uint Crc32Update(uint crc, byte[] data, int offset, int count)
        {
            uint[] table = s_crcTable;
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                crc ^= data[i];
                crc = (crc >> 4) ^ table[crc & 15];
                crc = (crc >> 4) ^ table[crc & 15];
            }

            return crc;
        }

        private static uint[] CreateCrcTable()
        {
            var table = new uint[16];
            for (uint nibble = 0; nibble < 16; nibble++)
            {
                uint c = nibble;
                for (int bit = 0; bit < 4; bit++)
                {
                    c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320 : c >> 1;
                }

                table[nibble] = c;
            }

            return table;
        }
#endif

        /// <summary>
        /// Writes the header (version 2 when <paramref name="key"/> seals the checkpoint, else 1); <paramref name="length"/>
        /// includes the tag, if any. The caller writes the payload next, then calls <see cref="Seal"/>.
        /// </summary>
        public static void WriteHeader(byte[] d, int o, CheckpointKey key, int kind, int stateFlags, ulong layoutHash, ulong sequence,
            int length, int parameterCount, int trainableCount)
        {
            WriteUInt32(d, o, Magic);
            d[o + 4] = (byte)(key == null ? Version : SealedVersion);
            d[o + 5] = 0;
            d[o + 6] = (byte)kind;
            d[o + 7] = (byte)stateFlags;
            WriteUInt64(d, o + 8, layoutHash);
            WriteUInt64(d, o + 16, sequence);
            WriteInt32(d, o + 24, length);
            WriteInt32(d, o + 28, parameterCount);
            WriteInt32(d, o + 32, trainableCount);
            WriteUInt32(d, o + 36, Crc32(d, o, 36));
        }

        /// <summary>
        /// Finishes a checkpoint of <paramref name="length"/> bytes: with a key, the HMAC-SHA256 tag of everything before
        /// it (header and payload) into the 32 bytes before the trailer; then the trailing CRC-32 (see <see cref="TrailerCrc32"/>),
        /// which covers the tag too, into the last four bytes.
        /// </summary>
        public static void Seal(byte[] d, int o, int length, CheckpointKey key)
        {
            if (key != null)
            {
                key.Seal(d, o, length - TagBytes - TrailerBytes);
            }

            WriteUInt32(d, o + length - TrailerBytes, TrailerCrc32(d, o, length));
        }

        /// <summary>Whether <paramref name="a"/> comes after <paramref name="b"/> in sequence-number order: wrap-around (serial number)
        /// arithmetic, so 0 follows 2^64 - 1.</summary>
        public static bool IsAfter(ulong a, ulong b)
        {
            return unchecked((long)(a - b)) > 0;
        }

        /// <summary>
        /// Checks everything but the payload's values, in this order: magic, version, room for the header, the
        /// header's CRC, sealed as the load requires, optimizer kind, state flags, layout hash, counts and length
        /// (<paramref name="length"/> is the unsealed one; a sealed checkpoint is <see cref="TagBytes"/> longer), room for
        /// the whole checkpoint, the trailing CRC, the tag, and the sequence number against the minimum (when
        /// <paramref name="checkSequence"/>). Allocates only on failure (the message).
        /// </summary>
        public static CheckpointError ValidateFrame(
            byte[] s, int o, int count, string optimizerName, int kind, int stateFlags, ulong layoutHash,
            int length, int parameterCount, int trainableCount, CheckpointKey key, bool checkSequence, ulong minimumSequence,
            out ulong sequence, out string message)
        {
            sequence = 0;
            message = null;
            int prefix = count < 4 ? count : 4;
            for (int i = 0; i < prefix; i++)
            {
                if (s[o + i] != (byte)(Magic >> (8 * i)))
                {
                    message = "Not a WeightDecay.Edge checkpoint: it does not start with the magic number \"WDEC\".";
                    return CheckpointError.BadMagic;
                }
            }

            if (count < 6)
            {
                message = "The checkpoint is truncated: " + count.ToString() + " bytes, fewer than the " + HeaderBytes.ToString()
                    + "-byte header.";
                return CheckpointError.Truncated;
            }

            int version = s[o + 4] | (s[o + 5] << 8);
            if (version != Version && version != SealedVersion)
            {
                message = "Checkpoint format version " + version.ToString() + " is not supported; this build reads versions 1 and 2.";
                return CheckpointError.UnsupportedVersion;
            }

            if (count < HeaderBytes)
            {
                message = "The checkpoint is truncated: " + count.ToString() + " bytes, fewer than the " + HeaderBytes.ToString()
                    + "-byte header.";
                return CheckpointError.Truncated;
            }

            if (ReadUInt32(s, o + 36) != Crc32(s, o, 36))
            {
                message = "The checkpoint is corrupt: the header's CRC-32 does not match its bytes.";
                return CheckpointError.Corrupt;
            }

            bool isSealed = version == SealedVersion;
            if (isSealed != (key != null))
            {
                message = key != null
                    ? "The checkpoint is not sealed (format version 1), and this load requires one sealed with HMAC-SHA256 under its key."
                    : "The checkpoint is sealed with HMAC-SHA256 (format version 2); load it with its CheckpointKey.";
                return CheckpointError.NotAuthentic;
            }

            if (isSealed)
            {
                length += TagBytes;
            }

            int storedKind = s[o + 6];
            if (storedKind != kind)
            {
                message = "The checkpoint is of " + KindName(storedKind) + ", not " + optimizerName + ".";
                return CheckpointError.OptimizerMismatch;
            }

            int storedFlags = s[o + 7];
            if ((storedFlags & ~1) != 0)
            {
                message = "The checkpoint's state flags (" + storedFlags.ToString()
                    + ") are not ones this build writes: only bit 0 is defined.";
                return CheckpointError.OptimizerMismatch;
            }

            if (storedFlags != stateFlags)
            {
                message = "The checkpoint holds " + StateName(kind, storedFlags) + " but this " + optimizerName + " keeps "
                    + StateName(kind, stateFlags) + "; configure it as the saved one was (" + StateAdvice(kind) + ") before loading.";
                return CheckpointError.OptimizerMismatch;
            }

            ulong storedHash = ReadUInt64(s, o + 8);
            if (storedHash != layoutHash
                || ReadInt32(s, o + 28) != parameterCount
                || ReadInt32(s, o + 32) != trainableCount)
            {
                message = "The checkpoint is of another layout: layout hash 0x" + storedHash.ToString("X16") + ", "
                    + ReadInt32(s, o + 28).ToString() + " parameters (" + ReadInt32(s, o + 32).ToString()
                    + " trainable); this layout's hash is 0x"
                    + layoutHash.ToString("X16") + ", " + parameterCount.ToString() + " parameters (" + trainableCount.ToString()
                    + " trainable).";
                return CheckpointError.LayoutMismatch;
            }

            int storedLength = ReadInt32(s, o + 24);
            if (storedLength != length)
            {
                message = "The checkpoint is corrupt: its header gives a length of " + storedLength.ToString()
                    + " bytes where this layout's is " + length.ToString() + ".";
                return CheckpointError.Corrupt;
            }

            if (count < length)
            {
                message = "The checkpoint is truncated: " + count.ToString() + " of its " + length.ToString() + " bytes.";
                return CheckpointError.Truncated;
            }

            if (ReadUInt32(s, o + length - TrailerBytes) != TrailerCrc32(s, o, length))
            {
                message = "The checkpoint is corrupt: its CRC-32 does not match its bytes.";
                return CheckpointError.Corrupt;
            }

            if (isSealed && !key.Verify(s, o, length - TagBytes - TrailerBytes))
            {
                message = "The checkpoint is not authentic: its HMAC-SHA256 tag does not match"
                    + " (sealed with another key, or altered after sealing).";
                return CheckpointError.NotAuthentic;
            }

            ulong stored = ReadUInt64(s, o + 16);
            if (checkSequence && IsAfter(minimumSequence, stored))
            {
                message = "The checkpoint is rolled back: its sequence number " + stored.ToString() + " is before the required minimum "
                    + minimumSequence.ToString() + ".";
                return CheckpointError.RolledBack;
            }

            sequence = stored;
            return CheckpointError.None;
        }

        private static string KindName(int kind)
        {
            switch (kind)
            {
                case 1: return "SgdOptimizer";
                case 2: return "AdamOptimizer";
                case 3: return "AdamWOptimizer";
                default: return "an unknown optimizer (kind " + kind.ToString() + ")";
            }
        }

        private static string StateName(int kind, int flags)
        {
            if (kind == 1)
            {
                return (flags & 1) != 0 ? "a momentum buffer" : "no momentum buffer";
            }

            return (flags & 1) != 0 ? "AMSGrad state (max_exp_avg_sq)" : "no AMSGrad state";
        }

        private static string StateAdvice(int kind)
        {
            return kind == 1 ? "set Momentum to a non-zero value, or leave it 0" : "set Amsgrad";
        }

        /// <summary>The payload is written and read in this order; see docs/checkpoints.md.</summary>
        public static void WriteSingles(byte[] d, int o, float[] values, int count)
        {
            for (int i = 0; i < count; i++)
            {
                WriteSingle(d, o + 4 * i, values[i]);
            }
        }

        /// <summary>Reads <paramref name="count"/> floats into <paramref name="values"/>.</summary>
        public static void ReadSingles(byte[] s, int o, float[] values, int count)
        {
            for (int i = 0; i < count; i++)
            {
                values[i] = ReadSingle(s, o + 4 * i);
            }
        }

        /// <summary>Index of the first of <paramref name="count"/> stored floats that is NaN or infinite, or -1.</summary>
        public static int FindNonFinite(byte[] s, int o, int count)
        {
            for (int i = 0; i < count; i++)
            {
                // Exponent bits all ones: infinity or NaN.
                if ((s[o + 4 * i + 3] & 0x7F) == 0x7F && (s[o + 4 * i + 2] & 0x80) != 0)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Index of the first of <paramref name="count"/> stored floats that is below zero (-0 is not), or -1.</summary>
        public static int FindNegative(byte[] s, int o, int count)
        {
            for (int i = 0; i < count; i++)
            {
                int at = o + 4 * i;
                if ((s[at + 3] & 0x80) != 0 && ((s[at + 3] & 0x7F) | s[at + 2] | s[at + 1] | s[at]) != 0)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Index of the first of <paramref name="count"/> floats that is NaN or infinite, or -1.</summary>
        public static int FindNonFinite(float[] values, int count)
        {
            for (int i = 0; i < count; i++)
            {
                float x = values[i];
                if (float.IsNaN(x) || float.IsInfinity(x))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>
        /// Checks a hyperparameter a checkpoint holds against its rule: 0 finite, 1 finite and zero or positive, 3 finite and positive,
        /// 2 in [0, 1) (the betas). Null when it passes, else the message the load is refused with. One shared
        /// check rather than one written out per hyperparameter of every optimizer: device flash is scarce.
        /// NaN has its own test, as nanoCLR evaluates "!(v &gt;= 0f)" wrongly for NaN (device/README.md).
        /// </summary>
        public static string CheckHyperParameter(float value, int rule, string name)
        {
            if (!HyperParameters.IsNaN(value) && !float.IsInfinity(value) && (rule == 0 || 0f <= value) && (rule != 2 || value < 1f)
                && (rule != 3 || 0f < value))
            {
                return null;
            }

            string range = rule == 2 ? "in [0, 1)" : rule == 1 ? "finite and zero or positive" : rule == 3 ? "finite and positive"
                : "finite";
            return "The checkpoint's " + name + " is " + value.ToString() + "; it must be " + range + ".";
        }

        /// <summary>Whether <paramref name="value"/> is neither NaN nor infinite.</summary>
        public static bool IsFinite(float value)
        {
            return !float.IsNaN(value) && !float.IsInfinity(value);
        }

        /// <summary>Writes a float's IEEE 754 bits, little-endian.</summary>
        public static void WriteSingle(byte[] d, int o, float value)
        {
#if NETCOREAPP
            WriteInt32(d, o, global::System.BitConverter.SingleToInt32Bits(value));
#else
            WriteInt32(d, o, SingleToInt32Bits(value));
#endif
        }

        /// <summary>Reads a float written by <see cref="WriteSingle"/>.</summary>
        public static float ReadSingle(byte[] s, int o)
        {
#if NETCOREAPP
            return global::System.BitConverter.Int32BitsToSingle(ReadInt32(s, o));
#else
            // nanoFramework's mscorlib has no Int32BitsToSingle; its targets are little-endian, like the format.
            return global::System.BitConverter.ToSingle(s, o);
#endif
        }

#if !NETCOREAPP
        /// <summary>
        /// A float's bits without BitConverter.SingleToInt32Bits (not in nanoFramework's mscorlib) and without
        /// allocating (BitConverter.GetBytes would): widen to double, which is exact, and repack its fields.
        /// </summary>
        private static int SingleToInt32Bits(float value)
        {
            long bits = global::System.BitConverter.DoubleToInt64Bits(value);
            int sign = (int)((bits >> 32) & unchecked((int)0x80000000));
            int exponent = (int)((bits >> 52) & 0x7FF);
            long mantissa = bits & 0xFFFFFFFFFFFFFL;
            if (exponent == 0x7FF)
            {
                return sign | 0x7F800000 | (int)(mantissa >> 29) | (mantissa != 0 ? 0x400000 : 0);
            }

            if (exponent == 0)
            {
                return sign; // Zero: a float never widens to a subnormal double.
            }

            int floatExponent = exponent - 1023 + 127;
            if (floatExponent >= 1)
            {
                return sign | (floatExponent << 23) | (int)(mantissa >> 29);
            }

            return sign | (int)((mantissa | (1L << 52)) >> (30 - floatExponent)); // A float subnormal.
        }
#endif

        /// <summary>Writes a little-endian 32-bit integer.</summary>
        public static void WriteInt32(byte[] d, int o, int value)
        {
            d[o] = (byte)value;
            d[o + 1] = (byte)(value >> 8);
            d[o + 2] = (byte)(value >> 16);
            d[o + 3] = (byte)(value >> 24);
        }

        /// <summary>Reads a little-endian 32-bit integer.</summary>
        public static int ReadInt32(byte[] s, int o)
        {
            return s[o] | (s[o + 1] << 8) | (s[o + 2] << 16) | (s[o + 3] << 24);
        }

        /// <summary>Writes a little-endian unsigned 32-bit integer.</summary>
        public static void WriteUInt32(byte[] d, int o, uint value)
        {
            WriteInt32(d, o, (int)value);
        }

        /// <summary>Reads a little-endian unsigned 32-bit integer.</summary>
        public static uint ReadUInt32(byte[] s, int o)
        {
            return (uint)ReadInt32(s, o);
        }

        /// <summary>Writes a little-endian unsigned 64-bit integer.</summary>
        public static void WriteUInt64(byte[] d, int o, ulong value)
        {
            WriteInt32(d, o, (int)value);
            WriteInt32(d, o + 4, (int)(value >> 32));
        }

        /// <summary>Reads a little-endian unsigned 64-bit integer.</summary>
        public static ulong ReadUInt64(byte[] s, int o)
        {
            return (uint)ReadInt32(s, o) | ((ulong)(uint)ReadInt32(s, o + 4) << 32);
        }
    }
}
