using Microsoft.Win32.SafeHandles;

namespace PercepNet.Cli.Commands;

/// <summary>
/// Standard output for audio. .NET's console stream ignores a closed pipe (EPIPE) on Unix and the runtime ignores
/// SIGPIPE, so `percepnet stream | head` would write into nothing for ever and `denoise -o - | head` would report
/// success. Writing through a file stream on descriptor 1 instead makes a closed reader a
/// <see cref="WriteFailedException"/> (an IOException), which the commands report as exit 4 and tell apart from a
/// failure to read their input. The stream never seeks, as the console's did not: a file opened for appending (`>>`)
/// would otherwise get its WAV header rewritten at its end.
/// </summary>
internal static class StandardOutput
{
    public static Stream Open() => new Guarded(OperatingSystem.IsWindows()
        ? Console.OpenStandardOutput()
        : new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0));

    /// <summary>Standard output could not be written (most often: its reader has gone).</summary>
    public sealed class WriteFailedException(string message, Exception inner) : IOException(message, inner);

    /// <summary>Writes only, straight through, each failure a <see cref="WriteFailedException"/>.</summary>
    private sealed class Guarded(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                inner.Write(buffer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new WriteFailedException(e.Message.TrimEnd('.'), e);
            }
        }

        public override void Flush()
        {
            try
            {
                inner.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new WriteFailedException(e.Message.TrimEnd('.'), e);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
