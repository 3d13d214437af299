using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace WeightDecay.Edge.Benchmarks;

/// <summary>
/// The cost of sealing: an AdamW checkpoint of the digits MLP (2,410 parameters) written and loaded
/// unsealed (format version 1, two CRC-32s) and sealed with HMAC-SHA256 under a 32-byte key
/// (version 2: the tag over header and payload, checked before any value is read).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AuthenticatedCheckpointBenchmarks
{
    private readonly Digits2410.AdamWOptimizer _optimizer = new(new Digits2410());
    private readonly CheckpointKey _key = new(KeyBytes());
    private byte[] _unsealed = [];
    private byte[] _sealed = [];
    private int _sealedCount;
    private readonly byte[] _keyBytes = KeyBytes();
    private readonly byte[] _tag = new byte[32];
    private WeightDecay.Edge.Generated.HmacSha256 _hmac = null!;

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
        _hmac = new WeightDecay.Edge.Generated.HmacSha256(_keyBytes, 0, _keyBytes.Length);
    }

    /// <summary>SaveCheckpoint(byte[], int): header, payload, two CRC-32s.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Save")]
    public int SaveUnsealed() => _optimizer.SaveCheckpoint(_unsealed, 0);

    /// <summary>SaveCheckpoint(byte[], int, key, sequence): the same, plus HMAC-SHA256 over header and payload.</summary>
    [Benchmark, BenchmarkCategory("Save")]
    public int SaveSealed() => _optimizer.SaveCheckpoint(_sealed, 0, _key, 1);

    /// <summary>LoadCheckpoint(byte[], int, int): every check, then the commit.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Load")]
    public void LoadUnsealed() => _optimizer.LoadCheckpoint(_unsealed, 0, _unsealed.Length);

    /// <summary>LoadCheckpoint(byte[], int, int, key, minimumSequence): the tag first, then every check, then the commit.</summary>
    [Benchmark, BenchmarkCategory("Load")]
    public void LoadSealed() => _optimizer.LoadCheckpoint(_sealed, 0, _sealedCount, _key, 0);

    /// <summary>The tag alone over the unsealed checkpoint's bytes, with the shared C# 7.3 SHA-256 every target runs.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Tag")]
    public byte TagShared()
    {
        _hmac.Compute(_unsealed, 0, _unsealed.Length, _tag, 0);
        return _tag[0];
    }

    /// <summary>The same tag from System.Security.Cryptography (OpenSSL on Linux, SHA extensions where the CPU has them), for scale.</summary>
    [Benchmark, BenchmarkCategory("Tag")]
    public byte TagPlatform()
    {
        System.Security.Cryptography.HMACSHA256.HashData(_keyBytes, _unsealed, _tag);
        return _tag[0];
    }

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
