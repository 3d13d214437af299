using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace WeightDecay.Edge.Soak;

/// <summary>
/// The digits data set (data/digits.csv.gz, see data/README.md): one row per 8x8 image, 64 integer
/// pixels in 0..16 then the label in 0..9, comma separated, no header. Pixels are scaled to 0..1 by
/// dividing by 16, as the demo does. A small loader of its own (the demo's is internal to an
/// executable that also carries the plotting libraries); every problem is a <see cref="SoakException"/>.
/// </summary>
internal sealed class DigitsData
{
    /// <summary>Pixels per image.</summary>
    public const int PixelCount = 64;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    private const int MaxPixel = 16;
    private const string FileName = "digits.csv.gz";

    private DigitsData(float[][] pixels, int[] labels)
    {
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>One array of <see cref="PixelCount"/> scaled pixels per sample.</summary>
    public float[][] Pixels { get; }

    /// <summary>The label of each sample.</summary>
    public int[] Labels { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>
    /// data/digits.csv.gz next to the executable (the build copies it there), else in the current
    /// folder or any folder above it (the repository).
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

        return beside;
    }

    /// <summary>Reads the gzip-compressed CSV file at <paramref name="path"/>.</summary>
    public static DigitsData Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SoakException($"data file not found: {path} (pass --data PATH, or run from the repository, which ships data/{FileName})");
        }

        try
        {
            using FileStream file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var reader = new StreamReader(stream);
            return Parse(reader, path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new SoakException($"{path}: cannot be read ({e.Message})");
        }
    }

    /// <summary>
    /// Splits the samples into a training part and a held-out part of <paramref name="heldOutCount"/>
    /// samples, chosen by a shuffle seeded with <paramref name="seed"/> (the file lists the labels in
    /// a repeating 0..9 pattern, so a split by row position would not be representative).
    /// </summary>
    public (DigitsData Train, DigitsData HeldOut) Split(int heldOutCount, int seed)
    {
        if (heldOutCount <= 0 || heldOutCount >= Count)
        {
            throw new SoakException($"cannot hold out {heldOutCount} of {Count} samples");
        }

        int[] order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new Random(seed).Shuffle(order);
        return (Select(order.AsSpan(heldOutCount)), Select(order.AsSpan(0, heldOutCount)));
    }

    private DigitsData Select(ReadOnlySpan<int> indices)
    {
        var pixels = new float[indices.Length][];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            pixels[i] = Pixels[indices[i]];
            labels[i] = Labels[indices[i]];
        }

        return new DigitsData(pixels, labels);
    }

    private static DigitsData Parse(TextReader reader, string source)
    {
        var pixels = new List<float[]>();
        var labels = new List<int>();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != PixelCount + 1)
            {
                throw new SoakException($"{source}: line {lineNumber}: expected {PixelCount + 1} comma-separated values, found {fields.Length}");
            }

            var row = new float[PixelCount];
            for (int c = 0; c < PixelCount; c++)
            {
                int value = Integer(fields[c], source, lineNumber, c + 1);
                if (value is < 0 or > MaxPixel)
                {
                    throw new SoakException($"{source}: line {lineNumber}, column {c + 1}: pixel {value} is out of range 0..{MaxPixel}");
                }

                row[c] = value / (float)MaxPixel;
            }

            int label = Integer(fields[PixelCount], source, lineNumber, PixelCount + 1);
            if (label is < 0 or >= ClassCount)
            {
                throw new SoakException($"{source}: line {lineNumber}, column {PixelCount + 1}: label {label} is out of range 0..{ClassCount - 1}");
            }

            pixels.Add(row);
            labels.Add(label);
        }

        if (labels.Count < 2)
        {
            throw new SoakException($"{source}: fewer than two rows");
        }

        return new DigitsData([.. pixels], [.. labels]);
    }

    private static int Integer(string field, string source, int line, int column)
    {
        string text = field.Trim();
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && real == Math.Floor(real) && Math.Abs(real) < 1e6)
        {
            return (int)real;
        }

        throw new SoakException($"{source}: line {line}, column {column}: '{text}' is not an integer");
    }
}
