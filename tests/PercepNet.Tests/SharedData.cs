namespace PercepNet.Tests;

/// <summary>Finds ../shared/data beside the repository (or $PERCEPNET_DATA); tests that need it are skipped without it.</summary>
internal static class SharedData
{
    public static string? Directory { get; } = Find();

    private static string? Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("PERCEPNET_DATA");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return System.IO.Directory.Exists(fromEnvironment) ? fromEnvironment : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PercepNet.slnx")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                return System.IO.Directory.Exists(Path.Combine(candidate, "speech")) ? candidate : null;
            }
        }

        return null;
    }

    public static string Require()
    {
        Skip.If(Directory is null, "../shared/data (or $PERCEPNET_DATA) is not present: this test needs real speech and noise.");
        return Directory!;
    }
}
