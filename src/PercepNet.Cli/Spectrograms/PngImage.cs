using System.Buffers.Binary;
using System.IO.Compression;
using PercepNet.Audio;
using PercepNet.Dsp;

namespace PercepNet.Cli.Spectrograms;

/// <summary>An 8-bit RGB picture in memory, written as a PNG file (no image library, so the tool carries no native code).</summary>
internal sealed class PngImage
{
    private readonly byte[] _rgb;

    public PngImage(int width, int height, (byte R, byte G, byte B) background)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        _rgb = new byte[width * height * 3];
        for (int i = 0; i < _rgb.Length; i += 3)
        {
            (_rgb[i], _rgb[i + 1], _rgb[i + 2]) = background;
        }
    }

    public int Width { get; }

    public int Height { get; }

    public void SetPixel(int x, int y, (byte R, byte G, byte B) colour)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height)
        {
            int i = ((y * Width) + x) * 3;
            (_rgb[i], _rgb[i + 1], _rgb[i + 2]) = colour;
        }
    }

    /// <summary>Draws <paramref name="text"/> in the built-in 5×7 font, <paramref name="scale"/> pixels a dot, top-left at (x, y).</summary>
    public void DrawText(string text, int x, int y, (byte R, byte G, byte B) colour, int scale = 2)
    {
        foreach (char c in text)
        {
            ReadOnlySpan<byte> rows = PixelFont.Glyph(c);
            for (int row = 0; row < rows.Length; row++)
            {
                for (int column = 0; column < PixelFont.Width; column++)
                {
                    if ((rows[row] & (1 << (PixelFont.Width - 1 - column))) != 0)
                    {
                        FillRectangle(x + (column * scale), y + (row * scale), scale, scale, colour);
                    }
                }
            }

            x += (PixelFont.Width + 1) * scale;
        }
    }

    public void FillRectangle(int x, int y, int width, int height, (byte R, byte G, byte B) colour)
    {
        for (int j = y; j < y + height; j++)
        {
            for (int i = x; i < x + width; i++)
            {
                SetPixel(i, j, colour);
            }
        }
    }

    /// <summary>
    /// Writes the PNG to a temporary file beside <paramref name="path"/> and renames it into place. The temporary file
    /// has an unpredictable hidden name and is created exclusively (never through an existing file or link, so that in
    /// a shared folder nobody can point it at another file); it is deleted on failure or interruption.
    /// </summary>
    public void Save(string path)
    {
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $"{OutputFile.TemporaryPrefix(full)}{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                UnfinishedFiles.Register(temporary);
                Write(stream);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        finally
        {
            UnfinishedFiles.Unregister(temporary);
        }
    }

    public void Write(Stream stream)
    {
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = 8; // bits per channel
        header[9] = 2; // truecolour RGB; compression, filter and interlace methods 0
        Chunk(stream, "IHDR"u8, header);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < Height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(_rgb, y * Width * 3, Width * 3);
            }
        }

        Chunk(stream, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        Chunk(stream, "IEND"u8, []);
    }

    private static void Chunk(Stream stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        byte[] typed = [.. type, .. data];
        stream.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(typed));
        stream.Write(word);
    }
}
