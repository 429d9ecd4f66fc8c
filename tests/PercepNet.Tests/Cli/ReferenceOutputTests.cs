using System.Security.Cryptography;

namespace PercepNet.Tests.Cli;

[Collection(nameof(ConsoleCollection))]
public sealed class ReferenceOutputTests : IDisposable
{
    // SHA-256 of 'percepnet denoise examples/noisy.wav -o OUT' (16-bit PCM) and with --float, with the embedded model 7
    // (identical on the AVX2 and portable kernels: DOTNET_EnableHWIntrinsic=0 gives the same bytes). scripts/check-packages.sh
    // reads Pcm16Sha256 below to check the installed packages against it.
    internal const string Pcm16Sha256 = "2428bc48c7e1f650acdec0ac2fe9a821ac8996a22b9ba0c42fef576feab5009c";
    private const string Float32 = "6e24c3e71ef9aa21f5c420e67b75bfa5473a13c43f1e55c53a9882be3ba2fad6";

    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-reference-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(false, Pcm16Sha256)]
    [InlineData(true, Float32)]
    public void TheExampleDenoisesToTheRecordedBytes(bool asFloat, string expected)
    {
        string output = Path.Combine(_root, "denoised.wav");
        string[] args = ["denoise", Repository.PathOf("examples", "noisy.wav"), "-o", output, .. asFloat ? new[] { "--float" } : []];
        var result = CliRunner.Run(args);
        Assert.True(result.Code == 0, result.Error);
        Assert.Equal(expected, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(output))));
    }
}
