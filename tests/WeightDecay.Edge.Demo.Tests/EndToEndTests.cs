using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace WeightDecay.Edge.Demo.Tests;

/// <summary>Tests that swap the process-wide Console writers run one at a time.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection
{
}

[Collection(nameof(ConsoleCollection))]
public class EndToEndTests
{
    [Fact]
    public void A_tiny_run_prints_the_table_and_writes_the_plots()
    {
        using var folder = new TempFolder();
        var output = new StringWriter();

        int exit = Demo.Run(["--epochs", "2", "--folds", "2", "--train-size", "40", "--lambdas", "0,0.01", "--out", folder.Path, "--seed", "3"], output);

        string text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("| configuration   | λ      | train acc | train loss | held-out acc | held-out loss | ‖w‖₂  | (λ/2)·Σw² |", text, StringComparison.Ordinal);
        foreach (string row in new[] { "| SGD, no decay ", "| Adam, no decay ", "| SGD + L2 ", "| Adam + L2 ", "| AdamW " })
        {
            Assert.Contains(row, text, StringComparison.Ordinal);
        }

        // Redirected output: the progress bars print a start and an end line, no carriage returns.
        Assert.Contains("Cross-validating λ (2 folds, 2 epochs): 12 runs ...", text, StringComparison.Ordinal);
        Assert.Contains("Cross-validating λ (2 folds, 2 epochs): 12/12 done in", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', text);

        Assert.Equal(7, Plots.FileNames.Length);
        foreach (string name in Plots.FileNames)
        {
            string svg = File.ReadAllText(folder.File(name));
            Assert.True(svg.Length > 5000, $"{name} is {svg.Length} characters");
            Assert.StartsWith("<?xml", svg, StringComparison.Ordinal);
            Assert.Contains("<svg", svg, StringComparison.Ordinal);
            Assert.EndsWith("</svg>", svg.TrimEnd(), StringComparison.Ordinal);
        }

        string[] sweep = File.ReadAllLines(folder.File("sweep.csv"));
        Assert.Equal(1 + (3 * 2), sweep.Length);
        Assert.Equal(3, sweep.Count(line => line.EndsWith(",1", StringComparison.Ordinal)));
        Assert.Equal(1 + 5, File.ReadAllLines(folder.File("summary.csv")).Length);
        Assert.Equal(1 + (5 * 2), File.ReadAllLines(folder.File("curves.csv")).Length);
        string[] boundaries = File.ReadAllLines(folder.File("boundaries.csv"));
        Assert.Equal(1 + BoundaryExperiment.Grid.Length, boundaries.Length);
        Assert.Single(boundaries, line => line.EndsWith(",1", StringComparison.Ordinal));
        string[] fineTuning = File.ReadAllLines(folder.File("finetune.csv"));
        Assert.Equal(2 + FineTuneArm.All.Sum(a => a.Grid.Length), fineTuning.Length);
        Assert.Equal(FineTuneArm.All.Count, fineTuning.Count(line => line.EndsWith(",1", StringComparison.Ordinal)));
        string[] sparsity = File.ReadAllLines(folder.File("sparsity.csv"));
        Assert.Equal(1 + L1Layout.All.Count + 3, sparsity.Length);
        Assert.Single(sparsity, line => line.StartsWith("cv,", StringComparison.Ordinal) && line.EndsWith(",1", StringComparison.Ordinal));
        Assert.Equal(["run,none,", "run,L2,", "run,L1,"], sparsity[^3..].Select(line => line[..(line.IndexOf(',', 4) + 1)]));
        Assert.Contains("weight_histograms.svg", text, StringComparison.Ordinal);
        Assert.Contains("L1 vs L2 on HiddenWeight", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_seed_gives_the_same_numbers()
    {
        using var folder = new TempFolder();
        string[] args = ["--epochs", "2", "--folds", "2", "--train-size", "20", "--optimizer", "adamw", "--lambdas", "0.1", "--out", folder.Path];

        Assert.Equal(0, Demo.Run(args, new StringWriter()));
        string first = File.ReadAllText(folder.File("summary.csv"));
        Assert.Equal(0, Demo.Run(args, new StringWriter()));

        Assert.Equal(first, File.ReadAllText(folder.File("summary.csv")));
    }

    [Fact]
    public void Help_prints_the_usage_and_exits_0()
    {
        var output = new StringWriter();

        Assert.Equal(0, Demo.Run(["--help"], output));
        Assert.Contains("--lambdas L1,L2..", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error: unknown option '--nope' (see --help)", "--nope")]
    [InlineData("error: option --folds: 'two' is not an integer", "--folds", "two")]
    [InlineData("error: data file not found: /no/such/digits.csv.gz (pass --data PATH, or run from the repository, which ships data/digits.csv.gz)", "--data", "/no/such/digits.csv.gz")]
    public void The_program_prints_one_error_line_and_exits_2(string expected, params string[] args)
    {
        (int exit, string stdout, string stderr) = RunProgram(args);

        Assert.Equal(2, exit);
        Assert.Equal(expected + Environment.NewLine, stderr);
        Assert.Equal(string.Empty, stdout);
    }

    [Fact]
    public void A_malformed_data_file_exits_2_with_the_line_and_column()
    {
        using var folder = new TempFolder();
        string path = folder.WriteGzip("bad.csv.gz", Rows.Valid(1) + "\n" + Rows.Valid(2).Replace(",5,", ",x,", StringComparison.Ordinal) + "\n");

        (int exit, _, string stderr) = RunProgram(["--data", path]);

        Assert.Equal(2, exit);
        Assert.Equal($"error: {path}: line 2, column 3: 'x' is not an integer" + Environment.NewLine, stderr);
    }

    [Fact]
    public void Self_check_still_passes()
    {
        (int exit, string stdout, _) = RunProgram(["--self-check"]);

        Assert.Equal(0, exit);
        Assert.Contains("self-check passed", stdout, StringComparison.Ordinal);
    }

    /// <summary>Runs the demo's real entry point (top-level statements) with the console captured.</summary>
    private static (int Exit, string Stdout, string Stderr) RunProgram(string[] args)
    {
        MethodInfo main = typeof(Demo).Assembly.EntryPoint!;
        TextWriter oldOut = Console.Out, oldError = Console.Error;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int exit = (int)main.Invoke(null, [args])!;
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
