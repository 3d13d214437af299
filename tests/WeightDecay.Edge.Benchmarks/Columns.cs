using System;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace WeightDecay.Edge.Benchmarks;

/// <summary>
/// Columns that make layouts of different sizes comparable: nanoseconds per parameter per step, and
/// the bandwidth the step achieves counting only the bytes it must move (28 per parameter for
/// Adam/AdamW, 20 for SGD with momentum, as the memory-floor rows do).
/// </summary>
public sealed class PerParameterColumn : IColumn
{
    private readonly bool _bandwidth;

    private PerParameterColumn(bool bandwidth) => _bandwidth = bandwidth;

    /// <summary>Mean time divided by the layout's parameter count.</summary>
    public static IColumn NanosecondsPerParameter { get; } = new PerParameterColumn(bandwidth: false);

    /// <summary>Minimum bytes moved divided by the mean time, in GB/s.</summary>
    public static IColumn Bandwidth { get; } = new PerParameterColumn(bandwidth: true);

    /// <inheritdoc/>
    public string Id => _bandwidth ? "WeightDecay.Edge.GBps" : "WeightDecay.Edge.NsPerParam";

    /// <inheritdoc/>
    public string ColumnName => _bandwidth ? "GB/s" : "ns/param";

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => _bandwidth ? 1 : 0;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => _bandwidth
        ? "Minimum bytes a step must move (28/param Adam, AdamW and ReadFourWriteThree; 20/param SGD and ReadThreeWriteTwo) / Mean, in GB/s"
        : "Mean / parameter count: nanoseconds per parameter per step";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not double mean || mean <= 0 || benchmarkCase.Parameters["Layout"] is not LayoutCase layout)
        {
            return "NA";
        }

        int n = layout.ParameterCount;
        if (!_bandwidth)
        {
            return (mean / n).ToString("0.000", CultureInfo.InvariantCulture);
        }

        string type = benchmarkCase.Descriptor.Type.Name;
        string method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        double bytesPerParameter = type == nameof(SgdBenchmarks) || method == nameof(MemoryFloorBenchmarks.ReadThreeWriteTwo) ? 20 : 28;
        return (bytesPerParameter * n / mean).ToString("0.0", CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc/>
    public override string ToString() => ColumnName;
}
