using System.Buffers.Binary;

namespace PercepNet.Audio;

/// <summary>
/// Finds the RIFF/WAVE headers that would send NLayer's frame search into an endless loop, so that such a stream is
/// refused before NLayer sees it (found by fuzzing). Until it has found its first MPEG frame, NLayer takes every
/// "RIFF" followed by "WAVEfmt " as the header of an MP3-in-WAV file and walks its chunks by their 32-bit sizes to
/// the "data" chunk. A size that points a gigabyte ahead makes its read buffer's growth overflow and spin; a size of
/// −8 makes the walk step onto its own size field for ever, and other negative sizes send it backwards into bytes
/// that may lead anywhere. This replays that walk on the stream's own bytes and calls a header hazardous when a read
/// would land far past the end of the stream or half a gigabyte ahead of NLayer's buffer, or the walk comes back to
/// where it was; the walk of a genuine MP3-in-WAV header ends at its "data" chunk within a few steps.
/// </summary>
internal static class Mp3RiffHeaderCheck
{
    /// <summary>How far past the end of the stream a read may be asked for before the header counts as hazardous.</summary>
    private const long EndSlack = 64 * 1024;

    /// <summary>How far past the start of NLayer's read buffer a read may be asked for: its size doubles in 32-bit arithmetic.</summary>
    private const long ReachLimit = 1L << 29;

    /// <summary>The largest read buffer NLayer keeps: its start lies at most this far before the tag.</summary>
    private const long MaxBuffer = 16 * 1024;

    /// <summary>Steps after which a walk counts as endless (a genuine header takes a handful).</summary>
    private const int MaxSteps = 100_000;

    /// <summary>
    /// The position of the first RIFF/WAVE header in <paramref name="stream"/> (seekable; read from position 0 and
    /// left at 0) whose chunk walk NLayer could not finish; null when there is none.
    /// </summary>
    public static long? FindHazard(Stream stream)
    {
        long length = stream.Length;
        var block = new byte[64 * 1024];
        var header = new byte[16];
        long blockStart = 0;
        try
        {
            while (blockStart < length)
            {
                stream.Position = blockStart;
                int got = stream.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
                if (got < 4)
                {
                    break;
                }

                ReadOnlySpan<byte> span = block.AsSpan(0, got);
                for (int at = span.IndexOf("RIFF"u8); at >= 0;)
                {
                    long tag = blockStart + at;
                    if (ReadAt(stream, tag, header) == 16 && header.AsSpan(8, 8).SequenceEqual("WAVEfmt "u8) && !WalkEnds(stream, tag, length))
                    {
                        return tag;
                    }

                    int next = span[(at + 1)..].IndexOf("RIFF"u8);
                    at = next < 0 ? -1 : at + 1 + next;
                }

                // Blocks overlap by three bytes, so that a tag across a block boundary is still seen.
                blockStart += got == block.Length ? got - 3 : got;
            }

            return null;
        }
        finally
        {
            stream.Position = 0;
        }
    }

    /// <summary>
    /// Replays NLayer's walk from the "fmt " chunk's size at <paramref name="tag"/> + 16, offsets and all (an int
    /// that wraps, relative to the tag, free to step backwards); false when it would not end.
    /// </summary>
    private static bool WalkEnds(Stream stream, long tag, long length)
    {
        var walk = new Walk(stream, tag, length);
        var visited = new HashSet<int>();
        int offset = 16;
        for (int step = 0; step < MaxSteps; step++)
        {
            if (!visited.Add(offset))
            {
                return false; // back where it was: NLayer goes round for ever
            }

            if (walk.Read(offset) is not Outcome.Read and var size)
            {
                return size == Outcome.Ends;
            }

            offset = unchecked(offset + 4 + walk.Value);
            if (walk.Read(offset) is not Outcome.Read and var id)
            {
                return id == Outcome.Ends;
            }

            offset = unchecked(offset + 4);
            if (walk.Value == DataId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"data" as NLayer reads it: four bytes, little-endian.</summary>
    private static readonly int DataId = BinaryPrimitives.ReadInt32LittleEndian("data"u8);

    private enum Outcome
    {
        Read,
        Ends,
        Hazard,
    }

    /// <summary>The reads of one walk, and the lowest position NLayer's read buffer may start at.</summary>
    private sealed class Walk(Stream stream, long tag, long length)
    {
        private readonly byte[] _word = new byte[4];
        private long _bufferStart = Math.Max(0, tag - MaxBuffer);

        public int Value { get; private set; }

        /// <summary>
        /// Reads the four bytes at <paramref name="offset"/> from the tag. NLayer throws for a position before the
        /// stream (the walk ends) and reads short near the end (it ends too), but a read far past the end, or so far
        /// ahead of where its buffer starts that doubling the buffer's size overflows, never returns.
        /// </summary>
        public Outcome Read(int offset)
        {
            long at = tag + offset;
            if (at < 0)
            {
                return Outcome.Ends;
            }

            if (at - _bufferStart >= ReachLimit)
            {
                return Outcome.Hazard;
            }

            if (at + 4 > length)
            {
                return at > length + EndSlack ? Outcome.Hazard : Outcome.Ends;
            }

            _bufferStart = Math.Min(_bufferStart, at); // a read behind the buffer restarts it there
            if (ReadAt(stream, at, _word) < 4)
            {
                return Outcome.Ends;
            }

            Value = BinaryPrimitives.ReadInt32LittleEndian(_word);
            return Outcome.Read;
        }
    }

    private static int ReadAt(Stream stream, long position, byte[] buffer)
    {
        stream.Position = position;
        return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
    }
}
