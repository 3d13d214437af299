using System.Linq;

namespace WeightDecay.Edge.Demo.Tests;

public class CrossValidationTests
{
    [Theory]
    [InlineData(200, 5)]
    [InlineData(47, 3)]
    [InlineData(10, 10)]
    public void KFold_splits_partition_the_data(int count, int k)
    {
        Fold[] folds = CrossValidation.KFold(count, k, seed: 3);

        Assert.Equal(k, folds.Length);
        // Every index is validated on exactly once...
        Assert.Equal(Enumerable.Range(0, count), folds.SelectMany(f => f.Validation).Order());
        foreach (Fold fold in folds)
        {
            // ...and each fold trains on exactly the others.
            Assert.Empty(fold.Train.Intersect(fold.Validation));
            Assert.Equal(Enumerable.Range(0, count), fold.Train.Concat(fold.Validation).Order());
        }

        int[] sizes = folds.Select(f => f.Validation.Length).ToArray();
        Assert.True(sizes.Max() - sizes.Min() <= 1);
    }

    [Fact]
    public void KFold_is_deterministic_in_the_seed_and_shuffles()
    {
        Fold[] a = CrossValidation.KFold(100, 5, seed: 1);
        Fold[] b = CrossValidation.KFold(100, 5, seed: 1);
        Fold[] c = CrossValidation.KFold(100, 5, seed: 2);

        Assert.Equal(a.SelectMany(f => f.Validation), b.SelectMany(f => f.Validation));
        Assert.NotEqual(a.SelectMany(f => f.Validation), c.SelectMany(f => f.Validation));
        Assert.NotEqual(Enumerable.Range(0, 20), a[0].Validation);
    }

    [Fact]
    public void KFold_rejects_impossible_fold_counts()
    {
        Assert.Equal("cannot make 6 folds from 5 samples", Assert.Throws<DemoException>(() => CrossValidation.KFold(5, 6, 1)).Message);
    }

    [Fact]
    public void The_training_subset_is_balanced_and_disjoint_from_the_held_out_set()
    {
        Digit[] data = DigitsData.Load(Rows.ShippedDataPath);

        (Digit[] train, Digit[] heldOut) = CrossValidation.StratifiedSplit(data, 200, seed: 1);

        Assert.Equal(200, train.Length);
        Assert.Equal(data.Length - 200, heldOut.Length);
        Assert.Empty(train.Intersect(heldOut));
        Assert.All(train.GroupBy(d => d.Label), g => Assert.Equal(20, g.Count()));
    }
}
