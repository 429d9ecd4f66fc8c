using Microsoft.Win32.SafeHandles;

namespace PercepNet.Cli.Commands;

/// <summary>
/// Standard output for audio. .NET's console stream ignores a closed pipe (EPIPE) on Unix and the runtime ignores
/// SIGPIPE, so `percepnet stream | head` would write into nothing for ever and `denoise -o - | head` would report
/// success. Writing through a file stream on descriptor 1 instead makes a closed reader an IOException, which the
/// commands report as exit 4.
/// </summary>
internal static class StandardOutput
{
    public static Stream Open() => OperatingSystem.IsWindows()
        ? Console.OpenStandardOutput()
        : new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
}
