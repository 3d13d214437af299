using System;
using System.Collections.Generic;
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

    private Dictionary<string, string>? _aliases;
    private System.Text.RegularExpressions.Regex? _aliased;

    /// <summary>A writer whose lines start <paramref name="indent"/> levels in (a member written apart from its type).</summary>
    public CodeWriter(int indent = 0) => _indent = indent;

    /// <summary>
    /// Makes every line name the given types by their aliases (<c>global::WeightDecay.Edge.Generated.Buffers</c> becomes
    /// <c>Buffers</c>) before it is measured and wrapped; the file's header declares the aliases the text uses.
    /// </summary>
    public CodeWriter Abbreviating(IEnumerable<(string Alias, string Type)> aliases)
    {
        _aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string alias, string type) in aliases)
        {
            _aliases["global::" + type] = alias;
        }

        _aliased = _aliases.Count == 0 ? null : new System.Text.RegularExpressions.Regex(
            @"global::WeightDecay\.Edge\.(?:Generated\.)?\w+\b", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        return this;
    }

    /// <summary>
    /// The SIMD kernels written for this text that go to the assembly's shared kernel files instead (see
    /// <see cref="SharedKernel"/>); the layout's text calls them.
    /// </summary>
    public List<SharedKernel> Kernels { get; } = new();

    /// <summary>Appends text already laid out (whole lines, indented, each ending with '\n') as it is.</summary>
    public CodeWriter Raw(string text)
    {
        _text.Append(text);
        return this;
    }

    public CodeWriter Line(string line = "")
    {
        if (_aliased is not null && line.Contains("global::WeightDecay.Edge."))
        {
            line = _aliased.Replace(line, match => _aliases!.TryGetValue(match.Value, out string? alias) ? alias : match.Value);
        }

        int room = MaxColumns - (_indent * IndentUnit.Length);
        if (line.Length > room)
        {
            if (line.StartsWith("//", StringComparison.Ordinal))
            {
                return WrapComment(line, room, line.StartsWith("///", StringComparison.Ordinal) ? "/// " : "// ");
            }

            if (SplitCall(line) is (string head, List<string> items))
            {
                return Wrapped(head, items.GetRange(0, items.Count - 1), items[items.Count - 1]);
            }

            if (BreakBeforeOperator(line, room) is int at)
            {
                Line(line.Substring(0, at));
                _indent++;
                Line(line.Substring(at + 1));
                _indent--;
                return this;
            }

            // A declaration with a long initializer: "Type _field =", then the value one indent deeper.
            int assignment = line.IndexOf(" = ", StringComparison.Ordinal);
            if (assignment > 0 && assignment + 2 <= room && line.IndexOf('"') is var quote && (quote < 0 || quote > assignment))
            {
                Line(line.Substring(0, assignment + 2));
                _indent++;
                Line(line.Substring(assignment + 3));
                _indent--;
                return this;
            }
        }

        if (line.Length > 0)
        {
            for (int i = 0; i < _indent; i++)
            {
                _text.Append(IndentUnit);
            }
        }

        _text.Append(line).Append('\n');
        if (line == "/// </summary>")
        {
            CollapseSummary();
        }

        return this;
    }

    // "/// <summary>", one line of text, "/// </summary>" become "/// <summary>text</summary>" where that fits the page.
    private void CollapseSummary()
    {
        string indent = new(' ', _indent * IndentUnit.Length);
        string close = indent + "/// </summary>\n";
        string open = indent + "/// <summary>\n";
        int closeAt = _text.Length - close.Length;
        int textAt = LineStartBefore(closeAt);
        int openAt = LineStartBefore(textAt);
        if (openAt < 0 || _text.ToString(openAt, textAt - openAt) != open)
        {
            return;
        }

        string text = _text.ToString(textAt, closeAt - textAt - 1);
        string prefix = indent + "/// ";
        if (!text.StartsWith(prefix, StringComparison.Ordinal) || text.Contains("<summary>")
            || indent.Length + "/// <summary></summary>".Length + text.Length - prefix.Length > MaxColumns)
        {
            return;
        }

        _text.Length = openAt;
        _text.Append(indent).Append("/// <summary>").Append(text, prefix.Length, text.Length - prefix.Length).Append("</summary>\n");
    }

    // The index where the line that ends just before `end` starts, or -1 at the start of the text.
    private int LineStartBefore(int end)
    {
        if (end <= 0)
        {
            return -1;
        }

        int at = end - 1; // the '\n' of the line before
        while (at > 0 && _text[at - 1] != '\n')
        {
            at--;
        }

        return at;
    }

    // A comment line too wide for the page, as several: broken at spaces, each continued with the same prefix.
    private CodeWriter WrapComment(string line, int room, string prefix)
    {
        string rest = line;
        while (rest.Length > room)
        {
            int space = rest.LastIndexOf(' ', room);
            if (space <= prefix.Length)
            {
                break;
            }

            AppendLine(rest.Substring(0, space));
            rest = prefix + rest.Substring(space + 1);
        }

        AppendLine(rest);
        return this;
    }

    private void AppendLine(string line)
    {
        for (int i = 0; i < _indent; i++)
        {
            _text.Append(IndentUnit);
        }

        _text.Append(line).Append('\n');
    }

    /// <summary>
    /// True while <paramref name="i"/> is inside a string literal: steps over an escaped character, and leaves the
    /// string at its closing quote. The scans below use it to ignore commas, brackets and operators in strings.
    /// </summary>
    private static bool SkipInString(string line, ref int i, ref bool inString)
    {
        if (!inString)
        {
            return false;
        }

        if (line[i] == '\\')
        {
            i++;
        }
        else if (line[i] == '"')
        {
            inString = false;
        }

        return true;
    }

    /// <summary>
    /// A statement too wide for the page, cut for <see cref="Wrapped"/>: the text up to and including the opening
    /// parenthesis of its first call (not of <c>if</c> and the like), then that call's arguments, split at the
    /// commas outside any nested parentheses, brackets or string, with the rest of the line appended to the last.
    /// Null when the line has no such call.
    /// </summary>
    private static (string Head, List<string> Items)? SplitCall(string line)
    {
        int open = -1;
        bool inString = false;
        for (int i = 0; i < line.Length && open < 0; i++)
        {
            char c = line[i];
            if (SkipInString(line, ref i, ref inString))
            {
                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (c == '(' && i > 0 && (char.IsLetterOrDigit(line[i - 1]) || line[i - 1] == '_' || line[i - 1] == '>') && !EndsWithKeyword(line, i))
            {
                open = i;
            }
        }

        if (open < 0)
        {
            return null;
        }

        var items = new List<string>();
        int depth = 0;
        int start = open + 1;
        inString = false;
        for (int i = open + 1; i < line.Length; i++)
        {
            char c = line[i];
            if (SkipInString(line, ref i, ref inString))
            {
                continue;
            }

            switch (c)
            {
                case '"': inString = true; break;
                case '(': case '[': case '{': depth++; break;
                case ')': case ']': case '}':
                    if (depth == 0)
                    {
                        items.Add(line.Substring(start, i - start).Trim());
                        items.Add(line.Substring(i));
                        return items.Count == 2 && items[0].Length == 0 ? null : (line.Substring(0, open + 1), Merge(items));
                    }

                    depth--;
                    break;
                case ',' when depth == 0:
                    items.Add(line.Substring(start, i - start).Trim());
                    start = i + 1;
                    break;
            }
        }

        return null;
    }

    // The last space, outside strings and before any comment, that comes before a binary operator ("&&", "||",
    // "?", ":", "+") and leaves the first part within room: where a long expression is continued on the next line.
    private static int? BreakBeforeOperator(string line, int room)
    {
        int? best = null;
        bool inString = false;
        for (int i = 0; i < line.Length - 2 && i <= room; i++)
        {
            char c = line[i];
            if (SkipInString(line, ref i, ref inString))
            {
                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (c == '/' && line[i + 1] == '/')
            {
                break;
            }
            else if (c == ' ' && i > 0 && IsBinaryOperatorAt(line, i + 1))
            {
                best = i;
            }
        }

        return best;
    }

    private static bool IsBinaryOperatorAt(string line, int at)
    {
        foreach (string op in new[] { "&& ", "|| ", "? ", ": ", "+ " })
        {
            if (string.CompareOrdinal(line, at, op, 0, op.Length) == 0)
            {
                return true;
            }
        }

        return false;
    }

    // The last argument and the text after the call's closing parenthesis are one item: "q0);".
    private static List<string> Merge(List<string> items)
    {
        string tail = items[items.Count - 1];
        items.RemoveAt(items.Count - 1);
        items[items.Count - 1] += tail;
        items.Add(string.Empty);
        return items;
    }

    private static bool EndsWithKeyword(string line, int paren)
    {
        foreach (string keyword in new[] { "if", "for", "foreach", "while", "switch", "catch", "using", "lock", "return", "nameof", "typeof", "sizeof" })
        {
            if (paren >= keyword.Length && string.CompareOrdinal(line, paren - keyword.Length, keyword, 0, keyword.Length) == 0
                && (paren == keyword.Length || !char.IsLetterOrDigit(line[paren - keyword.Length - 1])))
            {
                return true;
            }
        }

        return false;
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

    /// <summary>
    /// Writes <paramref name="head"/>, the <paramref name="terms"/> joined by <paramref name="op"/> (<c>" | "</c>) and
    /// <paramref name="tail"/>; where that is too wide, each continuation line starts one indent deeper with the operator.
    /// </summary>
    public CodeWriter Joined(string head, IReadOnlyList<string> terms, string op, string tail)
    {
        var line = new StringBuilder(head);
        int room = MaxColumns - (_indent * IndentUnit.Length);
        bool continued = false;
        for (int i = 0; i < terms.Count; i++)
        {
            string term = terms[i] + (i == terms.Count - 1 ? tail : string.Empty);
            if (i > 0 && line.Length + op.Length + term.Length > room - (continued ? IndentUnit.Length : 0))
            {
                WriteJoinedLine(line.ToString(), continued);
                line.Clear().Append(op.TrimStart()).Append(term);
                continued = true;
                continue;
            }

            line.Append(i == 0 ? string.Empty : op).Append(term);
        }

        WriteJoinedLine(line.ToString(), continued);
        return this;
    }

    private void WriteJoinedLine(string line, bool continued)
    {
        _indent += continued ? 1 : 0;
        Line(line);
        _indent -= continued ? 1 : 0;
    }

    /// <summary>Writes the call statement <c>name(arguments);</c>, wrapped as <see cref="Wrapped"/> does.</summary>
    public CodeWriter Call(string name, string arguments) =>
        Wrapped(name + "(", arguments.Length == 0 ? new string[0] : arguments.Split(new[] { ", " }, StringSplitOptions.None), ");");

    /// <summary>
    /// Writes the expression-bodied member <c>signature => body;</c> on one line, or, when that is wider than
    /// <see cref="MaxColumns"/>, the signature on its own line and <c>=> body;</c> one indent deeper.
    /// </summary>
    public CodeWriter Arrow(string signature, string body)
    {
        string single = signature + " => " + body + ";";
        if ((_indent * IndentUnit.Length) + single.Length <= MaxColumns)
        {
            return Line(single);
        }

        Line(signature);
        _indent++;
        Line("=> " + body + ";");
        _indent--;
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
