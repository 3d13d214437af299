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

    /// <summary>The widest line the writer aims for, indentation included.</summary>
    public const int MaxColumns = 140;

    /// <summary>
    /// Writes <paramref name="head"/>, the comma-separated <paramref name="items"/> and <paramref name="tail"/>
    /// on one line, or, when that is wider than <see cref="MaxColumns"/>, the head on its own line and the items
    /// packed on the lines after it, one indent deeper: a long call or signature.
    /// </summary>
    public CodeWriter Wrapped(string head, System.Collections.Generic.IEnumerable<string> items, string tail)
    {
        var list = new System.Collections.Generic.List<string>(items);
        string single = head + string.Join(", ", list) + tail;
        if ((_indent * IndentUnit.Length) + single.Length <= MaxColumns || list.Count == 0)
        {
            return Line(single);
        }

        Line(head);
        _indent++;
        int room = MaxColumns - (_indent * IndentUnit.Length);
        var line = new StringBuilder();
        for (int i = 0; i < list.Count; i++)
        {
            string item = list[i] + (i == list.Count - 1 ? tail : ",");
            if (line.Length > 0 && line.Length + 1 + item.Length > room)
            {
                Line(line.ToString());
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(item);
        }

        Line(line.ToString());
        _indent--;
        return this;
    }

    /// <summary>Writes the call statement <c>name(arguments);</c>, wrapped as <see cref="Wrapped"/> does.</summary>
    public CodeWriter Call(string name, string arguments) =>
        Wrapped(name + "(", arguments.Length == 0 ? new string[0] : arguments.Split(new[] { ", " }, StringSplitOptions.None), ");");

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
