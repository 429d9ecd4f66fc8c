namespace PercepNet.Audio;

/// <summary>
/// A read-only, seekable view of a stream from <paramref name="offset"/> on, that fails once more than
/// <paramref name="budget"/> bytes have been read through it in all. The offset hides what a decoder must not see
/// (the MP3 reader's Xing/Info frame); the budget ends a decoder that keeps re-reading a malformed file (seeking back
/// and reading the same pages again) with an <see cref="IOException"/> instead of running for ever. A healthy
/// decode reads a file about once or twice. An <paramref name="end"/> hides what follows it (a cut-off last page).
/// </summary>
internal sealed class ReadOnlyStreamView(Stream inner, long offset = 0, long budget = long.MaxValue, long? end = null) : Stream
{
    private readonly long _offset = Math.Min(offset, inner.Length);
    private readonly long _end = Math.Min(end ?? inner.Length, inner.Length);
    private long _left = budget;

    /// <summary>The stream up to <paramref name="end"/> (all of it by default), with a budget of <paramref name="multiple"/> times that length plus 1 MiB.</summary>
    public static ReadOnlyStreamView WithReadBudget(Stream inner, int multiple = 16, long? end = null) =>
        new(inner, 0, (multiple * (end ?? inner.Length)) + (1 << 20), end);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _end - _offset;

    public override long Position
    {
        get => inner.Position - _offset;
        set => inner.Position = _offset + value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer[..(int)Math.Clamp(_end - inner.Position, 0, buffer.Length)]);
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
        _ => inner.Seek(_end + offset, SeekOrigin.Begin) - _offset,
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
