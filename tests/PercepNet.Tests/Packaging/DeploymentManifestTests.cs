namespace PercepNet.Tests.Packaging;

/// <summary>
/// The Kubernetes Job as a cluster would apply it: pods that run as the image's unprivileged user on a volume made
/// writable to it, with the corpus mounted read-only.
/// </summary>
public sealed class DeploymentManifestTests
{
    private static readonly string[] Manifest = File.ReadAllLines(Repository.PathOf("deploy", "kubernetes", "denoise-indexed-job.yaml"));

    private static string Value(string key) =>
        Manifest.Select(l => l.Trim()).Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    [Fact]
    public void PodsRunAsTheImagesUserOnAVolumeMadeWritableToIt()
    {
        string user = File.ReadAllLines(Repository.PathOf("deploy", "Dockerfile")).Single(l => l.StartsWith("USER ", StringComparison.Ordinal))[5..].Split(':')[0];
        Assert.Equal("true", Value("runAsNonRoot"));
        Assert.Equal(user, Value("runAsUser"));
        Assert.Equal(user, Value("fsGroup"));
        Assert.Equal("false", Value("allowPrivilegeEscalation"));
        Assert.Equal("true", Value("readOnlyRootFilesystem"));
    }

    [Fact]
    public void TheInputIsMountedReadOnlyAndTheOutputWritable()
    {
        string[] args = Value("args").Trim('[', ']').Split(',').Select(a => a.Trim().Trim('"')).ToArray();
        string input = args[1], output = args[Array.IndexOf(args, "-o") + 1];
        int inputMount = Array.FindIndex(Manifest, l => l.Trim() == $"mountPath: {input}");
        int outputMount = Array.FindIndex(Manifest, l => l.Trim() == $"mountPath: {output}");
        Assert.True(inputMount > 0 && outputMount > 0, "the input and output folders are mounts of their own");
        string[] MountLines(int at) => [.. Manifest.Skip(at).TakeWhile((l, i) => i == 0 || !l.TrimStart().StartsWith("- ", StringComparison.Ordinal)).Select(l => l.Trim())];
        Assert.Contains("readOnly: true", MountLines(inputMount));
        Assert.DoesNotContain("readOnly: true", MountLines(outputMount));
    }
}
