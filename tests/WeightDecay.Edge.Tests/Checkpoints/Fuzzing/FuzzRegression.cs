using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests.Checkpoints.Fuzzing;

/// <summary>
/// The regression corpus: one text file per input under Checkpoints/Fuzzing/Regressions/, embedded into the test
/// assembly. Format: '#' comment lines (what the input is, what it found), then 'key: value' lines: target (a
/// configuration name such as MixedLayout.AdamW+amsgrad), entry (Array, Slice, Null, Stream, TrickleStream), offset
/// and count (for Slice and Null), expect (Accepted, a CheckpointError name, or an exception type name), and last
/// 'hex:' followed by the bytes in hexadecimal over any number of lines.
/// </summary>
internal static class FuzzRegression
{
    private const string Prefix = "FuzzRegressions.";

    public static IEnumerable<string> Names() =>
        typeof(FuzzRegression).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(name => name.Substring(Prefix.Length))
            .OrderBy(name => name, StringComparer.Ordinal);

    public static string Read(string name)
    {
        using Stream stream = typeof(FuzzRegression).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new FileNotFoundException("No embedded regression input " + name);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Parses a regression file into an input and the outcome it must have.</summary>
    public static (FuzzCase Input, string Expect) Parse(string name, string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var hex = new StringBuilder();
        bool inHex = false;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (inHex)
            {
                hex.Append(line);
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new FormatException($"{name}: '{line}' is not a 'key: value' line.");
            }

            string key = line.Substring(0, colon).Trim();
            string value = line.Substring(colon + 1).Trim();
            if (key == "hex")
            {
                inHex = true;
                hex.Append(value);
            }
            else
            {
                fields[key] = value;
            }
        }

        FuzzConfig target = FuzzTargets.Find(fields["target"]);
        byte[] bytes = Convert.FromHexString(hex.ToString());
        FuzzEntry entry = fields.TryGetValue("entry", out string? e) ? Enum.Parse<FuzzEntry>(e) : FuzzEntry.Array;
        string expect = fields["expect"];
        CheckpointError? declared = expect == FuzzOracle.Accepted ? CheckpointError.None
            : Enum.TryParse(expect, out CheckpointError error) ? error
            : null;
        var input = new FuzzCase("regression", target, bytes, name)
        {
            Entry = entry,
            Offset = fields.TryGetValue("offset", out string? offset) ? int.Parse(offset, CultureInfo.InvariantCulture) : 0,
            Count = fields.TryGetValue("count", out string? count) ? int.Parse(count, CultureInfo.InvariantCulture) : bytes.Length,
            Declared = declared,
        };
        return (input, expect);
    }

    /// <summary>Writes an input in the regression format (what the runner saves when an input fails).</summary>
    public static string Format(FuzzCase input, string comment, string? expect)
    {
        var text = new StringBuilder();
        foreach (string line in comment.Split('\n'))
        {
            text.Append("# ").Append(line).Append('\n');
        }

        text.Append("# recipe: ").Append(input.Recipe.Replace('\n', ' ')).Append('\n');
        text.Append("target: ").Append(input.Target.Name).Append('\n');
        text.Append("entry: ").Append(input.Entry).Append('\n');
        if (input.Entry is FuzzEntry.Slice or FuzzEntry.Null)
        {
            text.Append(CultureInfo.InvariantCulture, $"offset: {input.Offset}\ncount: {input.Count}\n");
        }

        text.Append("expect: ").Append(expect ?? "FILL IN: Accepted, a CheckpointError, or an exception type").Append('\n');
        text.Append("hex:\n");
        string hex = Convert.ToHexString(input.Bytes);
        for (int i = 0; i < hex.Length; i += 96)
        {
            text.Append(hex, i, Math.Min(96, hex.Length - i)).Append('\n');
        }

        return text.ToString();
    }
}
