using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using PercepNet.Analysis;
using PercepNet.Features;

namespace PercepNet.Data.Shards;

/// <summary>A shard that cannot be used; the message names the file and the problem.</summary>
internal sealed class ShardFormatException(string message) : Exception(message);

/// <summary>
/// A shard of training examples, little-endian and memory-mappable: a 32-byte header (magic "PNETSHRD", u16 format
/// version, u16 feature-extractor version, i32 segments, i32 frames per segment, i32 features (70), i32 bands (34),
/// i32 reserved), then four float32 arrays in this order — features [segment][frame][70], gains, strengths and mask
/// [segment][frame][34] — and the CRC-32 of everything before it. Written to a temporary file and renamed.
/// </summary>
internal static class ShardFile
{
    public const ushort FormatVersion = 1;
    public const int HeaderBytes = 32;
    private static readonly byte[] Magic = "PNETSHRD"u8.ToArray();

    public sealed record Header(int Segments, int FramesPerSegment, int FeatureVersion)
    {
        public long Frames => (long)Segments * FramesPerSegment;
        public long FeaturesOffset => HeaderBytes;
        public long GainsOffset => FeaturesOffset + (Frames * FeatureExtractor.Count * 4);
        public long StrengthsOffset => GainsOffset + (Frames * ErbBands.Count * 4);
        public long MaskOffset => StrengthsOffset + (Frames * ErbBands.Count * 4);
        public long TotalBytes => MaskOffset + (Frames * ErbBands.Count * 4) + 4;
    }

    public static void Write(string path, int framesPerSegment, float[] features, float[] gains, float[] strengths, float[] mask)
    {
        int segments = (int)(gains.LongLength / ErbBands.Count / framesPerSegment);
        string temporary = path + $".{Environment.ProcessId}.tmp";
        var crc = new System.IO.Hashing.Crc32();
        using (FileStream stream = File.Create(temporary))
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            header.Clear();
            Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt16LittleEndian(header[8..], FormatVersion);
            BinaryPrimitives.WriteUInt16LittleEndian(header[10..], (ushort)FeatureExtractor.Version);
            BinaryPrimitives.WriteInt32LittleEndian(header[12..], segments);
            BinaryPrimitives.WriteInt32LittleEndian(header[16..], framesPerSegment);
            BinaryPrimitives.WriteInt32LittleEndian(header[20..], FeatureExtractor.Count);
            BinaryPrimitives.WriteInt32LittleEndian(header[24..], ErbBands.Count);
            stream.Write(header);
            crc.Append(header);
            foreach (float[] array in new[] { features, gains, strengths, mask })
            {
                ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(array.AsSpan());
                if (!BitConverter.IsLittleEndian)
                {
                    throw new PlatformNotSupportedException("Shards are written on little-endian machines.");
                }

                stream.Write(bytes);
                crc.Append(bytes);
            }

            Span<byte> sum = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(sum, crc.GetCurrentHashAsUInt32());
            stream.Write(sum);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static Header ReadHeader(string path)
    {
        using FileStream stream = File.OpenRead(path);
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes || !header[..8].SequenceEqual(Magic))
        {
            throw new ShardFormatException($"{path}: not a PercepNet shard (bad magic or truncated header)");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != FormatVersion)
        {
            throw new ShardFormatException($"{path}: shard format version {version}, this library reads {FormatVersion}");
        }

        var result = new Header(BinaryPrimitives.ReadInt32LittleEndian(header[12..]), BinaryPrimitives.ReadInt32LittleEndian(header[16..]),
            BinaryPrimitives.ReadUInt16LittleEndian(header[10..]));
        if (BinaryPrimitives.ReadInt32LittleEndian(header[20..]) != FeatureExtractor.Count || BinaryPrimitives.ReadInt32LittleEndian(header[24..]) != ErbBands.Count)
        {
            throw new ShardFormatException($"{path}: feature or band count differs from this library's");
        }

        if (stream.Length != result.TotalBytes)
        {
            throw new ShardFormatException($"{path}: {stream.Length} bytes where the header implies {result.TotalBytes} (truncated?)");
        }

        return result;
    }

    /// <summary>Checks the checksum of a whole shard.</summary>
    public static bool Verify(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return bytes.Length >= 4 && System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)) == BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
    }

    /// <summary>Reads one of the four arrays of a shard (memory-mapped).</summary>
    public static float[] ReadArray(string path, Header header, ShardArray which)
    {
        (long offset, int width) = which switch
        {
            ShardArray.Features => (header.FeaturesOffset, FeatureExtractor.Count),
            ShardArray.Gains => (header.GainsOffset, ErbBands.Count),
            ShardArray.Strengths => (header.StrengthsOffset, ErbBands.Count),
            _ => (header.MaskOffset, ErbBands.Count),
        };
        var result = new float[header.Frames * width];
        using MemoryMappedFile map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using MemoryMappedViewAccessor view = map.CreateViewAccessor(offset, result.LongLength * 4, MemoryMappedFileAccess.Read);
        view.ReadArray(0, result, 0, result.Length);
        return result;
    }
}

internal enum ShardArray
{
    Features,
    Gains,
    Strengths,
    Mask,
}
