using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// The README's test command is what CI runs: .ci/run calls it as written, so the time the README
/// gives for it and the coverage CI reports are those of the same command.
/// </summary>
public class ContinuousIntegrationTests
{
    [Fact]
    public void Ci_runs_the_readmes_test_command_as_written()
    {
        string root = RepositoryRoot();
        Match block = Regex.Match(
            File.ReadAllText(Path.Combine(root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal),
            @"^```sh\n(.*?)^```",
            RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(block.Success, "README.md has no sh block.");
        string[] commands = block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('#')[0].Trim())
            .ToArray();
        Assert.True(commands.Length >= 2, "The README's first sh block has no second command.");
        string testCommand = commands[1];
        Assert.StartsWith("dotnet test ", testCommand, StringComparison.Ordinal);

        string[] ciLines = File.ReadAllLines(Path.Combine(root, ".ci", "run"));
        // The command itself, before any redirection or pipe: a line that adds an option is not it.
        string[] ciCommands = ciLines.Select(line => line.Split(new[] { " 2>&1", " |", " >" }, StringSplitOptions.None)[0].Trim()).ToArray();
        Assert.Contains(testCommand, ciCommands);
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}
