using System;
using BenchmarkDotNet.Attributes;

namespace WeightDecay.Edge.Benchmarks;

/// <summary>
/// Checkpoints of an AdamW optimizer (no AMSGrad): writing one into a byte array, loading one (all
/// checks, then the commit), and the two-slot protocol over in-memory slots, whose save reads and checks
/// both slots before it writes and whose load checks both and commits the newer. Bytes per checkpoint:
/// 88 + 12 · ParameterCount.
/// </summary>
[MemoryDiagnoser]
public class CheckpointBenchmarks
{
    private Func<byte[], int> _save = _ => 0;
    private Action<byte[]> _load = _ => { };
    private Func<ulong> _saveToSlots = () => 0;
    private Func<int> _loadFromSlots = () => 0;
    private byte[] _buffer = [];

    /// <summary>The layout, by its name in Layouts.cs.</summary>
    [Params("Tiny100", "Digits2410", "Dense64K", "Dense1M")]
    public string Model { get; set; } = "Digits2410";

    /// <summary>Builds a trained-looking optimizer, a checkpoint of it, and two slots holding two checkpoints.</summary>
    [GlobalSetup]
    public void Setup()
    {
        switch (Model)
        {
            case "Tiny100":
                Bind(new Tiny100.AdamWOptimizer(new Tiny100()), o => o.Model.Parameters, o => o.Model.Gradients, o => o.CheckpointBytes,
                    (o, b) => o.SaveCheckpoint(b, 0), (o, b) => o.LoadCheckpoint(b, 0, b.Length), (o, s, b) => o.SaveCheckpoint(s, b), (o, s, b) => o.LoadCheckpoint(s, b), o => o.Step());
                break;
            case "Digits2410":
                Bind(new Digits2410.AdamWOptimizer(new Digits2410()), o => o.Model.Parameters, o => o.Model.Gradients, o => o.CheckpointBytes,
                    (o, b) => o.SaveCheckpoint(b, 0), (o, b) => o.LoadCheckpoint(b, 0, b.Length), (o, s, b) => o.SaveCheckpoint(s, b), (o, s, b) => o.LoadCheckpoint(s, b), o => o.Step());
                break;
            case "Dense64K":
                Bind(new Dense64K.AdamWOptimizer(new Dense64K()), o => o.Model.Parameters, o => o.Model.Gradients, o => o.CheckpointBytes,
                    (o, b) => o.SaveCheckpoint(b, 0), (o, b) => o.LoadCheckpoint(b, 0, b.Length), (o, s, b) => o.SaveCheckpoint(s, b), (o, s, b) => o.LoadCheckpoint(s, b), o => o.Step());
                break;
            case "Dense1M":
                Bind(new Dense1M.AdamWOptimizer(new Dense1M()), o => o.Model.Parameters, o => o.Model.Gradients, o => o.CheckpointBytes,
                    (o, b) => o.SaveCheckpoint(b, 0), (o, b) => o.LoadCheckpoint(b, 0, b.Length), (o, s, b) => o.SaveCheckpoint(s, b), (o, s, b) => o.LoadCheckpoint(s, b), o => o.Step());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Model), Model, "Unknown layout.");
        }
    }

    /// <summary>SaveCheckpoint(byte[], int): header, payload, two CRC-32s.</summary>
    [Benchmark]
    public int Save() => _save(_buffer);

    /// <summary>LoadCheckpoint(byte[], int, int): every check, then the commit.</summary>
    [Benchmark]
    public void Load() => _load(_buffer);

    /// <summary>The two-slot save: read and check both slots, write the other one.</summary>
    [Benchmark]
    public ulong SaveToSlots() => _saveToSlots();

    /// <summary>The two-slot load: read and check both slots, read the newer again if needed, commit.</summary>
    [Benchmark]
    public int LoadFromSlots() => _loadFromSlots();

    private void Bind<TOptimizer>(
        TOptimizer optimizer,
        Func<TOptimizer, float[]> parameters,
        Func<TOptimizer, float[]> gradients,
        Func<TOptimizer, int> bytes,
        Func<TOptimizer, byte[], int> save,
        Action<TOptimizer, byte[]> load,
        Func<TOptimizer, ICheckpointStorage, byte[], ulong> saveToSlots,
        Func<TOptimizer, ICheckpointStorage, byte[], int> loadFromSlots,
        Action<TOptimizer> step)
    {
        var random = new Random(5);
        float[] p = parameters(optimizer);
        float[] g = gradients(optimizer);
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = (float)(random.NextDouble() - 0.5);
            g[i] = (float)(random.NextDouble() - 0.5);
        }

        step(optimizer);
        step(optimizer);
        _buffer = new byte[bytes(optimizer)];
        var storage = new MemorySlots(_buffer.Length);
        var scratch = new byte[_buffer.Length];
        save(optimizer, _buffer);
        saveToSlots(optimizer, storage, scratch);
        saveToSlots(optimizer, storage, scratch);
        _save = b => save(optimizer, b);
        _load = b => load(optimizer, b);
        _saveToSlots = () => saveToSlots(optimizer, storage, scratch);
        _loadFromSlots = () => loadFromSlots(optimizer, storage, scratch);
    }

    /// <summary>Two slots in RAM: the cost of the protocol itself, without a medium's.</summary>
    private sealed class MemorySlots(int slotBytes) : ICheckpointStorage
    {
        private readonly byte[][] _slots = [new byte[slotBytes], new byte[slotBytes]];

        public int SlotBytes => slotBytes;

        public void Read(int slot, int position, byte[] buffer, int offset, int count) =>
            Buffer.BlockCopy(_slots[slot], position, buffer, offset, count);

        public void Write(int slot, int position, byte[] buffer, int offset, int count) =>
            Buffer.BlockCopy(buffer, offset, _slots[slot], position, count);
    }
}
