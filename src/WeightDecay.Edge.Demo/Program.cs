using WeightDecay.Edge.Demo;

// The README's main job: fine-tune a 64-32-10 MLP on a small subset of the digits data set, compare no
// decay, SGD + L2, Adam + L2 and AdamW, pick each λ by k-fold cross-validation, print the table and
// write the plots. `--self-check` instead runs the allocation check that CI runs on the Native AOT build.
if (args.Contains("--self-check"))
{
    return SelfCheck.Run();
}

try
{
    return Demo.Run(args, Console.Out);
}
catch (DemoException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return DemoException.ExitCode;
}
