namespace WeightDecay.Edge.Demo;

/// <summary>
/// The fine-tuning experiment's four disjoint sets of images, as row indices into the data file: the old
/// task (unshifted digits) has <see cref="PreTrain"/> and <see cref="OldTest"/>; the new task (the same kind
/// of digits shifted, <see cref="DigitShift"/>) has the few <see cref="FineTune"/> samples and
/// <see cref="NewTest"/>. No image is in two sets, so neither test set has been seen in any form.
/// </summary>
internal sealed record FineTuneSplit(int[] PreTrain, int[] OldTest, int[] FineTune, int[] NewTest)
{
    /// <summary>
    /// Splits <paramref name="data"/> class by class after a shuffle seeded by <paramref name="seed"/>: per class,
    /// <paramref name="fineTunePerClass"/> images to fine-tune on, then a quarter of the rest for each test set,
    /// and what remains to pre-train on.
    /// </summary>
    public static FineTuneSplit Make(IReadOnlyList<Digit> data, int fineTunePerClass, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        int[] order = Enumerable.Range(0, data.Count).ToArray();
        new Random(seed).Shuffle(order);
        List<int> preTrain = [], oldTest = [], fineTune = [], newTest = [];
        foreach (IGrouping<int, int> group in order.GroupBy(i => data[i].Label).OrderBy(g => g.Key))
        {
            int[] rows = [.. group];
            if (rows.Length < fineTunePerClass + 3)
            {
                throw new DemoException($"digit {group.Key} has {rows.Length} images: too few for {fineTunePerClass} fine-tuning samples and three more sets");
            }

            int quarter = (rows.Length - fineTunePerClass) / 4;
            fineTune.AddRange(rows[..fineTunePerClass]);
            oldTest.AddRange(rows[fineTunePerClass..(fineTunePerClass + quarter)]);
            newTest.AddRange(rows[(fineTunePerClass + quarter)..(fineTunePerClass + (2 * quarter))]);
            preTrain.AddRange(rows[(fineTunePerClass + (2 * quarter))..]);
        }

        return new FineTuneSplit([.. preTrain], [.. oldTest], [.. fineTune], [.. newTest]);
    }

    /// <summary>The images at <paramref name="rows"/>, moved by (<paramref name="dx"/>, <paramref name="dy"/>) pixels.</summary>
    public static Digit[] View(IReadOnlyList<Digit> data, int[] rows, int dx, int dy)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Select(i => dx == 0 && dy == 0 ? data[i] : DigitShift.Shift(data[i], dx, dy)).ToArray();
    }
}
