namespace PercepNet.Tests;

/// <summary>
/// The builds that test fixtures need from the repository's scripts (the native library, the single-file tool, the
/// arm64 builds): the folder CI built once and named in an environment variable, or a fresh build into a temporary
/// folder, deleted with this object.
/// </summary>
internal sealed class ScriptBuilds : IDisposable
{
    private readonly List<string> _temporary = [];

    /// <summary>The folder that <paramref name="variable"/> names, or one that scripts/<paramref name="script"/> FOLDER <paramref name="arguments"/> builds.</summary>
    public string FolderOf(string variable, string script, params string[] arguments)
    {
        string? given = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(given))
        {
            return given;
        }

        string folder = NewFolder(Path.GetFileNameWithoutExtension(script));
        ChildProcess.Run("bash", [Repository.PathOf("scripts", script), folder, .. arguments]).Check(script);
        return folder;
    }

    /// <summary>An empty temporary folder, deleted with this object.</summary>
    public string NewFolder(string purpose)
    {
        string folder = Directory.CreateTempSubdirectory($"percepnet-{purpose}-").FullName;
        _temporary.Add(folder);
        return folder;
    }

    public void Dispose()
    {
        foreach (string folder in _temporary)
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
