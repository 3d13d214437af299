using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests.Checkpoints.Fuzzing;

/// <summary>An oracle's verdict failed: the message says which and why.</summary>
internal sealed class FuzzFailureException : Exception
{
    public FuzzFailureException(string message)
        : base(message)
    {
    }

    public FuzzFailureException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Layout hashes, read once per configuration (the one value of the format the fuzzer takes from the generated code).</summary>
internal static class FuzzLive
{
    private static readonly ulong[] s_hashes = CreateHashes();

    public static ulong Hash(FuzzConfig config) => s_hashes[config.Index];

    private static ulong[] CreateHashes()
    {
        var hashes = new ulong[FuzzTargets.Configs.Length];
        foreach (FuzzConfig config in FuzzTargets.Configs)
        {
            var optimizer = new FuzzOptimizer(config);
            hashes[config.Index] = optimizer.LayoutHash;
            if (optimizer.CheckpointBytes != config.Length)
            {
                throw new InvalidOperationException($"{config.Name}: CheckpointBytes is {optimizer.CheckpointBytes}, the format gives {config.Length}.");
            }
        }

        return hashes;
    }
}

/// <summary>
/// A live model and optimizer that every input is loaded into, trained into a non-trivial state, with what it held
/// before: its parameters, gradients and checkpoint bytes.
/// </summary>
internal sealed class FuzzLiveTarget
{
    public FuzzLiveTarget(FuzzConfig config)
    {
        var spec = new TrainSpec(
            new FuzzHyper(0.01f, 0.9f, 0f, 0.8f, 0.99f, 1e-6f, 0.05f, 0f, Nesterov: true, SkipNonFiniteSteps: true, ScheduleCoupled: false),
            Steps: 3,
            DataSeed: 1000 + config.Index,
            NonFiniteStep: true);
        Optimizer = FuzzSources.Materialize(config, spec).Optimizer;
        Baseline = Optimizer.Save();
        Parameters = (float[])Optimizer.Parameters.Clone();
        Gradients = (float[])Optimizer.Gradients.Clone();
        Scratch = new byte[Baseline.Length];
    }

    public FuzzOptimizer Optimizer { get; }

    public byte[] Baseline { get; }

    public float[] Parameters { get; }

    public float[] Gradients { get; }

    public byte[] Scratch { get; }
}

/// <summary>
/// The oracles, applied to every input: (1) the loader throws only what is documented, and exactly what the
/// reference model (<see cref="CheckpointModel"/>) and the generator's own declaration say; (2) when it throws, the
/// live model and optimizer are bit-for-bit as before (parameters, gradients, and a checkpoint of the optimizer);
/// (3) when it loads, the state is finite, gradients are untouched, a save gives back the input (sequence number
/// aside), that save loads again, a load from an array allocated nothing, and an unmutated checkpoint steps on
/// exactly as the optimizer that saved it.
/// </summary>
internal sealed class FuzzOracle
{
    public const string Accepted = "Accepted";

    private readonly FuzzLiveTarget?[] _targets = new FuzzLiveTarget?[FuzzTargets.Configs.Length];

    public FuzzLiveTarget Target(FuzzConfig config) => _targets[config.Index] ??= new FuzzLiveTarget(config);

    /// <summary>Rebuilds the live target of <paramref name="config"/> (after a failure may have changed it).</summary>
    public void Reset(FuzzConfig config) => _targets[config.Index] = null;

    /// <summary>Loads the input and applies every oracle; returns the outcome ("Accepted", an error, an exception type).</summary>
    public string Check(FuzzCase input)
    {
        FuzzLiveTarget live = Target(input.Target);
        try
        {
            return CheckCore(input, live);
        }
        catch
        {
            Reset(input.Target);
            throw;
        }
    }

    private static string CheckCore(FuzzCase input, FuzzLiveTarget live)
    {
        FuzzOptimizer optimizer = live.Optimizer;
        Type? argumentError = input.Entry switch
        {
            FuzzEntry.Null => typeof(ArgumentNullException),
            FuzzEntry.Slice when input.Offset < 0 || input.Offset > input.Bytes.Length => typeof(ArgumentOutOfRangeException),
            FuzzEntry.Slice when input.Count < 0 || input.Count > input.Bytes.Length - input.Offset => typeof(ArgumentOutOfRangeException),
            _ => null,
        };
        CheckpointError expected = argumentError is null
            ? CheckpointModel.Expected(input.Target, FuzzLive.Hash(input.Target), input.Seen(ReadLength(optimizer, input)), input.Authenticated ? FuzzKeys.Key : null, input.Authenticated ? input.Minimum ?? 0 : null)
            : CheckpointError.None;
        if (argumentError is null && input.Declared is { } declared && declared != expected)
        {
            throw new FuzzFailureException($"The generator declares {declared} but the reference model expects {expected}: one of the two is wrong.");
        }

        Exception? thrown = null;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            Invoke(optimizer, input);
        }
        catch (Exception e)
        {
            thrown = e;
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        if (argumentError is not null)
        {
            if (thrown is null || thrown.GetType() != argumentError)
            {
                throw Failure($"expected {argumentError.Name}", thrown);
            }

            RequireUnchanged(live, thrown);
            return argumentError.Name;
        }

        if (expected == CheckpointError.None)
        {
            if (thrown is not null)
            {
                throw Failure("a loadable checkpoint was refused", thrown);
            }

            if (allocated != 0 && input.Entry is FuzzEntry.Array or FuzzEntry.Slice)
            {
                RequireNoAllocation(live, input, allocated);
            }

            RequireLoaded(live, input);
            return Accepted;
        }

        if (thrown is null)
        {
            throw new FuzzFailureException($"The loader accepted an input the format refuses with {expected}.");
        }

        if (thrown is not CheckpointException refusal || refusal.GetType() != ExceptionType(expected) || refusal.Error != expected)
        {
            throw Failure($"expected {ExceptionType(expected).Name} with Error {expected}", thrown);
        }

        RequireUnchanged(live, thrown);
        return expected.ToString();
    }

    /// <summary>
    /// Loads that allocated although the loader allocates nothing: the runtime's tiered compilation occasionally
    /// allocates on the thread that happens to call a method when it is promoted (dotnet/BenchmarkDotNet#1542).
    /// </summary>
    public static long TransientAllocations => Interlocked.Read(ref s_transientAllocations);

    private static long s_transientAllocations;

    /// <summary>
    /// A load from an array is documented to allocate nothing. A non-zero measurement is repeated from the same
    /// state (the baseline, then the same input) up to three times: only an allocation that happens every time is the
    /// loader's; one that goes away was the runtime's (see <see cref="TransientAllocations"/>).
    /// </summary>
    private static void RequireNoAllocation(FuzzLiveTarget live, FuzzCase input, long allocated)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            live.Optimizer.Load(live.Baseline, 0, live.Baseline.Length);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Invoke(live.Optimizer, input);
            if (GC.GetAllocatedBytesForCurrentThread() - before == 0)
            {
                Interlocked.Increment(ref s_transientAllocations);
                return;
            }
        }

        throw new FuzzFailureException($"A successful load from an array allocated {allocated} bytes, and again on each of 3 repeats; it is documented to allocate nothing.");
    }

    /// <summary>The documented exception type of each error.</summary>
    public static Type ExceptionType(CheckpointError error) => error switch
    {
        CheckpointError.BadMagic or CheckpointError.UnsupportedVersion => typeof(CheckpointFormatException),
        CheckpointError.Truncated => typeof(CheckpointTruncatedException),
        CheckpointError.Corrupt => typeof(CheckpointCorruptException),
        CheckpointError.OptimizerMismatch or CheckpointError.LayoutMismatch => typeof(CheckpointMismatchException),
        CheckpointError.InvalidValue => typeof(CheckpointValueException),
        CheckpointError.NotAuthentic => typeof(CheckpointAuthenticationException),
        CheckpointError.RolledBack => typeof(CheckpointRollbackException),
        _ => typeof(CheckpointNotFoundException),
    };

    /// <summary>The bytes a stream load reads: the checkpoint's length, sealed when the loader authenticates.</summary>
    private static int ReadLength(FuzzOptimizer optimizer, FuzzCase input) => optimizer.CheckpointBytes + (input.Authenticated ? CheckpointKey.TagBytes : 0);

    private static void Invoke(FuzzOptimizer optimizer, FuzzCase input)
    {
        if (input.Authenticated)
        {
            InvokeAuthenticated(optimizer, input, FuzzKeys.CheckpointKey, input.Minimum ?? 0);
            return;
        }

        switch (input.Entry)
        {
            case FuzzEntry.Array:
                optimizer.Load(input.Bytes, 0, input.Bytes.Length);
                break;
            case FuzzEntry.Slice:
                optimizer.Load(input.Bytes, input.Offset, input.Count);
                break;
            case FuzzEntry.Null:
                optimizer.Load(null!, input.Offset, input.Count);
                break;
            case FuzzEntry.Stream:
                using (var stream = new MemoryStream(input.Bytes, writable: false))
                {
                    optimizer.Load(stream);
                }

                break;
            default:
                using (var stream = new TrickleStream(input.Bytes))
                {
                    optimizer.Load(stream);
                }

                break;
        }
    }

    private static void InvokeAuthenticated(FuzzOptimizer optimizer, FuzzCase input, CheckpointKey key, ulong minimum)
    {
        switch (input.Entry)
        {
            case FuzzEntry.Array:
                optimizer.LoadSealed(input.Bytes, 0, input.Bytes.Length, key, minimum);
                break;
            case FuzzEntry.Slice:
                optimizer.LoadSealed(input.Bytes, input.Offset, input.Count, key, minimum);
                break;
            case FuzzEntry.Null:
                optimizer.LoadSealed(null!, input.Offset, input.Count, key, minimum);
                break;
            case FuzzEntry.Stream:
                using (var stream = new MemoryStream(input.Bytes, writable: false))
                {
                    optimizer.LoadSealed(stream, key, minimum);
                }

                break;
            default:
                using (var stream = new TrickleStream(input.Bytes))
                {
                    optimizer.LoadSealed(stream, key, minimum);
                }

                break;
        }
    }

    private static void RequireUnchanged(FuzzLiveTarget live, Exception? thrown)
    {
        FuzzOptimizer optimizer = live.Optimizer;
        string? change = !BitEqual(optimizer.Parameters, live.Parameters) ? "its parameters"
            : !BitEqual(optimizer.Gradients, live.Gradients) ? "its gradients"
            : null;
        if (change is null)
        {
            optimizer.Save(live.Scratch, 0);
            change = live.Scratch.AsSpan().SequenceEqual(live.Baseline) ? null : "its checkpoint (optimizer state, step counts, hyperparameters or options)";
        }

        if (change is not null)
        {
            throw Failure($"the load threw but changed the live model: {change} differ from before", thrown);
        }
    }

    private static void RequireLoaded(FuzzLiveTarget live, FuzzCase input)
    {
        FuzzOptimizer optimizer = live.Optimizer;
        foreach (float p in optimizer.Parameters)
        {
            if (!float.IsFinite(p))
            {
                throw new FuzzFailureException("The load succeeded but left a non-finite parameter.");
            }
        }

        if (!BitEqual(optimizer.Gradients, live.Gradients))
        {
            throw new FuzzFailureException("The load succeeded but changed the gradients.");
        }

        byte[] saved;
        try
        {
            saved = optimizer.Save();
        }
        catch (Exception e)
        {
            throw new FuzzFailureException("The load succeeded but the loaded state cannot be saved again.", e);
        }

        byte[] canonical = CheckpointModel.Canonical(input.Target, input.Seen(ReadLength(optimizer, input)));
        if (!saved.AsSpan().SequenceEqual(canonical))
        {
            int at = 0;
            while (saved[at] == canonical[at])
            {
                at++;
            }

            throw new FuzzFailureException($"A save after the load differs from the loaded checkpoint (sequence number and CRCs aside) first at byte {at}.");
        }

        try
        {
            optimizer.Load(saved, 0, saved.Length);
        }
        catch (Exception e)
        {
            throw new FuzzFailureException("A checkpoint saved right after a load does not load again.", e);
        }

        if (!optimizer.Save().AsSpan().SequenceEqual(saved))
        {
            throw new FuzzFailureException("Saving, loading and saving again changes the checkpoint.");
        }

        if (input.Twin is { } twin)
        {
            // The optimizer that saved the checkpoint and the one that loaded it step on bit-identically.
            var random = new Random(input.Bytes.Length);
            FuzzSources.Fill(random, twin.Gradients, 1f);
            twin.Gradients.CopyTo(optimizer.Gradients, 0);
            twin.Step();
            optimizer.Step();
            if (!BitEqual(optimizer.Parameters, twin.Parameters) || !optimizer.Save().AsSpan().SequenceEqual(twin.Save()))
            {
                throw new FuzzFailureException("After loading an unmutated checkpoint, a step differs from the same step of the optimizer that saved it.");
            }

            live.Gradients.CopyTo(optimizer.Gradients, 0);
        }

        // Back to the baseline for the next input, through the loader itself.
        optimizer.Load(live.Baseline, 0, live.Baseline.Length);
        RequireUnchanged(live, null);
    }

    private static bool BitEqual(float[] a, float[] b) =>
        MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan()));

    private static FuzzFailureException Failure(string what, Exception? thrown) => thrown is null
        ? new FuzzFailureException($"The loader returned normally; {what}.")
        : new FuzzFailureException($"The loader threw {thrown.GetType().FullName}: {thrown.Message}; {what}.", thrown);

    /// <summary>A stream that returns one to seven bytes per read, as a socket or a slow flash driver may.</summary>
    private sealed class TrickleStream : Stream
    {
        private readonly byte[] _bytes;
        private int _position;

        public TrickleStream(byte[] bytes) => _bytes = bytes;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 1 + (_position % 7)), _bytes.Length - _position);
            Array.Copy(_bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
