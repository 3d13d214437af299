using System;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>A device reset: a fresh model and optimizer, with a state of their own, load from the storage.</summary>
internal static class TwoSlotReboot
{
    /// <summary>
    /// Creates a fresh subject (parameters and a training step from <paramref name="seed"/>, so its state is
    /// no checkpoint's), fills <paramref name="scratch"/> with <paramref name="staleScratch"/> (a loader must not
    /// trust what its scratch buffer held before), and loads. When <paramref name="expected"/> is a checkpoint,
    /// asserts the load returned its slot and reproduced its state byte for byte, leaving the gradients alone;
    /// when it is null, asserts <see cref="CheckpointNotFoundException"/> and that nothing changed.
    /// </summary>
    public static CheckpointSubject LoadAndCheck(
        TwoSlotLayout layout,
        TwoSlotOptimizer optimizer,
        FaultInjectingStorage storage,
        ExpectedLoad? expected,
        byte[] scratch,
        byte[] staleScratch,
        int seed,
        string context,
        bool authenticated = false)
    {
        CheckpointSubject fresh = TwoSlotSubjects.Create(layout, optimizer, seed, authenticated: authenticated);
        fresh.Train(seed, 1);
        SubjectState before = fresh.Capture();
        Buffer.BlockCopy(staleScratch, 0, scratch, 0, Math.Min(staleScratch.Length, scratch.Length));
        if (expected is null)
        {
            CheckpointNotFoundException error;
            try
            {
                int slot = fresh.Load(storage, scratch);
                throw new Xunit.Sdk.XunitException(context + ": loaded slot " + slot + " where neither slot holds a complete checkpoint.");
            }
            catch (CheckpointNotFoundException e)
            {
                error = e;
            }
            catch (CheckpointException e)
            {
                throw new Xunit.Sdk.XunitException(context + ": the load threw " + e.GetType().Name + " (" + e.Message + "), not CheckpointNotFoundException.");
            }

            Assert.Equal(CheckpointError.NoValidCheckpoint, error.Error);
            fresh.AssertUnchanged(before, context + ", a load that threw");
            return fresh;
        }

        int loaded;
        try
        {
            loaded = fresh.Load(storage, scratch);
        }
        catch (CheckpointException e)
        {
            throw new Xunit.Sdk.XunitException(context + ": the load threw " + e.GetType().Name + " (" + e.Message + ") where slot " + expected.Slot + " holds " + expected.Checkpoint + ".");
        }

        Assert.True(expected.Slot == loaded, context + ": loaded slot " + loaded + ", expected " + expected.Checkpoint + " from slot " + expected.Slot + ".");
        TwoSlotAssert.SameBytes(expected.Checkpoint.Image, fresh.Image(), context + ": the loaded state is not exactly " + expected.Checkpoint);
        Assert.True(before.Gradients.AsSpan().SequenceEqual(fresh.Gradients), context + ": the load changed the gradients");
        return fresh;
    }
}
