using System.Buffers.Binary;

namespace PercepNet.Audio;

/// <summary>
/// Checks a Vorbis stream's identification and comment headers against the rules of the Vorbis I specification
/// (§4.2.2, §5.2.1) before the decoder reads them: NVorbis trusts the comment count (a header claiming billions of
/// comments kept it reading past its packet for minutes, found by fuzzing) and accepts block sizes outside 64…8192.
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
