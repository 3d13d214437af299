// WeightDecay.Edge sample firmware for .NET nanoFramework: fine-tunes a small sensor head on the
// board with AdamW. C# 7.3, nanoFramework's mscorlib only (no System.Math, no System.Random
// assumptions, no generics). Compiled in CI against nanoFramework.CoreLibrary 1.17.11's mscorlib
// (tests/WeightDecay.Edge.Generators.Cli.Tests), and its training loop is run there on .NET.
using System;
using System.Threading;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Device.Firmware
{
    /// <summary>
    /// A linear sensor head: three sensor readings in, two outputs out. The weights are decayed,
    /// the bias is not. Only AdamW is generated: flash is scarce.
    /// </summary>
    [ModelLayout]
    [Tensor("W", 3, 2)]
    [Tensor("B", 2, Decay = false)]
    [AdamW]
    public partial class SensorHead
    {
    }

    /// <summary>The firmware entry point and the on-device training loop.</summary>
    public class Program
    {
        /// <summary>Sensor readings per sample.</summary>
        public const int Inputs = 3;

        /// <summary>Outputs per sample.</summary>
        public const int Outputs = 2;

        /// <summary>Samples per optimizer step.</summary>
        public const int BatchSize = 8;

        /// <summary>Optimizer steps the firmware takes.</summary>
        public const int Steps = 400;

        /// <summary>Print the loss every this many steps.</summary>
        public const int ReportEvery = 50;

        public static void Main()
        {
            Console.WriteLine("WeightDecay.Edge: fine-tuning SensorHead (3 -> 2, " + SensorHead.ParameterCount.ToString() + " parameters) with AdamW");
            float loss = Train(Steps, ReportEvery);
            Console.WriteLine("Done: loss " + FormatLoss(loss) + " after " + Steps.ToString() + " steps");
            Thread.Sleep(Timeout.Infinite);
        }

        /// <summary>
        /// The loss with six decimals, worked out in integers, and its exact float bits: nanoCLR's float
        /// formatting keeps only six significant digits, so "0.000123" could not tell two runs apart, while
        /// "0.000123 (0x39010a3b)" reads the same on the board, in the emulator and on .NET and compares
        /// bit for bit.
        /// </summary>
        public static string FormatLoss(float loss)
        {
            if (float.IsNaN(loss) || float.IsInfinity(loss) || loss < 0f || 1e12f < loss)
            {
                return loss.ToString();
            }

            long micro = (long)((loss * 1000000.0) + 0.5);
            string fraction = (micro % 1000000).ToString();
            while (fraction.Length < 6)
            {
                fraction = "0" + fraction;
            }

            uint bits = (uint)BitConverter.ToInt32(BitConverter.GetBytes(loss), 0);
            return (micro / 1000000).ToString() + "." + fraction + " (0x" + bits.ToString("x8") + ")";
        }

        /// <summary>
        /// Trains a fresh <see cref="SensorHead"/> for <paramref name="steps"/> steps on synthetic
        /// sensor data and returns the mean squared error of the last batch (before its step).
        /// Prints the loss at step 1 and every <paramref name="reportEvery"/> steps.
        /// </summary>
        public static float Train(int steps, int reportEvery)
        {
            var model = new SensorHead();
            var optimizer = new SensorHead.AdamWOptimizer(model)
            {
                LearningRate = 0.05f,
                WeightDecay = 0.01f,
            };

            var sensors = new SensorSimulator(20240611u);
            for (int i = 0; i < SensorHead.WLength; i++)
            {
                model.Parameters[SensorHead.WOffset + i] = 0.1f * sensors.NextSigned();
            }

            float[] x = new float[BatchSize * Inputs];
            float[] y = new float[BatchSize * Outputs];
            float loss = 0f;
            for (int step = 1; step <= steps; step++)
            {
                sensors.NextBatch(x, y, BatchSize);
                loss = LossAndGradients(model, x, y, BatchSize);
                optimizer.Step();
                if (step == 1 || step % reportEvery == 0)
                {
                    Console.WriteLine("step " + step.ToString() + "  loss " + FormatLoss(loss));
                }
            }

            return loss;
        }

        /// <summary>
        /// Forward pass, mean squared error and its gradient by hand: for prediction
        /// p[n,j] = B[j] + sum_i x[n,i] W[i,j] and loss L = mean over n, j of (p - y)^2,
        /// dL/dp = 2 (p - y) / (batch * Outputs), dL/dW[i,j] = sum_n x[n,i] dL/dp[n,j],
        /// dL/dB[j] = sum_n dL/dp[n,j]. Overwrites <see cref="SensorHead.Gradients"/>.
        /// </summary>
        public static float LossAndGradients(SensorHead model, float[] x, float[] y, int batch)
        {
            float[] p = model.Parameters;
            float[] g = model.Gradients;
            model.ZeroGrad();
            float scale = 1f / (batch * Outputs);
            float sum = 0f;
            for (int n = 0; n < batch; n++)
            {
                for (int j = 0; j < Outputs; j++)
                {
                    float prediction = p[SensorHead.BOffset + j];
                    for (int i = 0; i < Inputs; i++)
                    {
                        prediction += x[n * Inputs + i] * p[SensorHead.WOffset + i * Outputs + j];
                    }

                    float error = prediction - y[n * Outputs + j];
                    sum += error * error;
                    float dPrediction = 2f * error * scale;
                    g[SensorHead.BOffset + j] += dPrediction;
                    for (int i = 0; i < Inputs; i++)
                    {
                        g[SensorHead.WOffset + i * Outputs + j] += x[n * Inputs + i] * dPrediction;
                    }
                }
            }

            return sum * scale;
        }
    }

    /// <summary>
    /// Synthetic sensors: readings uniform in [-1, 1) from a 32-bit linear congruential generator
    /// (Numerical Recipes constants), targets from a fixed linear map plus a little noise.
    /// Deterministic, so every board (and the test on .NET) sees the same data.
    /// </summary>
    public sealed class SensorSimulator
    {
        private static readonly float[] s_teacherW = { 0.8f, -0.5f, 0.3f, 0.9f, -0.6f, 0.2f };
        private static readonly float[] s_teacherB = { 0.1f, -0.3f };
        private uint _state;

        public SensorSimulator(uint seed)
        {
            _state = seed;
        }

        /// <summary>A number uniform in [-1, 1), on a grid of 2^-23.</summary>
        public float NextSigned()
        {
            _state = unchecked(_state * 1664525u + 1013904223u);
            return (int)(_state >> 8) * (2f / 16777216f) - 1f;
        }

        /// <summary>Fills <paramref name="x"/> with readings and <paramref name="y"/> with their targets.</summary>
        public void NextBatch(float[] x, float[] y, int batch)
        {
            for (int n = 0; n < batch; n++)
            {
                for (int i = 0; i < Program.Inputs; i++)
                {
                    x[n * Program.Inputs + i] = NextSigned();
                }

                for (int j = 0; j < Program.Outputs; j++)
                {
                    float target = s_teacherB[j];
                    for (int i = 0; i < Program.Inputs; i++)
                    {
                        target += x[n * Program.Inputs + i] * s_teacherW[i * Program.Outputs + j];
                    }

                    y[n * Program.Outputs + j] = target + 0.01f * NextSigned();
                }
            }
        }
    }
}
