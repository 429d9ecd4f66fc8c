using PercepNet.Network;

namespace PercepNet.Tests.Network;

/// <summary>PERCEPNET_KERNELS picks the kernel path every network uses, for measurement; read once at start-up.</summary>
public class KernelPathTests
{
    [Theory]
    [InlineData("portable", "Portable")]
    [InlineData("Vector128", "Vector128")]
    [InlineData("VECTOR128", "Vector128")]
    public void ANameThisCpuRunsIsChosen(string name, string expected) => Assert.Equal(expected, KernelPaths.Chosen(name).ToString());

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("neon")]
    [InlineData("7")]
    public void NoNameOrAnUnknownOneLeavesTheFastestPath(string? name) => Assert.Null(KernelPaths.Chosen(name));

    [Fact]
    public void APathThisCpuCannotRunIsNotChosen()
    {
        foreach (KernelPath path in Enum.GetValues<KernelPath>().Where(p => !KernelPaths.IsSupported(p)))
        {
            Assert.Null(KernelPaths.Chosen(path.ToString()));
        }
    }

    [Theory]
    [InlineData("portable", "Portable")]
    [InlineData("vector128", "Vector128")]
    public void TheVariableSetsThePathOfAWholeProcess(string value, string expected)
    {
        ChildProcess.Result result = ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "PercepNet.PlatformCheck.dll"), "report"],
            new Dictionary<string, string> { [KernelPaths.Variable] = value });
        Assert.True(result.Code == 0, result.Output);
        Assert.Contains($"default-kernel-path {expected}\n", result.Output, StringComparison.Ordinal);
    }
}
