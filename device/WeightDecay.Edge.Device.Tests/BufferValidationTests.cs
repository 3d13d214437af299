using System.Reflection;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// On both targets, a buffer of the wrong length handed to a layout's copy methods is rejected
/// with ArgumentException (ArgumentNullException for null) before anything is written.
/// </summary>
public class BufferValidationTests
{
    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (string target in new[] { "desktop", "device" })
        {
            foreach (string method in new[] { "CopyParametersFrom", "CopyParametersTo", "CopyGradientsFrom" })
            {
                foreach (int delta in new[] { -1, 1, int.MinValue })
                {
                    data.Add(target, method, delta);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Wrong_length_is_rejected_before_anything_is_written(string target, string method, int delta)
    {
        Type layoutType = LayoutType(target, "OddLayout");
        object model = Activator.CreateInstance(layoutType)!;
        int count = (int)layoutType.GetField("ParameterCount")!.GetValue(null)!;
        float[] parameters = (float[])layoutType.GetField("Parameters")!.GetValue(model)!;
        float[] gradients = (float[])layoutType.GetField("Gradients")!.GetValue(model)!;
        for (int i = 0; i < count; i++)
        {
            parameters[i] = i + 0.5f;
            gradients[i] = -i;
        }

        float[] before = [.. parameters, .. gradients];
        float[]? buffer = delta == int.MinValue ? null : Enumerable.Repeat(7f, count + delta).ToArray();
        MethodInfo copy = layoutType.GetMethod(method, [typeof(float[])])!;

        var thrown = Assert.Throws<TargetInvocationException>(() => copy.Invoke(model, [buffer]));
        Assert.IsAssignableFrom<ArgumentException>(thrown.InnerException);
        if (buffer is null)
        {
            Assert.IsType<ArgumentNullException>(thrown.InnerException);
        }
        else
        {
            Assert.Contains(count.ToString(System.Globalization.CultureInfo.InvariantCulture), thrown.InnerException!.Message);
            Assert.All(buffer, value => Assert.Equal(7f, value)); // The caller's buffer is untouched too.
        }

        float[] after = [.. parameters, .. gradients];
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("device")]
    public void Right_length_copies_in_flat_order(string target)
    {
        Type layoutType = LayoutType(target, "KeywordHead");
        object model = Activator.CreateInstance(layoutType)!;
        int count = (int)layoutType.GetField("ParameterCount")!.GetValue(null)!;
        float[] source = Enumerable.Range(0, count).Select(i => i * 0.25f).ToArray();
        layoutType.GetMethod("CopyParametersFrom", [typeof(float[])])!.Invoke(model, [source]);
        float[] destination = new float[count];
        layoutType.GetMethod("CopyParametersTo", [typeof(float[])])!.Invoke(model, [destination]);
        Assert.Equal(source, destination);
        Assert.Equal(source, (float[])layoutType.GetField("Parameters")!.GetValue(model)!);
    }

    private static Type LayoutType(string target, string name)
    {
        string fullName = "WeightDecay.Edge.Device.Samples." + name;
        return target == "device"
            ? DeviceAssembly.GetType(fullName)
            : typeof(WeightDecay.Edge.Device.Samples.KeywordHead).Assembly.GetType(fullName, throwOnError: true)!;
    }
}
