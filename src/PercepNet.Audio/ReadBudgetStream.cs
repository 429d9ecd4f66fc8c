namespace PercepNet.Audio;

/// <summary>
/// A read-only view of a seekable stream that fails once more than <c>budget</c> bytes have been read through it in
/// all: a decoder that keeps re-reading a malformed file (seeking back and reading the same pages again) ends with an
/// <see cref="IOException"/> instead of running forever. A healthy decode reads a file about once or twice.
/// </summary>
internal sealed class ReadBudgetStream(Stream inner, long budget) : Stream
{
    private long _left = budget;

    /// <summary>A budget of <paramref name="multiple"/> times the stream's length plus 1 MiB.</summary>
    public static ReadBudgetStream Around(Stream inner, int multiple = 16) =>
        new(inner, (multiple * inner.Length) + (1 << 20));

    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        _left -= n;
        if (_left < 0)
        {
            throw new IOException("the decoder keeps re-reading the file (malformed data)");
        }

        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
