namespace PercepNet.Audio;

/// <summary>
/// Where a path really leads: its absolute form with every symbolic link (or junction) met on the way resolved, as
/// realpath(3) does, but also for paths whose last parts do not exist yet (an output about to be written). Two paths
/// that name one file through links resolve to the same string, so a check against writing over an input cannot be
/// fooled by a linked file or folder.
/// </summary>
internal static class ResolvedPath
{
    /// <summary>The most links followed before giving up, as the Linux kernel's limit (ELOOP).</summary>
    private const int MostLinks = 40;

    /// <summary>The resolved form of <paramref name="path"/>.</summary>
    /// <exception cref="IOException">A loop of links, or more than 40 links on the way.</exception>
    public static string Of(string path)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>();
        Push(pending, full[root.Length..]);
        string current = root;
        int links = 0;
        while (pending.TryPop(out string? part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            string next = Path.Combine(current, part);
            string? target = LinkTarget(next);
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MostLinks)
            {
                throw new IOException($"{path}: too many levels of symbolic links");
            }

            // The target's parts take the link's place; an absolute target restarts from its root.
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                Push(pending, target[current.Length..]);
            }
            else
            {
                Push(pending, target);
            }
        }

        return current;
    }

    /// <summary>Whether two paths lead to the same place once links are resolved.</summary>
    public static bool Same(string a, string b) =>
        string.Equals(Of(a), Of(b), OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Whether <paramref name="path"/> lies inside <paramref name="folder"/> (or is it), both already resolved.</summary>
    public static bool IsWithin(string path, string folder)
    {
        StringComparison comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        string prefix = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        return string.Equals(path, folder, comparison) || path.StartsWith(prefix, comparison);
    }

    private static void Push(Stack<string> pending, string relative)
    {
        string[] parts = relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    /// <summary>The text of the link at <paramref name="path"/>, or null when it is not a link (or does not exist).</summary>
    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
