#nullable disable

namespace WeightDecay.Edge.Generated
{
    /// <summary>
    /// Saving and loading, shared by the generated optimizers: argument checks, refusing to save non-finite
    /// state, validate-then-commit loading, sealing with a <see cref="CheckpointKey"/>, the minimum sequence
    /// number (rollback protection), and the two-slot (A/B) protocol.
    /// </summary>
    public static class Checkpoints
    {
        /// <summary>Bytes of a checkpoint of <paramref name="codec"/> as configured now, sealed when <paramref name="key"/> is
        /// set.</summary>
        public static int Length(ICheckpointCodec codec, CheckpointKey key)
        {
            return codec.CheckpointBytes + (key == null ? 0 : CheckpointFormat.TagBytes);
        }

        /// <summary>
        /// Writes a checkpoint numbered <paramref name="sequence"/> into <paramref name="destination"/> at <paramref name="offset"/>,
        /// sealed when <paramref name="key"/> is set; returns its length.
        /// </summary>
        public static int Save(ICheckpointCodec codec, byte[] destination, int offset, ulong sequence, CheckpointKey key)
        {
            if (destination == null)
            {
                throw new global::System.ArgumentNullException("destination");
            }

            RequireUsable(key);
            int length = Length(codec, key);
            if (offset < 0 || offset > destination.Length)
            {
                throw new global::System.ArgumentOutOfRangeException("offset", "offset must be within the destination array.");
            }

            if (destination.Length - offset < length)
            {
                throw new global::System.ArgumentException("The checkpoint needs " + length.ToString() + " bytes but the destination has "
                    + (destination.Length - offset).ToString() + " from offset " + offset.ToString() + ".", "destination");
            }

            RequireFinite(codec);
            codec.Write(destination, offset, sequence, key);
            return length;
        }

        /// <summary>
        /// Validates a checkpoint completely (sealed under <paramref name="key"/> when it is set, numbered at or after
        /// <paramref name="minimumSequence"/> when <paramref name="checkSequence"/>), then commits it; throws a
        /// <see cref="CheckpointException"/> before any change otherwise.
        /// </summary>
        public static void Load(ICheckpointCodec codec, byte[] source, int offset, int count, CheckpointKey key, bool checkSequence,
            ulong minimumSequence)
        {
            if (source == null)
            {
                throw new global::System.ArgumentNullException("source");
            }

            if (offset < 0 || offset > source.Length)
            {
                throw new global::System.ArgumentOutOfRangeException("offset", "offset must be within the source array.");
            }

            if (count < 0 || count > source.Length - offset)
            {
                throw new global::System.ArgumentOutOfRangeException("count", "count must be within the source array from offset.");
            }

            RequireUsable(key);
            ulong sequence;
            string message;
            CheckpointError error = codec.Validate(source, offset, count, key, checkSequence, minimumSequence, out sequence, out message);
            if (error != CheckpointError.None)
            {
                throw Exception(error, message);
            }

            codec.Commit(source, offset);
        }

        /// <summary>
        /// The two-slot write: reads and fully validates both slots (a slot that fails is read and checked once more, so
        /// that a transient read fault cannot make the newest checkpoint look damaged), then writes the new checkpoint,
        /// numbered one past the newest loadable one (and, when <paramref name="checkSequence"/>, after
        /// <paramref name="minimumSequence"/>), into the other slot, or into slot 0 when neither is loadable. Never writes
        /// over the newest loadable checkpoint.
        /// Returns the sequence number written.
        /// </summary>
        public static ulong SaveToSlots(ICheckpointCodec codec, ICheckpointStorage storage, byte[] scratch, CheckpointKey key,
            bool checkSequence, ulong minimumSequence)
        {
            int length = RequireSlots(codec, storage, scratch, key);
            RequireFinite(codec);
            ulong sequence0;
            ulong sequence1;
            bool valid0 = ReadSlotTwice(codec, storage, 0, scratch, length, key, checkSequence, minimumSequence, out sequence0);
            bool valid1 = ReadSlotTwice(codec, storage, 1, scratch, length, key, checkSequence, minimumSequence, out sequence1);
            int target;
            ulong sequence;
            if (valid0 && valid1)
            {
                // The target is the older; on a tie (which the protocol never writes) slot 0, as the load then takes slot 1.
                bool newer0 = CheckpointFormat.IsAfter(sequence0, sequence1);
                target = newer0 ? 1 : 0;
                sequence = unchecked((newer0 ? sequence0 : sequence1) + 1);
            }
            else if (valid0)
            {
                target = 1;
                sequence = unchecked(sequence0 + 1);
            }
            else if (valid1)
            {
                target = 0;
                sequence = unchecked(sequence1 + 1);
            }
            else
            {
                target = 0;
                sequence = 1;
            }

            // Numbered after the minimum: a new checkpoint never reuses a number a loader may have accepted before.
            if (checkSequence && !CheckpointFormat.IsAfter(sequence, minimumSequence))
            {
                sequence = unchecked(minimumSequence + 1);
            }

            codec.Write(scratch, 0, sequence, key);
            storage.Write(target, 0, scratch, 0, length);
            return sequence;
        }

        /// <summary>
        /// The two-slot read: validates both slots and commits the loadable one with the later sequence number
        /// (wrap-around order, <see cref="CheckpointFormat.IsAfter"/>). Returns the slot loaded. Throws
        /// <see cref="CheckpointNotFoundException"/>, changing nothing, when neither is.
        /// </summary>
        public static int LoadFromSlots(ICheckpointCodec codec, ICheckpointStorage storage, byte[] scratch, CheckpointKey key,
            bool checkSequence, ulong minimumSequence)
        {
            int length = RequireSlots(codec, storage, scratch, key);
            ulong sequence0;
            ulong sequence1;
            string message0;
            string message1;
            bool valid0 = ReadSlot(codec, storage, 0, scratch, length, key, checkSequence, minimumSequence, out sequence0, out message0);
            bool valid1 = ReadSlot(codec, storage, 1, scratch, length, key, checkSequence, minimumSequence, out sequence1, out message1);
            if (!valid0 && !valid1)
            {
                throw new CheckpointNotFoundException("Neither slot holds a loadable checkpoint. Slot 0: " + message0 + " Slot 1: "
                    + message1);
            }

            int chosen = valid0 && (!valid1 || CheckpointFormat.IsAfter(sequence0, sequence1)) ? 0 : 1;
            if (chosen == 0 && !ReadSlot(codec, storage, 0, scratch, length, key, checkSequence, minimumSequence, out sequence0,
                out message0))
            {
                // The scratch buffer held slot 1; slot 0 read differently the second time (a failing medium).
                // Fall back to slot 1 if it was loadable, reading and checking it again too.
                if (!valid1 || !ReadSlot(codec, storage, 1, scratch, length, key, checkSequence, minimumSequence, out sequence1,
                    out message1))
                {
                    throw new CheckpointNotFoundException("Neither slot holds a loadable checkpoint on a second read. Slot 0: " + message0
                        + " Slot 1: " + message1);
                }

                chosen = 1;
            }

            codec.Commit(scratch, 0);
            return chosen;
        }

        private static bool ReadSlot(ICheckpointCodec codec, ICheckpointStorage storage, int slot, byte[] scratch, int length,
            CheckpointKey key, bool checkSequence, ulong minimumSequence, out ulong sequence, out string message)
        {
            storage.Read(slot, 0, scratch, 0, length);
            return codec.Validate(scratch, 0, length, key, checkSequence, minimumSequence, out sequence, out message)
                == CheckpointError.None;
        }

        // A save must not take a transient read fault for damage: that would make it write over the newest checkpoint.
        private static bool ReadSlotTwice(ICheckpointCodec codec, ICheckpointStorage storage, int slot, byte[] scratch, int length,
            CheckpointKey key, bool checkSequence, ulong minimumSequence, out ulong sequence)
        {
            string message;
            return ReadSlot(codec, storage, slot, scratch, length, key, checkSequence, minimumSequence, out sequence, out message)
                || ReadSlot(codec, storage, slot, scratch, length, key, checkSequence, minimumSequence, out sequence, out message);
        }

        private static int RequireSlots(ICheckpointCodec codec, ICheckpointStorage storage, byte[] scratch, CheckpointKey key)
        {
            if (storage == null)
            {
                throw new global::System.ArgumentNullException("storage");
            }

            if (scratch == null)
            {
                throw new global::System.ArgumentNullException("scratch");
            }

            RequireUsable(key);
            int length = Length(codec, key);
            string what = key == null ? " bytes (CheckpointBytes)" : " bytes (CheckpointBytes + CheckpointKey.TagBytes)";
            if (scratch.Length < length)
            {
                throw new global::System.ArgumentException("The scratch buffer needs " + length.ToString() + what + " but has "
                    + scratch.Length.ToString() + ".", "scratch");
            }

            if (storage.SlotBytes < length)
            {
                throw new global::System.ArgumentException("Each storage slot needs " + length.ToString() + what + " but holds "
                    + storage.SlotBytes.ToString() + ".", "storage");
            }

            return length;
        }

        private static void RequireUsable(CheckpointKey key)
        {
            if (key != null)
            {
                key.RequireUsable();
            }
        }

        private static void RequireFinite(ICheckpointCodec codec)
        {
            string what = codec.FindNonFinite();
            if (what != null)
            {
                throw new global::System.InvalidOperationException("Refusing to save a checkpoint that could not be loaded: " + what
                    + " is not finite. Nothing was written.");
            }
        }

        /// <summary>The exception for <paramref name="error"/>.</summary>
        public static CheckpointException Exception(CheckpointError error, string message)
        {
            switch (error)
            {
                case CheckpointError.BadMagic:
                case CheckpointError.UnsupportedVersion:
                    return new CheckpointFormatException(error, message);
                case CheckpointError.Truncated:
                    return new CheckpointTruncatedException(message);
                case CheckpointError.Corrupt:
                    return new CheckpointCorruptException(message);
                case CheckpointError.OptimizerMismatch:
                case CheckpointError.LayoutMismatch:
                    return new CheckpointMismatchException(error, message);
                case CheckpointError.InvalidValue:
                    return new CheckpointValueException(message);
                case CheckpointError.NotAuthentic:
                    return new CheckpointAuthenticationException(message);
                case CheckpointError.RolledBack:
                    return new CheckpointRollbackException(message);
                default:
                    return new CheckpointNotFoundException(message);
            }
        }
    }
}
