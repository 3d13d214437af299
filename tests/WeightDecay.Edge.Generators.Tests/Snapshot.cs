using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// Compares generated text with a baseline under <c>Snapshots/</c>. With <c>UPDATE_SNAPSHOTS=1</c>
/// in the environment it rewrites the baseline in the source tree instead of failing, so a
/// deliberate change to emission is one command plus a reviewable diff.
/// </summary>
internal static class Snapshot
{
    public const string RefreshCommand =
        "UPDATE_SNAPSHOTS=1 dotnet test tests/WeightDecay.Edge.Generators.Tests -c Release --filter FullyQualifiedName~SnapshotTests";

    private const int ContextLines = 3;

    public static bool Updating => Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1";

    /// <summary>The baselines in the source tree (this file's folder), found from the compiler-recorded path.</summary>
    public static string SourceDirectory => Path.Combine(Path.GetDirectoryName(ThisFile())!, "Snapshots");

    public static void Match(string name, string actual)
    {
        actual = Normalize(actual);
        string sourcePath = Path.Combine(SourceDirectory, name);
        if (Updating)
        {
            Directory.CreateDirectory(SourceDirectory);
            File.WriteAllText(sourcePath, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return;
        }

        // Prefer the source tree (current); fall back to the copy in the output directory.
        string copyPath = Path.Combine(AppContext.BaseDirectory, "Snapshots", name);
        string? path = File.Exists(sourcePath) ? sourcePath : File.Exists(copyPath) ? copyPath : null;
        if (path is null)
        {
            Assert.Fail($"No baseline '{sourcePath}'. Create it with:\n  {RefreshCommand}\nthen review and commit it.");
        }

        string expected = Normalize(File.ReadAllText(path));
        if (expected != actual)
        {
            Assert.Fail($"Generated text differs from the baseline '{path}'.\n{Diff(expected, actual)}\n"
                + $"If the change is intended, refresh the baselines with:\n  {RefreshCommand}\nand review the diff before committing.");
        }
    }

    /// <summary>The first differing line with a few lines around it, from both sides, numbered.</summary>
    public static string Diff(string expected, string actual)
    {
        string[] expectedLines = expected.Split('\n');
        string[] actualLines = actual.Split('\n');
        int first = 0;
        while (first < expectedLines.Length && first < actualLines.Length && expectedLines[first] == actualLines[first])
        {
            first++;
        }

        int from = Math.Max(0, first - ContextLines);
        var text = new StringBuilder();
        text.Append("First difference at line ").Append(first + 1)
            .Append(" (baseline has ").Append(expectedLines.Length).Append(" lines, generated ").Append(actualLines.Length).Append(").\n");
        AppendWindow(text, "baseline", expectedLines, from, first);
        AppendWindow(text, "generated", actualLines, from, first);
        return text.ToString();
    }

    private static void AppendWindow(StringBuilder text, string label, string[] lines, int from, int first)
    {
        text.Append("--- ").Append(label).Append('\n');
        foreach (int i in Enumerable.Range(from, Math.Max(0, Math.Min(lines.Length, first + ContextLines + 1) - from)))
        {
            text.Append(i == first ? "> " : "  ").Append((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(5))
                .Append(" | ").Append(lines[i]).Append('\n');
        }

        if (first >= lines.Length)
        {
            text.Append(">       <end of text>\n");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
