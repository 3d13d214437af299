using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;

namespace WeightDecay.Edge.Demo.Tests;

public class DigitsDataTests
{
    [Fact]
    public void The_shipped_data_set_is_the_shared_file_and_loads_1797_digits()
    {
        byte[] hash = SHA256.HashData(File.ReadAllBytes(Rows.ShippedDataPath));
        Assert.Equal("46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a", Convert.ToHexStringLower(hash));

        Digit[] digits = DigitsData.Load(Rows.ShippedDataPath);

        Assert.Equal(1797, digits.Length);
        Assert.Equal(Enumerable.Range(0, 10), digits.Select(d => d.Label).Distinct().Order());
        Assert.All(digits, d => Assert.Equal(64, d.Pixels.Length));
        Assert.All(digits, d => Assert.All(d.Pixels, p => Assert.InRange(p, 0f, 1f)));
    }

    [Fact]
    public void A_missing_file_is_named_in_the_message()
    {
        using var folder = new TempFolder();
        string path = folder.File("nothere.csv.gz");

        var e = Assert.Throws<DemoException>(() => DigitsData.Load(path));

        Assert.Equal($"data file not found: {path} (pass --data PATH, or run from the repository, which ships data/digits.csv.gz)", e.Message);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_columns_is_reported_with_its_line()
    {
        using var folder = new TempFolder();
        string path = folder.WriteGzip("short.csv.gz", Rows.Valid(1) + "\n" + Rows.Valid(2)[..Rows.Valid(2).LastIndexOf(',')] + "\n");

        var e = Assert.Throws<DemoException>(() => DigitsData.Load(path));

        Assert.Equal($"{path}: line 2: expected 65 comma-separated values (64 pixels and a label), found 64", e.Message);
    }

    [Fact]
    public void A_non_numeric_value_is_reported_with_its_line_and_column()
    {
        string[] fields = Rows.Valid(4).Split(',');
        fields[4] = "abc";

        var e = Assert.Throws<DemoException>(() => DigitsData.Parse(new StringReader(Rows.Valid(0) + "\n" + Rows.Valid(1) + "\n" + string.Join(",", fields)), "digits.csv"));

        Assert.Equal("digits.csv: line 3, column 5: 'abc' is not an integer", e.Message);
    }

    [Fact]
    public void A_fractional_value_is_not_an_integer()
    {
        string[] fields = Rows.Valid(4).Split(',');
        fields[0] = "2.5";

        var e = Assert.Throws<DemoException>(() => DigitsData.Parse(new StringReader(string.Join(",", fields)), "d.csv"));

        Assert.Equal("d.csv: line 1, column 1: '2.5' is not an integer", e.Message);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(-1)]
    public void A_label_out_of_range_is_reported_with_its_line_and_column(int label)
    {
        var e = Assert.Throws<DemoException>(() => DigitsData.Parse(new StringReader(Rows.Valid(label)), "d.csv"));

        Assert.Equal($"d.csv: line 1, column 65: label {label} is out of range 0..9", e.Message);
    }

    [Fact]
    public void A_pixel_out_of_range_is_reported_with_its_line_and_column()
    {
        string[] fields = Rows.Valid(4).Split(',');
        fields[63] = "17";

        var e = Assert.Throws<DemoException>(() => DigitsData.Parse(new StringReader(string.Join(",", fields)), "d.csv"));

        Assert.Equal("d.csv: line 1, column 64: pixel 17 is out of range 0..16", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_gzip_is_reported()
    {
        using var folder = new TempFolder();
        string path = folder.File("plain.csv.gz");
        File.WriteAllText(path, Rows.Valid(1));

        var e = Assert.Throws<DemoException>(() => DigitsData.Load(path));

        Assert.StartsWith($"{path}: not a valid gzip file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_reported()
    {
        using var folder = new TempFolder();
        string path = folder.WriteGzip("empty.csv.gz", "\n");

        var e = Assert.Throws<DemoException>(() => DigitsData.Load(path));

        Assert.Equal($"{path}: no rows", e.Message);
    }

    [Fact]
    public void Pixels_are_scaled_to_0_1_and_blank_lines_are_skipped()
    {
        Digit[] digits = DigitsData.Parse(new StringReader(Rows.Valid(7, pixel: 0) + "\r\n\r\n" + Rows.Valid(3, pixel: 16) + "\r\n"), "d.csv");

        Assert.Equal([7, 3], digits.Select(d => d.Label));
        Assert.Equal(0f, digits[0].Pixels[0]);
        Assert.Equal(1f, digits[1].Pixels[0]);
        Assert.Equal(1f / 16, digits[0].Pixels[1]);
    }
}
