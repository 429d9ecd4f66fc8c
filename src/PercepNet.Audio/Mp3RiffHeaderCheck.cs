using System.Buffers.Binary;

namespace PercepNet.Audio;

/// <summary>
/// Finds the RIFF/WAVE headers that would send NLayer's frame search into an endless loop, so that such a stream is
/// refused before NLayer sees it (found by fuzzing). Until it has found its first MPEG frame, NLayer takes every
/// "RIFF" followed by "WAVEfmt " as the header of an MP3-in-WAV file and walks its chunks by their 32-bit sizes to
/// the "data" chunk. A size that points a gigabyte ahead makes its read buffer's growth overflow and spin; a size of
/// −8 makes the walk step onto its own size field for ever. This replays that walk on the stream's own bytes and
/// calls a header hazardous when a read would land far past the end of the stream or half a gigabyte ahead, or a
/// step does not move the walk forward; the walk of a genuine MP3-in-WAV header ends at its "data" chunk within a
/// few steps.
/// </summary>
internal static class Mp3RiffHeaderCheck
{
    /// <summary>How far past the end of the stream a read may be asked for before the header counts as hazardous.</summary>
    private const long EndSlack = 64 * 1024;

    /// <summary>How far past the tag a read may be asked for: NLayer's buffer sizes double in 32-bit arithmetic.</summary>
    private const long ReachLimit = 1L << 29;

    private const int MaxSteps = 4096;

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

    /// <summary>Replays NLayer's walk from the "fmt " chunk's size at <paramref name="tag"/> + 16; false when it would not end.</summary>
    private static bool WalkEnds(Stream stream, long tag, long length)
    {
        var word = new byte[4];
        int offset = 16; // NLayer keeps the walk's offset in an int, and so does this replay
        for (int step = 0; step < MaxSteps; step++)
        {
            int before = offset;
            if (!Readable(stream, tag, offset, length, word))
            {
                return Reachable(tag, offset, length);
            }

            offset = unchecked(offset + 4 + BinaryPrimitives.ReadInt32LittleEndian(word));
            if (!Readable(stream, tag, offset, length, word))
            {
                return Reachable(tag, offset, length);
            }

            offset = unchecked(offset + 4);
            if (word.AsSpan().SequenceEqual("data"u8))
            {
                return true;
            }

            if (offset <= before)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Whether the four bytes at <paramref name="tag"/> + <paramref name="offset"/> lie inside the stream; reads them when they do.</summary>
    private static bool Readable(Stream stream, long tag, int offset, long length, byte[] word)
    {
        long at = tag + offset;
        return offset >= 0 && at + 4 <= length && ReadAt(stream, at, word) == 4;
    }

    /// <summary>
    /// For a read that found no bytes: NLayer gives up on a walk that goes back before the tag and reads short just
    /// past the end, but a read far past the end, or more than <see cref="ReachLimit"/> ahead, grows its buffer
    /// without end.
    /// </summary>
    private static bool Reachable(long tag, int offset, long length) =>
        offset < 0 || (tag + offset <= length + EndSlack && offset < ReachLimit);

    private static int ReadAt(Stream stream, long position, byte[] buffer)
    {
        stream.Position = position;
        return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
    }
}
