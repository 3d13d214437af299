using System;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>
/// Thrown by <see cref="FaultInjectingStorage"/> when the simulated power fails: everything the storage
/// holds is what was made durable before the cut. The code under test must never catch it (a real
/// power cut cannot be caught); the tests do, and then "reboot" with fresh objects.
/// </summary>
public sealed class PowerCutException : Exception
{
    public PowerCutException()
        : this("The power failed.")
    {
    }

    public PowerCutException(string message)
        : base(message)
    {
    }

    public PowerCutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal PowerCutException(int slot, long operations, bool duringErase)
        : base("The power failed " + (duringErase ? "while erasing" : "while writing") + " slot " + slot
            + " after " + operations + " byte operations of the write.")
    {
        Slot = slot;
        Operations = operations;
        DuringErase = duringErase;
    }

    /// <summary>The slot being written when the power failed.</summary>
    public int Slot { get; }

    /// <summary>Byte operations (erased plus programmed bytes) of this Write that were made durable.</summary>
    public long Operations { get; }

    /// <summary>Whether the cut hit the erase that precedes programming (flash only).</summary>
    public bool DuringErase { get; }
}
