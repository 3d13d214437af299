namespace WeightDecay.Edge.Demo.Tests;

public class OptionsTests
{
    [Fact]
    public void No_arguments_give_the_documented_defaults()
    {
        Options options = Options.Parse([]);

        Assert.Equal(1, options.Seed);
        Assert.Equal(50, options.Epochs);
        Assert.Equal(5, options.Folds);
        Assert.Equal(200, options.TrainSize);
        Assert.Equal("artifacts/demo", options.OutputDirectory);
        Assert.Null(options.DataPath);
        Assert.Null(options.Lambdas);
        Assert.Equal([OptimizerKind.Sgd, OptimizerKind.Adam, OptimizerKind.AdamW], options.Optimizers);
        Assert.Equal(Options.DefaultCoupledGrid, options.GridFor(OptimizerKind.Sgd));
        Assert.Equal(Options.DefaultCoupledGrid, options.GridFor(OptimizerKind.Adam));
        Assert.Equal(Options.DefaultDecoupledGrid, options.GridFor(OptimizerKind.AdamW));
        Assert.Contains(0f, Options.DefaultCoupledGrid);
        Assert.Contains(0f, Options.DefaultDecoupledGrid);
    }

    [Fact]
    public void Every_option_is_read_in_both_spellings()
    {
        Options options = Options.Parse(["--seed", "7", "--epochs=3", "--folds", "4", "--train-size=60", "--lambdas", "0.01, 0,1e-3", "--optimizer=AdamW", "--out", "o", "--data=d.csv.gz"]);

        Assert.Equal(7, options.Seed);
        Assert.Equal(3, options.Epochs);
        Assert.Equal(4, options.Folds);
        Assert.Equal(60, options.TrainSize);
        Assert.Equal([0f, 1e-3f, 0.01f], options.Lambdas!);
        Assert.Equal([0f, 1e-3f, 0.01f], options.GridFor(OptimizerKind.AdamW));
        Assert.Equal([OptimizerKind.AdamW], options.Optimizers);
        Assert.Equal("o", options.OutputDirectory);
        Assert.Equal("d.csv.gz", options.DataPath);
        Assert.True(Options.Parse(["--help"]).Help);
    }

    [Theory]
    [InlineData("unknown option '--bogus' (see --help)", "--bogus")]
    [InlineData("unknown option 'extra' (see --help)", "extra")]
    [InlineData("option --seed needs a value (see --help)", "--seed")]
    [InlineData("option --epochs needs a value (see --help)", "--epochs", "--seed", "1")]
    [InlineData("option --seed: 'x' is not an integer", "--seed", "x")]
    [InlineData("option --epochs: 0 is out of range 1..10000", "--epochs", "0")]
    [InlineData("option --folds: 1 is out of range 2..20", "--folds=1")]
    [InlineData("option --train-size: 5000 is out of range 20..1000", "--train-size", "5000")]
    [InlineData("option --lambdas: 'abc' is not a number (expected a comma-separated list such as 0,1e-4,1e-3)", "--lambdas", "0,abc")]
    [InlineData("option --lambdas: '' is not a number (expected a comma-separated list such as 0,1e-4,1e-3)", "--lambdas", "0,,1")]
    [InlineData("option --lambdas: -0.1 is negative; weight decay must be >= 0", "--lambdas", "-0.1")]
    [InlineData("option --lambdas: 'NaN' is not a number (expected a comma-separated list such as 0,1e-4,1e-3)", "--lambdas", "NaN")]
    [InlineData("option --optimizer: 'rmsprop' is not one of sgd, adam, adamw, all", "--optimizer", "rmsprop")]
    [InlineData("option --out needs a non-empty value", "--out=")]
    [InlineData("--train-size 40 is too small for 5 folds: use at least 50", "--train-size", "40")]
    public void Bad_options_get_one_clear_message(string message, params string[] args)
    {
        var e = Assert.Throws<DemoException>(() => Options.Parse(args));

        Assert.Equal(message, e.Message);
    }
}
