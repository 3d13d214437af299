using System;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>Assertions cheap enough to run hundreds of thousands of times, with a useful message when they fail.</summary>
internal static class TwoSlotAssert
{
    public static void SameBytes(byte[] expected, byte[] actual, string context)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        int first = 0;
        int common = Math.Min(expected.Length, actual.Length);
        while (first < common && expected[first] == actual[first])
        {
            first++;
        }

        Assert.Fail(context + ": " + expected.Length + " bytes expected, " + actual.Length + " actual; first difference at byte " + first + ".");
    }
}
