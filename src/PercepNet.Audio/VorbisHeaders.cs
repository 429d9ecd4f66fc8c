using System.Buffers.Binary;

namespace PercepNet.Audio;

/// <summary>
/// Checks a Vorbis stream's identification and comment headers against the rules of the Vorbis I specification
/// (§4.2.2, §5.2.1) before the decoder reads them: NVorbis trusts the comment count (a header claiming billions of
/// comments kept it reading past its packet for minutes, found by fuzzing), accepts block sizes outside 64…8192, and
/// builds whatever codebooks the setup header claims (a few bytes can claim millions of entries, and it then sorted
/// and allocated gigabytes; found by fuzzing).
/// </summary>
internal static class VorbisHeaders
{
    /// <summary>Throws <see cref="AudioFormatException"/> naming what is wrong with the first header packet.</summary>
    public static void CheckIdentification(ReadOnlySpan<byte> packet, string path)
    {
        if (packet.Length < 30 || packet[0] != 1 || !packet[1..7].SequenceEqual("vorbis"u8))
        {
            throw Corrupt(path, "its first packet is not a Vorbis identification header");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(packet[7..]);
        int channels = packet[11];
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(packet[12..]);
        int shortBlock = packet[28] & 0x0F;
        int longBlock = packet[28] >> 4;
        if (version != 0)
        {
            throw Corrupt(path, $"Vorbis version {version}; only version 0 exists");
        }

        if (channels == 0 || rate == 0 || rate > int.MaxValue)
        {
            throw Corrupt(path, $"{channels} channels at {rate} Hz");
        }

        if (shortBlock < 6 || longBlock > 13 || shortBlock > longBlock)
        {
            throw Corrupt(path, $"block sizes {1L << shortBlock} and {1L << longBlock}; Vorbis allows 64 to 8192, the short one not above the long one");
        }

        if ((packet[29] & 1) == 0)
        {
            throw Corrupt(path, "the identification header has no framing bit");
        }
    }

    /// <summary>Throws <see cref="AudioFormatException"/> unless every length in the comment header fits inside it.</summary>
    public static void CheckComments(ReadOnlySpan<byte> packet, string path)
    {
        if (packet.Length < 7 || packet[0] != 3 || !packet[1..7].SequenceEqual("vorbis"u8))
        {
            throw Corrupt(path, "its second packet is not a Vorbis comment header");
        }

        ReadOnlySpan<byte> rest = packet[7..];
        if (!TrySkipString(ref rest) || rest.Length < 4)
        {
            throw Corrupt(path, "the comment header's vendor string runs past its end");
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        rest = rest[4..];
        if (count > rest.Length / 4)
        {
            throw Corrupt(path, $"the comment header claims {count} comments in {rest.Length} bytes");
        }

        for (uint i = 0; i < count; i++)
        {
            if (!TrySkipString(ref rest))
            {
                throw Corrupt(path, $"comment {i + 1} runs past the end of the comment header");
            }
        }

        if (rest.IsEmpty || (rest[0] & 1) == 0)
        {
            throw Corrupt(path, "the comment header has no framing bit");
        }
    }

    /// <summary>Codebook entries all the books of one stream may have together; encoders use a few thousand.</summary>
    public const int MaxCodebookEntries = 1 << 20;

    /// <summary>
    /// Walks the codebooks at the start of the setup header (§3.2.1) and throws <see cref="AudioFormatException"/> when
    /// one is malformed, breaks libvorbis's limit (dimensions × entries within 2^24), or when all together have more
    /// than <see cref="MaxCodebookEntries"/> entries.
    /// </summary>
    public static void CheckSetup(ReadOnlySpan<byte> packet, string path)
    {
        if (packet.Length < 8 || packet[0] != 5 || !packet[1..7].SequenceEqual("vorbis"u8))
        {
            throw Corrupt(path, "its third packet is not a Vorbis setup header");
        }

        var bits = new BitReader(packet[7..]);
        int books = (int)bits.Read(8) + 1;
        long total = 0;
        for (int book = 1; book <= books; book++)
        {
            if (bits.Read(24) != 0x564342)
            {
                throw Corrupt(path, $"codebook {book} of the setup header has no sync pattern");
            }

            long dimensions = bits.Read(16);
            long entries = bits.Read(24);
            if (dimensions == 0 || BitLength(dimensions) + BitLength(entries) > 24)
            {
                throw Corrupt(path, $"codebook {book} claims {entries} entries of {dimensions} dimensions");
            }

            total += entries;
            if (total > MaxCodebookEntries)
            {
                throw Corrupt(path, $"its codebooks claim more than {MaxCodebookEntries} entries together");
            }

            if (bits.Read(1) == 1)
            {
                // Ordered: runs of entries with lengths 1, 2, 3, …
                long length = bits.Read(5) + 1;
                for (long entry = 0; entry < entries; length++)
                {
                    entry += bits.Read(BitLength(entries - entry));
                    if (entry > entries || length > 32)
                    {
                        throw Corrupt(path, $"codebook {book} has more lengths than entries");
                    }
                }
            }
            else
            {
                bool sparse = bits.Read(1) == 1;
                for (long entry = 0; entry < entries; entry++)
                {
                    if (!sparse || bits.Read(1) == 1)
                    {
                        bits.Read(5);
                    }
                }
            }

            long lookup = bits.Read(4);
            if (lookup > 2)
            {
                throw Corrupt(path, $"codebook {book} has lookup type {lookup}");
            }

            if (lookup > 0)
            {
                bits.Read(32);
                bits.Read(32);
                long valueBits = bits.Read(4) + 1;
                bits.Read(1);
                long values = lookup == 1 ? Lookup1Values(entries, dimensions) : entries * dimensions;
                bits.Skip(values * valueBits);
            }

            if (bits.Overrun)
            {
                throw Corrupt(path, $"the setup header ends inside codebook {book}");
            }
        }
    }

    /// <summary>The largest r with r^dimensions ≤ entries (§9.2.3).</summary>
    private static long Lookup1Values(long entries, long dimensions)
    {
        long r = (long)Math.Floor(Math.Pow(entries, 1.0 / dimensions));
        while (r > 0 && Math.Pow(r, dimensions) > entries)
        {
            r--;
        }

        while (Math.Pow(r + 1, dimensions) <= entries)
        {
            r++;
        }

        return r;
    }

    /// <summary>ilog (§9.2.1): the position of the highest set bit, 0 for 0.</summary>
    private static int BitLength(long value) => value <= 0 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)value);

    /// <summary>Vorbis's bit packing: least significant bit first; reads past the end give zeros and set <see cref="Overrun"/>.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private long _position;

        public readonly bool Overrun => _position > (long)_data.Length * 8;

        public long Read(int count)
        {
            long value = 0;
            for (int i = 0; i < count; i++, _position++)
            {
                long at = _position >> 3;
                if (at < _data.Length && ((_data[(int)at] >> (int)(_position & 7)) & 1) != 0)
                {
                    value |= 1L << i;
                }
            }

            return value;
        }

        public void Skip(long count) => _position += count;
    }

    private static bool TrySkipString(ref ReadOnlySpan<byte> rest)
    {
        if (rest.Length < 4)
        {
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        if (length > rest.Length - 4)
        {
            return false;
        }

        rest = rest[(4 + (int)length)..];
        return true;
    }

    private static AudioFormatException Corrupt(string path, string problem) =>
        new(path, $"not a valid Ogg Vorbis file ({problem})");
}
