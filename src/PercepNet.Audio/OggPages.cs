using System.Buffers.Binary;

namespace PercepNet.Audio;

/// <summary>
/// Checks the Ogg container before the Vorbis decoder sees it: every page has the capture pattern, version 0, its
/// whole body and a matching CRC, and the pages fill the file exactly. The decoder's own recovery from damaged pages
/// can loop without end (found by fuzzing), so a damaged file is refused here, naming the byte offset. A file cut off
/// inside a page after some audio (a recording interrupted) keeps its whole pages: <see cref="Validate"/> returns where
/// they end, and the reader reads up to there.
/// The first logical stream's three leading packets are checked as Vorbis headers on the way (<see cref="VorbisHeaders"/>).
/// </summary>
internal static class OggPages
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The largest comment header read for checking; cover art makes them megabytes at most.</summary>
    private const int MaxHeaderBytes = 64 << 20;

    /// <summary>
    /// Reads <paramref name="stream"/> from its start to its end; leaves it at the start. Returns null for a whole file,
    /// or the length of its whole pages when it is cut off inside a page that follows the headers and some audio.
    /// </summary>
    public static long? Validate(Stream stream, string path)
    {
        stream.Position = 0;
        Span<byte> header = stackalloc byte[27 + 255];
        byte[] body = new byte[255 * 255];
        long offset = 0;
        int pages = 0;
        int firstSerial = 0;
        int headers = 0;
        int audioPages = 0;
        var packet = new MemoryStream();
        long? Cut(string problem) => headers == 3 && audioPages > 0 ? offset : throw new AudioFormatException(path, problem);
        while (true)
        {
            int got = stream.ReadAtLeast(header[..27], 27, throwOnEndOfStream: false);
            if (got == 0 && pages > 0)
            {
                break;
            }

            if (got < 27)
            {
                long? kept = Cut($"truncated Ogg file (a page header at byte {offset} is cut)");
                stream.Position = 0;
                return kept;
            }

            if (!header[..4].SequenceEqual("OggS"u8) || header[4] != 0)
            {
                throw new AudioFormatException(path, $"corrupt Ogg file (no page starts at byte {offset})");
            }

            int segments = header[26];
            int bodyLength = 0;
            if (stream.ReadAtLeast(header.Slice(27, segments), segments, throwOnEndOfStream: false) < segments)
            {
                long? kept = Cut($"truncated Ogg file (the page at byte {offset} is cut)");
                stream.Position = 0;
                return kept;
            }

            foreach (byte lacing in header.Slice(27, segments))
            {
                bodyLength += lacing;
            }

            if (stream.ReadAtLeast(body.AsSpan(0, bodyLength), bodyLength, throwOnEndOfStream: false) < bodyLength)
            {
                long? kept = Cut($"truncated Ogg file (the page at byte {offset} is cut)");
                stream.Position = 0;
                return kept;
            }

            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(header[22..]);
            header[22..26].Clear();
            uint crc = Update(Update(0, header[..(27 + segments)]), body.AsSpan(0, bodyLength));
            if (crc != stored)
            {
                throw new AudioFormatException(path, $"corrupt Ogg file (the page at byte {offset} fails its checksum)");
            }

            int serial = BinaryPrimitives.ReadInt32LittleEndian(header[14..]);
            if (pages == 0)
            {
                firstSerial = serial;
            }

            if (headers == 3)
            {
                audioPages++;
            }

            if (serial == firstSerial && headers < 3)
            {
                int at = 0;
                foreach (byte lacing in header.Slice(27, segments))
                {
                    if (headers == 3)
                    {
                        break;
                    }

                    packet.Write(body, at, lacing);
                    at += lacing;
                    if (packet.Length > MaxHeaderBytes)
                    {
                        throw new AudioFormatException(path, $"not a valid Ogg Vorbis file (a header packet over {MaxHeaderBytes >> 20} MB)");
                    }

                    if (lacing < 255)
                    {
                        ReadOnlySpan<byte> bytes = packet.GetBuffer().AsSpan(0, (int)packet.Length);
                        switch (headers++)
                        {
                            case 0:
                                VorbisHeaders.CheckIdentification(bytes, path);
                                break;
                            case 1:
                                VorbisHeaders.CheckComments(bytes, path);
                                break;
                            default:
                                VorbisHeaders.CheckSetup(bytes, path);
                                break;
                        }

                        packet.SetLength(0);
                    }
                }
            }

            offset += 27 + segments + bodyLength;
            pages++;
        }

        stream.Position = 0;
        return null;
    }

    /// <summary>The CRC of a whole page whose checksum field is zero.</summary>
    internal static uint Checksum(ReadOnlySpan<byte> page) => Update(0, page);

    /// <summary>The CRC of a page given as its header (checksum field zero, lacing values included) and its body.</summary>
    internal static uint Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body) => Update(Update(0, header), body);

    /// <summary>The Ogg CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, no final inversion.</summary>
    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = (crc << 8) ^ Table[(int)((crc >> 24) ^ b)];
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint r = i << 24;
            for (int k = 0; k < 8; k++)
            {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }

            table[i] = r;
        }

        return table;
    }
}
