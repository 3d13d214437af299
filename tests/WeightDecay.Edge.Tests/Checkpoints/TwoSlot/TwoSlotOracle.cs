using System.Collections.Generic;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>
/// What a correct two-slot loader must return, decided from the storage's bytes alone: a slot counts only when
/// its first <c>CheckpointBytes</c> bytes are exactly a checkpoint the test saw written completely; of the two,
/// the one with the higher sequence number wins; when neither counts, nothing may be loaded. Anything else in a
/// slot (a torn write, a flipped bit, an erased sector) must be refused, so a loader that accepted it fails.
/// A torn write whose missing bytes happen to equal the old ones is complete, and counts: the oracle looks at
/// bytes, not at whether the Write returned.
/// </summary>
internal static class TwoSlotOracle
{
    public static ExpectedLoad? Expected(FaultInjectingStorage storage, IReadOnlyList<KnownCheckpoint> known)
    {
        KnownCheckpoint? slot0 = Match(storage, 0, known);
        KnownCheckpoint? slot1 = Match(storage, 1, known);
        if (slot0 is null)
        {
            return slot1 is null ? null : new ExpectedLoad(1, slot1);
        }

        if (slot1 is null)
        {
            return new ExpectedLoad(0, slot0);
        }

        Assert.True(slot0.Sequence != slot1.Sequence, "The protocol left two checkpoints with sequence number " + slot0.Sequence + ": " + slot0 + " and " + slot1 + ".");
        return slot0.Sequence > slot1.Sequence ? new ExpectedLoad(0, slot0) : new ExpectedLoad(1, slot1);
    }

    private static KnownCheckpoint? Match(FaultInjectingStorage storage, int slot, IReadOnlyList<KnownCheckpoint> known)
    {
        // Newest first: a later checkpoint may repeat an earlier one's bytes only if it holds the same state and number.
        for (int i = known.Count - 1; i >= 0; i--)
        {
            if (storage.SlotStartsWith(slot, known[i].Stored))
            {
                return known[i];
            }
        }

        return null;
    }
}
