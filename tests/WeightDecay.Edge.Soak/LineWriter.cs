using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace WeightDecay.Edge.Soak;

/// <summary>
/// Writes progress lines to standard output without allocating: text is formatted into a char
/// buffer allocated once, encoded into a byte buffer allocated once, and written to the raw
/// standard-output stream. This lets the allocation check cover the whole soak loop, progress
/// lines included, instead of pausing the measurement around each line.
/// </summary>
internal sealed class LineWriter
{
    private readonly char[] _chars = new char[1024];
    private readonly byte[] _bytes = new byte[4096];
    private readonly Stream _output;
    private int _length;

    /// <summary>Creates a writer on <paramref name="output"/>.</summary>
    public LineWriter(Stream output)
    {
        _output = output;
    }

    /// <summary>Appends <paramref name="text"/>.</summary>
    public LineWriter Text(string text)
    {
        int n = Math.Min(text.Length, _chars.Length - _length);
        text.AsSpan(0, n).CopyTo(_chars.AsSpan(_length));
        _length += n;
        return this;
    }

    /// <summary>Appends <paramref name="value"/> with thousands separators.</summary>
    public LineWriter Integer(long value)
    {
        if (value.TryFormat(_chars.AsSpan(_length), out int written, "N0", CultureInfo.InvariantCulture))
        {
            _length += written;
        }

        return this;
    }

    /// <summary>Appends <paramref name="value"/> in <paramref name="format"/> (a standard numeric format).</summary>
    public LineWriter Number(double value, string format)
    {
        if (value.TryFormat(_chars.AsSpan(_length), out int written, format, CultureInfo.InvariantCulture))
        {
            _length += written;
        }

        return this;
    }

    /// <summary>Pads with spaces up to <paramref name="column"/> characters into the line.</summary>
    public LineWriter Column(int column)
    {
        int target = Math.Min(column, _chars.Length);
        while (_length < target)
        {
            _chars[_length++] = ' ';
        }

        return this;
    }

    /// <summary>Ends the line and writes it.</summary>
    public void EndLine()
    {
        Text("\n");
        int count = Encoding.UTF8.GetBytes(_chars.AsSpan(0, _length), _bytes);
        _output.Write(_bytes, 0, count);
        _output.Flush();
        _length = 0;
    }
}
