using System;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace WeightDecay.Edge.Demo.Tests;

/// <summary>A temporary folder, deleted at dispose, with helpers to write data files into it.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wde-demo-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="csv"/> gzip-compressed, as the real data file is.</summary>
    public string WriteGzip(string name, string csv)
    {
        string path = File(name);
        using FileStream file = System.IO.File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        byte[] bytes = Encoding.UTF8.GetBytes(csv);
        gzip.Write(bytes, 0, bytes.Length);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>CSV rows in the data file's format.</summary>
internal static class Rows
{
    /// <summary>A valid row: 64 pixels and the label.</summary>
    public static string Valid(int label, int pixel = 3)
    {
        var fields = new string[65];
        for (int i = 0; i < 64; i++)
        {
            fields[i] = ((pixel + i) % 17).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        fields[64] = label.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(",", fields);
    }

    /// <summary>The shipped data set (copied next to the test assembly by the demo's build).</summary>
    public static string ShippedDataPath => System.IO.Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");
}
