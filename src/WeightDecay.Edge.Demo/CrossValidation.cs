namespace WeightDecay.Edge.Demo;

/// <summary>One fold: the indices trained on and the indices validated on.</summary>
internal sealed record Fold(int Index, int[] Train, int[] Validation);

/// <summary>Data splits: the stratified training subset and held-out set, and k-fold cross-validation.</summary>
internal static class CrossValidation
{
    /// <summary>
    /// Splits <paramref name="data"/> into a training subset of <paramref name="trainSize"/> samples,
    /// as balanced over the classes as the data allows, and the rest (held out). Deterministic in
    /// <paramref name="seed"/>.
    /// </summary>
    public static (Digit[] Train, Digit[] HeldOut) StratifiedSplit(IReadOnlyList<Digit> data, int trainSize, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (trainSize <= 0 || trainSize >= data.Count)
        {
            throw new DemoException($"--train-size {trainSize} must be between 1 and {data.Count - 1} for a data file of {data.Count} rows");
        }

        int[] order = Enumerable.Range(0, data.Count).ToArray();
        new Random(seed).Shuffle(order);
        var byClass = order.GroupBy(i => data[i].Label).OrderBy(g => g.Key).Select(g => new Queue<int>(g)).ToList();
        var chosen = new HashSet<int>();
        while (chosen.Count < trainSize)
        {
            foreach (Queue<int> queue in byClass)
            {
                if (chosen.Count < trainSize && queue.Count > 0)
                {
                    chosen.Add(queue.Dequeue());
                }
            }
        }

        Digit[] train = order.Where(chosen.Contains).Select(i => data[i]).ToArray();
        Digit[] heldOut = order.Where(i => !chosen.Contains(i)).Select(i => data[i]).ToArray();
        return (train, heldOut);
    }

    /// <summary>
    /// k folds over <paramref name="count"/> samples: a seeded shuffle cut into k contiguous parts whose
    /// sizes differ by at most one. Each index is validated on in exactly one fold and trained on in the others.
    /// </summary>
    public static Fold[] KFold(int count, int k, int seed)
    {
        if (k < 2 || k > count)
        {
            throw new DemoException($"cannot make {k} folds from {count} samples");
        }

        int[] order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        var folds = new Fold[k];
        int start = 0;
        for (int f = 0; f < k; f++)
        {
            int size = (count / k) + (f < count % k ? 1 : 0);
            int[] validation = order[start..(start + size)];
            int[] train = [.. order[..start], .. order[(start + size)..]];
            folds[f] = new Fold(f, train, validation);
            start += size;
        }

        return folds;
    }

    /// <summary>The samples at <paramref name="indices"/>.</summary>
    public static Digit[] Select(IReadOnlyList<Digit> data, int[] indices) => indices.Select(i => data[i]).ToArray();
}
