using System;
using WeightDecay.Edge.Soak;

// The soak test (docs/soak.md). Exit code 0 if every check passed, 1 if one failed, 2 for a bad option.
try
{
    SoakOptions options = SoakOptions.Parse(args);
    if (options.Help)
    {
        Console.WriteLine(SoakOptions.Usage);
        return 0;
    }

    return Soak.Run(options, Console.Out);
}
catch (SoakException e) when (e.IsUsageError)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (SoakException e)
{
    Console.Out.Flush();
    Console.WriteLine($"soak failed: {e.Message}");
    return 1;
}
