using System;

namespace WeightDecay.Edge.Soak;

/// <summary>A problem reported to the user as one line; <see cref="IsUsageError"/> selects the exit code.</summary>
internal sealed class SoakException : Exception
{
    /// <summary>Creates a failure that is not the user's command line (exit code 1).</summary>
    public SoakException(string message)
        : base(message)
    {
    }

    /// <summary>Creates a failure; <paramref name="isUsageError"/> marks a bad command line (exit code 2).</summary>
    public SoakException(string message, bool isUsageError)
        : base(message)
    {
        IsUsageError = isUsageError;
    }

    /// <summary>Creates a failure wrapping <paramref name="innerException"/>.</summary>
    public SoakException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a failure with no message.</summary>
    public SoakException()
    {
    }

    /// <summary>True when the command line was wrong.</summary>
    public bool IsUsageError { get; }
}
