namespace PercepNet.Audio;

/// <summary>
/// A read-only, seekable view of a stream from <paramref name="offset"/> on, that fails once more than
/// <paramref name="budget"/> bytes have been read through it in all. The offset hides what a decoder must not see
/// (the MP3 reader's Xing/Info frame); the budget ends a decoder that keeps re-reading a malformed file (seeking back
/// and reading the same pages again) with an <see cref="IOException"/> instead of running for ever. A healthy
/// decode reads a file about once or twice.
/// </summary>
internal sealed class ReadOnlyStreamView(Stream inner, long offset = 0, long budget = long.MaxValue) : Stream
{
    private readonly long _offset = Math.Min(offset, inner.Length);
    private long _left = budget;

    /// <summary>The whole stream, with a budget of <paramref name="multiple"/> times its length plus 1 MiB.</summary>
    public static ReadOnlyStreamView WithReadBudget(Stream inner, int multiple = 16) =>
        new(inner, 0, (multiple * inner.Length) + (1 << 20));

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => inner.Length - _offset;

    public override long Position
    {
        get => inner.Position - _offset;
        set => inner.Position = _offset + value;
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

    public override long Seek(long offset, SeekOrigin origin) => origin switch
    {
        SeekOrigin.Begin => inner.Seek(_offset + offset, SeekOrigin.Begin) - _offset,
        SeekOrigin.Current => inner.Seek(offset, SeekOrigin.Current) - _offset,
        _ => inner.Seek(offset, SeekOrigin.End) - _offset,
    };

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
