using System;

namespace WeightDecay.Edge.Demo;

/// <summary>
/// A problem the user can fix (a bad option, a missing or malformed data file). Program prints its
/// message on one line of stderr and exits with <see cref="ExitCode"/>, with no stack trace.
/// </summary>
internal sealed class DemoException : Exception
{
    public const int ExitCode = 2;

    public DemoException()
    {
    }

    public DemoException(string message)
        : base(message)
    {
    }

    public DemoException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
