using Xunit.Abstractions;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>
/// Issue 6 item 3: a power cut at any byte of a two-slot write leaves the previous checkpoint loadable, and the
/// loader returns the newest complete checkpoint and nothing else. See <see cref="TwoSlotPowerCutSweep"/>.
/// <c>completeBefore</c> is how many checkpoints were written completely before the cut one: 0 (the very
/// first write, into empty storage), 1 (the second write, into empty slot 1), 2 (C3 over C1 in slot 0) and
/// 3 (C4 over C2 in slot 1): the cut write targets slot 0 and slot 1, over an empty slot and over an old checkpoint.
/// TinyLayout runs every history on every medium; MixedLayout every history in place and one per flash medium.
/// </summary>
public sealed class TwoSlotPowerCutTests
{
    private readonly ITestOutputHelper _output;

    public TwoSlotPowerCutTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<TwoSlotLayout, TwoSlotOptimizer, StorageMedium, int> EveryByteCases()
    {
        var cases = new TheoryData<TwoSlotLayout, TwoSlotOptimizer, StorageMedium, int>();
        foreach (TwoSlotLayout layout in new[] { TwoSlotLayout.Tiny, TwoSlotLayout.Mixed })
        {
            foreach (TwoSlotOptimizer optimizer in new[] { TwoSlotOptimizer.SgdMomentum, TwoSlotOptimizer.Adam, TwoSlotOptimizer.AdamWAmsgrad })
            {
                foreach (StorageMedium medium in new[] { StorageMedium.Overwrite, StorageMedium.Flash, StorageMedium.FlashTornByte })
                {
                    for (int completeBefore = 0; completeBefore <= 3; completeBefore++)
                    {
                        // MixedLayout's flash writes are 1.2-2.3 K operations: one history each (the first write, and C4 over C2).
                        if (layout == TwoSlotLayout.Tiny || medium == StorageMedium.Overwrite
                            || completeBefore == (medium == StorageMedium.Flash ? 0 : 3))
                        {
                            cases.Add(layout, optimizer, medium, completeBefore);
                        }
                    }
                }
            }
        }

        return cases;
    }

    public static TheoryData<TwoSlotOptimizer, StorageMedium, int> DigitsCases()
    {
        return new TheoryData<TwoSlotOptimizer, StorageMedium, int>
        {
            { TwoSlotOptimizer.SgdMomentum, StorageMedium.Overwrite, 2 },
            { TwoSlotOptimizer.Adam, StorageMedium.Flash, 1 },
            { TwoSlotOptimizer.AdamWAmsgrad, StorageMedium.FlashTornByte, 3 },
        };
    }

    /// <summary>
    /// The sealed cases (issue 12): a sealed write is 32 bytes longer (the HMAC-SHA256 tag before the trailing
    /// CRC) and its loader checks the tag before any value, so a cut anywhere in it must leave the previous sealed
    /// checkpoint as the one that loads under the key. TinyLayout runs every history on every medium; MixedLayout
    /// one history per medium.
    /// </summary>
    public static TheoryData<TwoSlotLayout, TwoSlotOptimizer, StorageMedium, int> SealedEveryByteCases()
    {
        var cases = new TheoryData<TwoSlotLayout, TwoSlotOptimizer, StorageMedium, int>();
        foreach (TwoSlotOptimizer optimizer in new[] { TwoSlotOptimizer.SgdMomentum, TwoSlotOptimizer.Adam, TwoSlotOptimizer.AdamWAmsgrad })
        {
            foreach (StorageMedium medium in new[] { StorageMedium.Overwrite, StorageMedium.Flash, StorageMedium.FlashTornByte })
            {
                for (int completeBefore = 0; completeBefore <= 3; completeBefore++)
                {
                    cases.Add(TwoSlotLayout.Tiny, optimizer, medium, completeBefore);
                }

                cases.Add(TwoSlotLayout.Mixed, optimizer, medium, medium == StorageMedium.Flash ? 1 : 2);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(EveryByteCases))]
    public void TwoSlot_power_cut_at_every_byte_leaves_the_newest_complete_checkpoint(TwoSlotLayout layout, TwoSlotOptimizer optimizer, StorageMedium medium, int completeBefore)
    {
        TwoSlotPowerCutSweep.Run(layout, optimizer, medium, completeBefore, TwoSlotPowerCutSweep.EveryOperation, _output.WriteLine);
    }

    [Theory]
    [MemberData(nameof(SealedEveryByteCases))]
    public void TwoSlot_power_cut_at_every_byte_of_a_sealed_write_leaves_the_newest_complete_sealed_checkpoint(TwoSlotLayout layout, TwoSlotOptimizer optimizer, StorageMedium medium, int completeBefore)
    {
        TwoSlotPowerCutSweep.Run(layout, optimizer, medium, completeBefore, TwoSlotPowerCutSweep.EveryOperation, _output.WriteLine, authenticated: true);
    }

    /// <summary>
    /// The digits MLP's checkpoints are 19-39 KB (twice that in operations with the erase): every k with the checks
    /// after each cut would take minutes, so k runs over the erase's first and last 8 operations, the first 96
    /// bytes programmed (the header and the step counts), the last 64 (the trailing CRC), and every 499th in between.
    /// </summary>
    [Theory]
    [MemberData(nameof(DigitsCases))]
    public void TwoSlot_power_cut_sampled_through_a_digits_mlp_write_leaves_the_newest_complete_checkpoint(TwoSlotOptimizer optimizer, StorageMedium medium, int completeBefore)
    {
        TwoSlotPowerCutSweep.Run(TwoSlotLayout.Digits, optimizer, medium, completeBefore, TwoSlotPowerCutSweep.Sampled(499), _output.WriteLine);
    }

    [Fact]
    public void TwoSlot_power_cut_sampled_through_a_sealed_digits_mlp_write_leaves_the_newest_complete_sealed_checkpoint()
    {
        TwoSlotPowerCutSweep.Run(TwoSlotLayout.Digits, TwoSlotOptimizer.Adam, StorageMedium.FlashTornByte, 2, TwoSlotPowerCutSweep.Sampled(499), _output.WriteLine, authenticated: true);
    }
}
