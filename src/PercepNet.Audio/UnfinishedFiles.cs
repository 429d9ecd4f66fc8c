using System.Collections.Concurrent;

namespace PercepNet.Audio;

/// <summary>
/// The temporary files being written in this process (outputs not yet renamed into place). A program that is
/// interrupted (Ctrl-C, SIGTERM) calls <see cref="DeleteAll"/> before it exits, so that nothing half-written is left
/// behind; <see cref="WavWriter"/> registers its files here.
/// </summary>
public static class UnfinishedFiles
{
    private static readonly ConcurrentDictionary<string, byte> Paths = new(StringComparer.Ordinal);
    private static volatile bool _closed;

    /// <summary>Records a temporary file that is being written.</summary>
    /// <param name="path">Its full path.</param>
    /// <exception cref="OperationCanceledException">The process is stopping (<see cref="DeleteAll"/> was called); the file was deleted.</exception>
    public static void Register(string path)
    {
        Paths.TryAdd(path, 0);
        if (_closed)
        {
            File.Delete(path);
            Paths.TryRemove(path, out _);
            throw new OperationCanceledException("The process is stopping.");
        }
    }

    /// <summary>Forgets a temporary file (it was renamed into place or deleted).</summary>
    /// <param name="path">Its full path.</param>
    public static void Unregister(string path) => Paths.TryRemove(path, out _);

    /// <summary>
    /// Deletes every registered file that still exists, and any registered from now on; returns how many were deleted.
    /// For a process that is about to exit.
    /// </summary>
    public static int DeleteAll()
    {
        _closed = true;
        int deleted = 0;
        foreach (string path in Paths.Keys)
        {
            try
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                    deleted++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing more can be done while exiting.
            }

            Paths.TryRemove(path, out _);
        }

        return deleted;
    }
}
