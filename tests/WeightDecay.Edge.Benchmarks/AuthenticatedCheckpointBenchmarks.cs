using System;
using BenchmarkDotNet.Attributes;

namespace WeightDecay.Edge.Benchmarks;

/// <summary>
/// The cost of sealing: an AdamW checkpoint of the digits MLP (2,410 parameters) written and loaded
/// unsealed (format version 1, two CRC-32s) and sealed with HMAC-SHA256 under a 32-byte key
/// (version 2: the tag over header and payload, checked before any value is read).
/// </summary>
[MemoryDiagnoser]
public class AuthenticatedCheckpointBenchmarks
{
    private readonly Digits2410.AdamWOptimizer _optimizer = new(new Digits2410());
    private readonly CheckpointKey _key = new(KeyBytes());
    private byte[] _unsealed = [];
    private byte[] _sealed = [];
    private int _sealedCount;

    /// <summary>A trained-looking optimizer and one checkpoint of each kind.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        for (int i = 0; i < Digits2410.ParameterCount; i++)
        {
            _optimizer.Model.Parameters[i] = (float)(random.NextDouble() - 0.5);
            _optimizer.Model.Gradients[i] = (float)(random.NextDouble() - 0.5);
        }

        _optimizer.Step();
        _optimizer.Step();
        _unsealed = new byte[_optimizer.CheckpointBytes];
        _sealed = new byte[Digits2410.AdamWOptimizer.MaxSealedCheckpointBytes];
        _optimizer.SaveCheckpoint(_unsealed, 0);
        _sealedCount = _optimizer.SaveCheckpoint(_sealed, 0, _key, 1);
    }

    /// <summary>SaveCheckpoint(byte[], int): header, payload, two CRC-32s.</summary>
    [Benchmark(Baseline = true)]
    public int SaveUnsealed() => _optimizer.SaveCheckpoint(_unsealed, 0);

    /// <summary>SaveCheckpoint(byte[], int, key, sequence): the same, plus HMAC-SHA256 over header and payload.</summary>
    [Benchmark]
    public int SaveSealed() => _optimizer.SaveCheckpoint(_sealed, 0, _key, 1);

    /// <summary>LoadCheckpoint(byte[], int, int): every check, then the commit.</summary>
    [Benchmark]
    public void LoadUnsealed() => _optimizer.LoadCheckpoint(_unsealed, 0, _unsealed.Length);

    /// <summary>LoadCheckpoint(byte[], int, int, key, minimumSequence): the tag first, then every check, then the commit.</summary>
    [Benchmark]
    public void LoadSealed() => _optimizer.LoadCheckpoint(_sealed, 0, _sealedCount, _key, 0);

    private static byte[] KeyBytes()
    {
        byte[] key = new byte[32];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(i * 7 + 1);
        }

        return key;
    }
}
