using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace WeightDecay.Edge.Demo;

/// <summary>One 8x8 digit: 64 pixels scaled from 0..16 to 0..1, and its label 0..9.</summary>
internal sealed record Digit(float[] Pixels, int Label);

/// <summary>
/// Loads <c>digits.csv.gz</c> (UCI "Optical Recognition of Handwritten Digits", see data/README.md):
/// one row per image, 64 integer pixels in 0..16 and the label in 0..9, comma separated, no header.
/// Every problem is reported as a <see cref="DemoException"/> naming the file, line and column.
/// The soak test (tests/WeightDecay.Edge.Soak) compiles this file too, with DemoException.cs, and
/// reports the same messages as its own failures.
/// </summary>
internal static class DigitsData
{
    public const int PixelCount = 64;
    public const int ColumnCount = PixelCount + 1;
    public const int ClassCount = 10;
    public const int MaxPixel = 16;

    /// <summary>The file name the demo and the soak look for.</summary>
    public const string FileName = "digits.csv.gz";

    /// <summary>
    /// The data file to use when --data is not given: next to the executable (the build copies it
    /// there), else data/digits.csv.gz in the current folder or any folder above it (the repository).
    /// </summary>
    public static string DefaultPath()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "data", FileName);
        if (File.Exists(beside))
        {
            return beside;
        }

        for (DirectoryInfo? dir = new(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "data", FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return beside; // Missing: Load reports it with this path.
    }

    /// <summary>Reads a gzip-compressed file (or a plain .csv, by extension).</summary>
    public static Digit[] Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new DemoException($"data file not found: {path} (pass --data PATH, or run from the repository, which ships data/{FileName})");
        }

        try
        {
            using FileStream file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var reader = new StreamReader(stream);
            return Parse(reader, path);
        }
        catch (InvalidDataException e)
        {
            throw new DemoException($"{path}: not a valid gzip file ({e.Message})");
        }
        catch (IOException e)
        {
            throw new DemoException($"{path}: cannot be read ({e.Message})");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DemoException($"{path}: cannot be read ({e.Message})");
        }
    }

    /// <summary>Parses CSV text; <paramref name="source"/> names it in error messages.</summary>
    public static Digit[] Parse(TextReader reader, string source)
    {
        var digits = new List<Digit>();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || (line.Trim().Length == 0))
            {
                continue; // Blank lines (a trailing newline) are not rows.
            }

            string[] fields = line.Split(',');
            if (fields.Length != ColumnCount)
            {
                throw new DemoException($"{source}: line {lineNumber}: expected {ColumnCount} comma-separated values (64 pixels and a label), found {fields.Length}");
            }

            var pixels = new float[PixelCount];
            for (int c = 0; c < PixelCount; c++)
            {
                int value = ParseInteger(fields[c], source, lineNumber, c + 1);
                if (value is < 0 or > MaxPixel)
                {
                    throw new DemoException($"{source}: line {lineNumber}, column {c + 1}: pixel {value} is out of range 0..{MaxPixel}");
                }

                pixels[c] = value / (float)MaxPixel;
            }

            int label = ParseInteger(fields[PixelCount], source, lineNumber, ColumnCount);
            if (label is < 0 or >= ClassCount)
            {
                throw new DemoException($"{source}: line {lineNumber}, column {ColumnCount}: label {label} is out of range 0..{ClassCount - 1}");
            }

            digits.Add(new Digit(pixels, label));
        }

        if (digits.Count == 0)
        {
            throw new DemoException($"{source}: no rows");
        }

        return [.. digits];
    }

    private static int ParseInteger(string field, string source, int line, int column)
    {
        string text = field.Trim();
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        // sklearn's copy writes integers; accept "5.0" too, but nothing fractional.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && real == Math.Floor(real) && Math.Abs(real) < 1e6)
        {
            return (int)real;
        }

        throw new DemoException($"{source}: line {line}, column {column}: '{text}' is not an integer");
    }
}
