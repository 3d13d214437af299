using System;
using System.Text;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// A small indenting writer for emitted C#. Lines end with '\n' on every platform so generated
/// text (and its snapshots) is identical everywhere.
/// </summary>
internal sealed class CodeWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new();
    private int _indent;

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < _indent; i++)
            {
                _text.Append(IndentUnit);
            }
        }

        _text.Append(line).Append('\n');
        return this;
    }

    /// <summary>Writes several lines given as one string separated by '\n', each at the current indent.</summary>
    public CodeWriter Lines(string lines)
    {
        foreach (string line in lines.Split('\n'))
        {
            Line(line.TrimEnd('\r'));
        }

        return this;
    }

    /// <summary>Writes <c>{</c>, indents, and returns a scope whose disposal writes the closing brace.</summary>
    public Block OpenBlock(string? header = null, string closing = "}")
    {
        if (header is not null)
        {
            Line(header);
        }

        Line("{");
        _indent++;
        return new Block(this, closing);
    }

    public override string ToString() => _text.ToString();

    internal readonly struct Block : IDisposable
    {
        private readonly CodeWriter _writer;
        private readonly string _closing;

        public Block(CodeWriter writer, string closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer._indent--;
            _writer.Line(_closing);
        }
    }
}
