using System.Linq;
using CsCheck;
using WeightDecay.Edge;
using Xunit.Abstractions;

namespace WeightDecay.Edge.Tests.Checkpoints.Fuzzing;

/// <summary>
/// Fuzzing of LoadCheckpoint (issue 6 item 4, issue 12 item 4; docs/fuzzing.md): 110,000 inputs per run into the loader
/// without a key over five strategies, and 100,000 into the authenticating loader (strategy f), over four layouts and all
/// three optimizers, each checked by <see cref="FuzzOracle"/>. The seed is fixed unless
/// WDE_FUZZ_SEED is set; WDE_FUZZ_ITERATIONS sets the total for long local runs.
/// </summary>
public sealed class CheckpointLoaderFuzzTests
{
    private readonly ITestOutputHelper _output;

    public CheckpointLoaderFuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void The_default_run_loads_at_least_100000_inputs() =>
        Assert.True(FuzzSettings.DefaultTotal >= 100_000, $"{FuzzSettings.DefaultTotal} inputs per run");

    [Fact]
    public void A_random_bytes_are_refused_with_documented_exceptions_only()
    {
        FuzzReport report = Run("a-random", 1, FuzzStrategies.Random());
        Covers(report, report.Outcome(nameof(CheckpointError.BadMagic)) > 0, "random bytes are not checkpoints");
        Covers(report, report.Outcome(nameof(CheckpointError.Corrupt)) > 0, "random bytes after \"WDEC\" and version 1 reach the header's CRC");
    }

    [Fact]
    public void B_mutated_checkpoints_are_refused_or_load_intact()
    {
        FuzzReport report = Run("b-mutated", 2, FuzzStrategies.Mutated());
        Covers(report, report.Outcome(nameof(CheckpointError.Corrupt)) > report.Inputs / 4, "most mutations are caught by a CRC");
        Covers(report, report.Outcome(nameof(CheckpointError.Truncated)) > 0, "cuts are truncations");
        Covers(report, report.Outcome(FuzzOracle.Accepted) > 0, "extensions and no-op mutations load");
    }

    [Fact]
    public void C_resealed_mutations_reach_the_checks_of_values()
    {
        FuzzReport report = Run("c-resealed", 3, FuzzStrategies.Resealed());

        // Re-sealing is what gets past the CRCs: many inputs must meet the value and header-field checks.
        Covers(report, report.Outcome(nameof(CheckpointError.InvalidValue)) > report.Inputs / 8, "re-sealed inputs are refused for their values");
        Covers(report, report.Outcome(FuzzOracle.Accepted) > report.Inputs / 20, "re-sealed inputs with valid values load");
        Covers(report, report.Outcome(nameof(CheckpointError.LayoutMismatch)) > 0, "re-sealed hashes and counts are layout mismatches");
        Covers(report, report.Outcome(nameof(CheckpointError.OptimizerMismatch)) > 0, "re-sealed kinds and flags are optimizer mismatches");
        Covers(report, report.Outcome(nameof(CheckpointError.UnsupportedVersion)) > 0, "re-sealed versions are unsupported");
        Covers(report, report.Outcome(nameof(CheckpointError.Corrupt)) > 0, "changes not re-sealed are corrupt");
    }

    [Fact]
    public void D_checkpoints_of_other_configurations_are_refused_as_mismatches()
    {
        FuzzReport report = Run("d-foreign", 4, FuzzStrategies.Foreign());
        Covers(report, report.Outcome(nameof(CheckpointError.OptimizerMismatch)) > 0, "other optimizers and state flags are optimizer mismatches");
        Covers(report, report.Outcome(nameof(CheckpointError.LayoutMismatch)) > 0, "other layouts are layout mismatches");
    }

    [Fact]
    public void E_offsets_counts_null_and_streams_are_checked()
    {
        FuzzReport report = Run("e-arguments", 5, FuzzStrategies.Arguments());
        Covers(report, report.Outcome(nameof(System.ArgumentOutOfRangeException)) > 0, "offsets and counts outside the array are refused");
        Covers(report, report.Outcome(nameof(System.ArgumentNullException)) > 0, "a null array is refused");
        Covers(report, report.Outcome(FuzzOracle.Accepted) > report.Inputs / 5, "exact and generous slices and streams load");
    }

    [Fact]
    public void The_default_run_loads_at_least_100000_inputs_into_the_authenticating_loader() =>
        Assert.True(FuzzSettings.DefaultIterations["f-authenticated"] >= 100_000);

    [Fact]
    public void F_the_authenticating_loader_refuses_every_forgery_replay_and_unsealed_input()
    {
        FuzzReport report = Run("f-authenticated", 6, FuzzStrategies.Authenticated());
        Covers(report, report.Outcome(nameof(CheckpointError.NotAuthentic)) > report.Inputs / 3, "forgeries, other keys and unsealed inputs are not authentic");
        Covers(report, report.Outcome(nameof(CheckpointError.RolledBack)) > report.Inputs / 20, "replays below the minimum are rolled back");
        Covers(report, report.Outcome(FuzzOracle.Accepted) > report.Inputs / 10, "genuine sealed checkpoints load");
        Covers(report, report.Outcome(nameof(CheckpointError.Corrupt)) > 0, "raw mutations are caught by a CRC first");
    }

    /// <summary>
    /// The coverage assertions of each strategy (what share of its inputs reach which check) hold with a wide margin
    /// for the default counts; below 5,000 inputs (a short WDE_FUZZ_ITERATIONS) chance could break them, so they are
    /// skipped there. The oracles apply to every input regardless.
    /// </summary>
    private static void Covers(FuzzReport report, bool condition, string what)
    {
        if (report.Inputs >= 5_000)
        {
            Assert.True(condition, $"{report.Strategy}: {what}\n{report}");
        }
    }

    private FuzzReport Run(string strategy, uint stream, Gen<FuzzCase> gen)
    {
        FuzzReport report = FuzzRunner.Run(strategy, stream, gen, FuzzSettings.Iterations(strategy));
        _output.WriteLine(report.ToString());
        Assert.Equal(FuzzSettings.Iterations(strategy), report.Inputs);
        return report;
    }
}

/// <summary>Replays every input of Checkpoints/Fuzzing/Regressions/ through the same oracles, and checks its expected outcome.</summary>
public sealed class CheckpointFuzzRegressionTests
{
    public static TheoryData<string> Files()
    {
        var files = new TheoryData<string>();
        foreach (string name in FuzzRegression.Names())
        {
            files.Add(name);
        }

        return files;
    }

    [Fact]
    public void The_corpus_is_not_empty() => Assert.True(FuzzRegression.Names().Count() >= 5);

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_saved_input_gives_its_recorded_outcome(string file)
    {
        (FuzzCase input, string expect) = FuzzRegression.Parse(file, FuzzRegression.Read(file));
        string outcome = new FuzzOracle().Check(input);
        Assert.Equal(expect, outcome);
    }
}
