namespace PercepNet.Tests.Packaging;

public class PublicApiTests
{
    [Fact]
    public void TheRuntimeShowsASmallFaceInOneNamespace()
    {
        Type[] exported = typeof(Denoiser).Assembly.GetExportedTypes();
        Assert.InRange(exported.Length, 1, 12);
        Assert.All(exported, t => Assert.Equal("PercepNet", t.Namespace));
        Assert.Equal(
            ["Denoiser", "DenoiserOptions", "Model", "ModelFormatException", "Quantisation", "StreamDenoiser"],
            exported.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheRuntimeReferencesNothingButTheFramework()
    {
        string[] references = [.. typeof(Denoiser).Assembly.GetReferencedAssemblies().Select(a => a.Name!)];
        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal), name));
    }
}
