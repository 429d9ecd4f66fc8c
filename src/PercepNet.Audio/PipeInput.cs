using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PercepNet.Audio;

/// <summary>
/// Opens a named pipe (a FIFO, or the /dev/fd/N of a shell's process substitution) for reading without the wait for
/// ever that a plain open risks: the pipe is opened without blocking, and its first bytes (or its writer's end) are
/// awaited for at most <see cref="WriterWait"/>. A FIFO that no program writes to is then refused with one line.
/// </summary>
internal static partial class PipeInput
{
    /// <summary>How long a pipe may stay without a writer before it is refused.</summary>
    public static readonly TimeSpan WriterWait = TimeSpan.FromSeconds(10);

    private const int ReadOnlyNonBlocking = 0x800; // O_RDONLY | O_NONBLOCK on Linux (x86-64 and ARM64)
    private const int CloseOnExec = 0x80000;
    private const int GetFlags = 3;
    private const int SetFlags = 4;
    private const short PollIn = 0x1;
    private const int Interrupted = 4;

    /// <summary>
    /// The pipe at <paramref name="path"/> as a stream, once a writer has written to it or closed it; null when
    /// <paramref name="path"/> is not a pipe (a regular file or a device).
    /// </summary>
    /// <exception cref="AudioFormatException">The pipe cannot be opened, or nothing wrote to it within <see cref="WriterWait"/>.</exception>
    public static Stream? TryOpen(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        int fd = Open(path, ReadOnlyNonBlocking | CloseOnExec);
        if (fd < 0)
        {
            throw new AudioFormatException(path, $"cannot be read ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())})");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Seek(fd, 0, 1) >= 0)
            {
                handle.Dispose();
                return null; // it seeks: a file or a device, not a pipe
            }

            var poll = new PollFd { Descriptor = fd, Events = PollIn };
            int ready;
            var deadline = DateTime.UtcNow + WriterWait;
            do
            {
                int left = (int)Math.Max(0, (deadline - DateTime.UtcNow).TotalMilliseconds);
                ready = Poll(ref poll, 1, left);
            }
            while (ready < 0 && Marshal.GetLastPInvokeError() == Interrupted);

            if (ready == 0)
            {
                throw new AudioFormatException(path, $"is a pipe that no program wrote to within {WriterWait.TotalSeconds:0} s");
            }

            // Data or the writer's end: reads may now block, as on any pipe.
            int flags = Control(fd, GetFlags, 0);
            Control(fd, SetFlags, flags & ~0x800);
            return new FileStream(handle, FileAccess.Read, bufferSize: 0);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long Seek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, ulong count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Control(int fd, int command, int argument);
}
