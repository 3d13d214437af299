using System.Diagnostics;
using System.Globalization;

namespace WeightDecay.Edge.Demo;

/// <summary>
/// A plain console progress bar, safe to advance from several threads. On a terminal it redraws one
/// line in place; when output is redirected (CI, a pipe, a file) it writes one line when it starts and
/// one when it finishes, so logs stay readable.
/// </summary>
internal sealed class ProgressBar : IDisposable
{
    private const int Width = 30;
    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private readonly string _label;
    private readonly int _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private int _done;
    private bool _finished;

    public ProgressBar(string label, int total, TextWriter writer, bool interactive)
    {
        _label = label;
        _total = Math.Max(total, 1);
        _writer = writer;
        _interactive = interactive;
        if (_interactive)
        {
            Draw();
        }
        else
        {
            _writer.WriteLine($"{_label}: {total} runs ...");
        }
    }

    /// <summary>A bar on the console, interactive unless stdout is redirected.</summary>
    public static ProgressBar Start(string label, int total, TextWriter writer) =>
        new(label, total, writer, ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected);

    public void Increment()
    {
        lock (_lock)
        {
            _done++;
            if (_interactive)
            {
                Draw();
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            string seconds = _clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
            if (_interactive)
            {
                Draw();
                _writer.WriteLine();
            }
            else
            {
                _writer.WriteLine($"{_label}: {_done}/{_total} done in {seconds} s");
            }
        }
    }

    private void Draw()
    {
        int filled = (int)((long)Width * Math.Min(_done, _total) / _total);
        string bar = new string('#', filled) + new string('.', Width - filled);
        string seconds = _clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        _writer.Write($"\r{_label} [{bar}] {_done}/{_total} {seconds} s ");
        _writer.Flush();
    }
}
