namespace PercepNet.Tests;

/// <summary>The repository the tests were built from (the folder holding PercepNet.slnx).</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PercepNet.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The tests do not run from inside the repository.");
    }
}
