using System;
using System.Collections.Generic;

namespace WeightDecay.Edge.Demo;

/// <summary>
/// Walks a command line of options written <c>--name value</c> or <c>--name=value</c>, one option at a
/// time. The demo's <c>Options</c> and the soak's options (which compile this file too) both read
/// their arguments with it, so both word the shared mistakes alike: an unknown option, a missing value.
/// Every problem becomes the exception <c>error</c> makes from its one-line message.
/// </summary>
/// <param name="args">The arguments, as the program received them.</param>
/// <param name="error">Makes the exception to throw for a message (each program has its own type and exit code).</param>
internal sealed class CommandLine(IReadOnlyList<string> args, Func<string, Exception> error)
{
    private int _index = -1;
    private string? _inline;

    /// <summary>The current option's name: the argument, without any <c>=value</c> part.</summary>
    public string Name { get; private set; } = string.Empty;

    /// <summary>The current argument, as written.</summary>
    public string Argument { get; private set; } = string.Empty;

    /// <summary>Moves to the next option; false when there is none left.</summary>
    public bool MoveNext()
    {
        if (++_index >= args.Count)
        {
            return false;
        }

        Argument = args[_index];
        Name = Argument;
        _inline = null;
        int equals = Argument.IndexOf('=', StringComparison.Ordinal);
        if (Argument.StartsWith("--", StringComparison.Ordinal) && equals > 0)
        {
            Name = Argument[..equals];
            _inline = Argument[(equals + 1)..];
        }

        return true;
    }

    /// <summary>The current option's value: after its <c>=</c>, else the next argument unless that is an option.</summary>
    public string Value()
    {
        if (_inline is not null)
        {
            return _inline;
        }

        if (_index + 1 >= args.Count || args[_index + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw error($"option {Name} needs a value (see --help)");
        }

        return args[++_index];
    }

    /// <summary>The exception for an argument that is no known option.</summary>
    public Exception Unknown() => error($"unknown option '{Argument}' (see --help)");

    /// <summary>The exception for any other mistake, worded by the caller.</summary>
    public Exception Error(string message) => error(message);
}
