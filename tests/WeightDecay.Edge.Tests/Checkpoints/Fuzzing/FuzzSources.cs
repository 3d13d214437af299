using System;
using CsCheck;

namespace WeightDecay.Edge.Tests.Checkpoints.Fuzzing;

/// <summary>How to train an optimizer before saving it: hyperparameters and options, steps, and the data's seed.</summary>
internal sealed record TrainSpec(FuzzHyper Hyper, int Steps, int DataSeed, bool NonFiniteStep)
{
    public override string ToString() =>
        $"train(lr {Hyper.LearningRate:R}, momentum {Hyper.Momentum:R}, dampening {Hyper.Dampening:R}, betas ({Hyper.Beta1:R}, {Hyper.Beta2:R}), "
        + $"eps {Hyper.Epsilon:R}, wd {Hyper.WeightDecay:R}, max_norm {Hyper.MaxGradientNorm:R}, nesterov {Hyper.Nesterov}, "
        + $"skip {Hyper.SkipNonFiniteSteps}, schedule-coupled {Hyper.ScheduleCoupled}, {Steps} steps, data {DataSeed}, non-finite step {NonFiniteStep})";
}

/// <summary>A valid checkpoint to start from: a configuration and how it was trained.</summary>
internal sealed record SourceSpec(FuzzConfig Config, TrainSpec Train)
{
    public override string ToString() => $"{Config.Name} {Train}";
}

/// <summary>Valid checkpoints of optimizers trained a few random steps with random hyperparameters and options.</summary>
internal static class FuzzSources
{
    /// <summary>Zero often, else a range: the hyperparameters a user sets, all accepted by the setters.</summary>
    public static readonly Gen<FuzzHyper> Hyper = Gen.Select(
        Gen.Frequency((1, Gen.Const(0f)), (6, Gen.Float[1e-4f, 0.1f])),
        Gen.Frequency((2, Gen.Const(0f)), (3, Gen.Float[0.05f, 0.99f])),
        Gen.Frequency((3, Gen.Const(0f)), (1, Gen.Float[-0.5f, 0.9f])),
        Gen.Frequency((1, Gen.Const(0f)), (3, Gen.Float[0f, 0.95f]), (1, Gen.Const(0.99999994f))),
        Gen.Frequency((1, Gen.Const(0f)), (3, Gen.Float[0.5f, 0.9999f]), (1, Gen.Const(0.99999994f))),
        Gen.Float[1e-8f, 1e-3f],
        Gen.Frequency((1, Gen.Const(0f)), (3, Gen.Float[0f, 0.2f])),
        Gen.Frequency((2, Gen.Const(0f)), (1, Gen.Float[0.05f, 5f])),
        (lr, momentum, dampening, beta1, beta2, eps, wd, maxNorm) => (lr, momentum, dampening, beta1, beta2, eps, wd, maxNorm))
        .Select(Gen.Int[0, 7], (h, flags) => new FuzzHyper(
            h.lr, h.momentum, h.dampening, h.beta1, h.beta2, h.eps, h.wd, h.maxNorm,
            Nesterov: (flags & 1) != 0, SkipNonFiniteSteps: (flags & 2) != 0, ScheduleCoupled: (flags & 4) != 0));

    public static readonly Gen<TrainSpec> Train = Gen.Select(Hyper, Gen.Int[0, 4], Gen.Int, Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true))),
        (hyper, steps, seed, nonFinite) => new TrainSpec(hyper, steps, seed, nonFinite));

    /// <summary>A configuration, weighted by layout (the digits MLP's large checkpoints less often).</summary>
    public static readonly Gen<FuzzConfig> Config = Gen.Int[0, FuzzTargets.WeightedConfigs.Length - 1]
        .Select(i => FuzzTargets.Configs[FuzzTargets.WeightedConfigs[i]]);

    public static readonly Gen<SourceSpec> Source = Gen.Select(Config, Train, (config, train) => new SourceSpec(config, train));

    /// <summary>Trains an optimizer as <paramref name="spec"/> says and returns it with its checkpoint.</summary>
    public static (FuzzOptimizer Optimizer, byte[] Bytes) Materialize(SourceSpec spec) => Materialize(spec.Config, spec.Train);

    public static (FuzzOptimizer Optimizer, byte[] Bytes) Materialize(FuzzConfig config, TrainSpec train)
    {
        var optimizer = new FuzzOptimizer(config);
        optimizer.Configure(train.Hyper);
        var random = new Random(train.DataSeed);
        Fill(random, optimizer.Parameters, 2f);
        for (int step = 0; step < train.Steps; step++)
        {
            Fill(random, optimizer.Gradients, 1f);
            if (train.NonFiniteStep && train.Hyper.SkipNonFiniteSteps && step == train.Steps - 1)
            {
                // A skipped step: SkippedStepCount goes up, nothing else changes.
                optimizer.Gradients[random.Next(optimizer.Gradients.Length)] = float.NaN;
            }

            optimizer.Step();
        }

        // Gradients are not saved; leave them non-zero so a load that touched them would show.
        Fill(random, optimizer.Gradients, 1f);
        return (optimizer, optimizer.Save());
    }

    public static void Fill(Random random, float[] values, float scale)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2.0) - 1.0) * scale;
        }
    }

    /// <summary>Deterministic filler bytes (for garbage around a slice, random extensions).</summary>
    public static byte[] Garbage(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
