using System.Security.Cryptography;
using PercepNet.Tests.Cli;

namespace PercepNet.Tests.Packaging;

/// <summary>
/// The self-contained single-file tool (scripts/build-single-file.sh, or the build in $PERCEPNET_SINGLE_FILE that CI
/// makes once) runs with an empty environment: no dotnet on PATH, no DOTNET_ROOT, no HOME, no locale.
/// </summary>
public sealed class SingleFileTests(SingleFileTests.Build build) : IClassFixture<SingleFileTests.Build>
{
    public sealed class Build : IDisposable
    {
        private readonly ScriptBuilds _builds = new();

        public Build() => Binary = Path.Combine(_builds.FolderOf("PERCEPNET_SINGLE_FILE", "build-single-file.sh"), "percepnet");

        public string Binary { get; }

        public void Dispose() => _builds.Dispose();
    }

    private static (int Code, string Output) RunWithEmptyEnvironment(params string[] arguments)
    {
        ChildProcess.Result result = ChildProcess.Run("/usr/bin/env", ["-i", .. arguments]);
        return (result.Code, result.Output);
    }

    [Fact]
    public void TheBinaryRunsWithAnEmptyEnvironmentAndGivesTheRecordedOutput()
    {
        string folder = Directory.CreateTempSubdirectory("percepnet-single-run-").FullName;
        try
        {
            string output = Path.Combine(folder, "denoised.wav");
            (int code, string text) = RunWithEmptyEnvironment(build.Binary, "denoise", Repository.PathOf("examples", "noisy.wav"), "-o", output);
            Assert.True(code == 0, text);
            Assert.Equal(ReferenceOutputTests.Pcm16Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(output))));

            // As a Kubernetes Indexed Job runs it: the index from the environment, the count from --shards.
            (code, text) = RunWithEmptyEnvironment("JOB_COMPLETION_INDEX=0", build.Binary, "denoise", Repository.PathOf("examples"),
                "--root", Repository.PathOf("examples"), "-o", Path.Combine(folder, "batch"), "--shards", "1");
            Assert.True(code == 0, text);
            Assert.Contains("from JOB_COMPLETION_INDEX", text, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder, "batch", "noisy.wav")), text);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
