using System.Globalization;
using WeightDecay.Edge;
using WeightDecay.Edge.Demo;

// Fits a linear model to noisy synthetic data with each generated optimizer and prints the loss
// falling. Until the digits fine-tuning demo lands, this is the repository's main job.
if (args.Contains("--self-check"))
{
    return SelfCheck.Run();
}

const int Rows = 256;
const int Epochs = 200;
var random = new Random(7);
float[] trueWeights = [1.5f, -2f, 0.5f, 0f, 0f, 3f, -1f, 0.25f];
var inputs = new float[Rows, ToyRegression.WLength];
var targets = new float[Rows];
for (int r = 0; r < Rows; r++)
{
    float y = 0.7f;
    for (int c = 0; c < ToyRegression.WLength; c++)
    {
        inputs[r, c] = (float)(random.NextDouble() * 2 - 1);
        y += trueWeights[c] * inputs[r, c];
    }

    targets[r] = y + (float)((random.NextDouble() - 0.5) * 0.1);
}

Console.WriteLine("WeightDecay.Edge toy demo: linear regression, 8 decayed weights + 1 bias, full-batch MSE");
Console.WriteLine();
Run("SGD (momentum 0.9, L2 1e-4)", m => new ToyRegression.SgdOptimizer(m) { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 1e-4f });
Run("Adam (L2 1e-4)", m => new ToyRegression.AdamOptimizer(m) { LearningRate = 0.05f, WeightDecay = 1e-4f });
Run("AdamW (decoupled 1e-2)", m => new ToyRegression.AdamWOptimizer(m) { LearningRate = 0.05f, WeightDecay = 1e-2f });
return 0;

void Run(string name, Func<ToyRegression, IOptimizer> create)
{
    var model = new ToyRegression();
    IOptimizer optimizer = create(model);
    Console.WriteLine(name);
    for (int epoch = 0; epoch <= Epochs; epoch++)
    {
        float loss = model.LossAndGradient(inputs, targets);
        if (epoch % 40 == 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  epoch {epoch,3}  loss {loss,10:F6}"));
        }

        optimizer.Step();
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  learned W = [{string.Join(", ", model.Parameters[..ToyRegression.WLength].Select(w => w.ToString("F2", CultureInfo.InvariantCulture)))}], B = {model.B[0]:F2}"));
    Console.WriteLine();
}
