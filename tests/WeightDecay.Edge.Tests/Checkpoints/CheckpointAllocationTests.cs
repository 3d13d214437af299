using System;

namespace WeightDecay.Edge.Tests.Checkpoints;

/// <summary>SaveCheckpoint(byte[], int) and LoadCheckpoint(byte[], int, int) allocate nothing once warmed up.</summary>
public sealed class CheckpointAllocationTests
{
    private const int Repetitions = 50;

    public static TheoryData<string, string> Cases() => CheckpointLayouts.Cases(CheckpointLayouts.Mixed, CheckpointLayouts.Frozen, CheckpointLayouts.Digits);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Save_and_load_allocate_nothing(string layoutName, string variantName)
    {
        CheckpointLayout layout = CheckpointLayouts.Get(layoutName);
        CheckpointVariant variant = CheckpointVariants.Get(variantName);
        CheckpointSubject subject = CheckpointSubject.Create(layout, variant, seed: 61);
        subject.Run(variant, new Random(62), 3);
        Func<byte[], int, int> save = subject.Save;
        Action<byte[], int, int> load = subject.Load;
        var buffer = new byte[subject.CheckpointBytes + 16];
        int length = 0;
        for (int i = 0; i < 3; i++)
        {
            length = save(buffer, 16);
            load(buffer, 16, length);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Repetitions; i++)
        {
            save(buffer, 16);
        }

        long afterSaves = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Repetitions; i++)
        {
            load(buffer, 16, length);
        }

        long afterLoads = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, afterSaves - before);
        Assert.Equal(0, afterLoads - afterSaves);
    }
}
