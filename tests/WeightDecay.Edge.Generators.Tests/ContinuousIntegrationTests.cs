using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// The README's test command is what CI runs: .ci/run calls it as written, so the time the README
/// gives for it and the coverage CI reports are those of the same command; and what the command
/// leaves out to stay short, the net8.0 lane, .ci/run runs for every project that has one.
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

    [Fact]
    public void Ci_runs_on_net8_0_every_test_project_the_test_command_runs_on_net10_0_only()
    {
        // The test projects that take their frameworks from build/TestProject.props: net10.0, and net8.0 with TestNet8.
        string root = RepositoryRoot();
        string props = File.ReadAllText(Path.Combine(root, "build", "TestProject.props"));
        Assert.Contains("<TargetFrameworks>net10.0</TargetFrameworks>", props, StringComparison.Ordinal);
        Assert.Contains("<TargetFrameworks Condition=\"'$(TestNet8)' == 'true'\">net8.0;net10.0</TargetFrameworks>", props, StringComparison.Ordinal);
        string[] inheriting = new[] { "tests", "device" }
            .SelectMany(folder => Directory.GetFiles(Path.Combine(root, folder), "*.csproj", SearchOption.AllDirectories))
            .Where(project => !project.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(project => File.ReadAllText(project) is var text
                && (Path.GetRelativePath(root, project).StartsWith("tests", StringComparison.Ordinal) // tests/Directory.Build.props imports it
                    || text.Contains("TestProject.props", StringComparison.Ordinal))
                && !text.Contains("<TargetFramework", StringComparison.Ordinal))
            .Select(project => Path.GetRelativePath(root, Path.GetDirectoryName(project)!).Replace('\\', '/'))
            .OrderBy(project => project, StringComparer.Ordinal)
            .ToArray();
        Assert.Contains("tests/WeightDecay.Edge.Tests", inheriting); // the search finds what it looks for

        string ci = File.ReadAllText(Path.Combine(root, ".ci", "run"));
        Assert.Contains("dotnet build WeightDecay.Edge.sln -c Release -p:TestNet8=true", ci, StringComparison.Ordinal);
        Match lane = Regex.Match(ci, @"for project in ([^;]+); do\s+dotnet test ""\$project"" -c Release --no-build -p:TestNet8=true -f net8\.0");
        Assert.True(lane.Success, ".ci/run has no net8.0 lane.");
        Assert.Equal(inheriting, lane.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).OrderBy(p => p, StringComparer.Ordinal).ToArray());
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}
