using System.Numerics;

namespace PercepNet.Audio.Flac;

/// <summary>The two checksums of a FLAC frame: CRC-8 (polynomial 0x07) over the header, CRC-16 (0x8005) over the frame.</summary>
internal static class FlacCrc
{
    private static readonly byte[] Crc8Table = BuildCrc8();
    private static readonly ushort[] Crc16Table = BuildCrc16();

    public static byte Crc8(byte crc, byte value) => Crc8Table[crc ^ value];

    public static ushort Crc16(ushort crc, byte value) => (ushort)((crc << 8) ^ Crc16Table[(crc >> 8) ^ value]);

    public static byte Crc8(ReadOnlySpan<byte> bytes)
    {
        byte crc = 0;
        foreach (byte b in bytes)
        {
            crc = Crc8(crc, b);
        }

        return crc;
    }

    public static ushort Crc16(ReadOnlySpan<byte> bytes)
    {
        ushort crc = 0;
        foreach (byte b in bytes)
        {
            crc = Crc16(crc, b);
        }

        return crc;
    }

    private static byte[] BuildCrc8()
    {
        var table = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            int c = i;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 0x80) != 0 ? (c << 1) ^ 0x07 : c << 1;
            }

            table[i] = (byte)c;
        }

        return table;
    }

    private static ushort[] BuildCrc16()
    {
        var table = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            int c = i << 8;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 0x8000) != 0 ? (c << 1) ^ 0x8005 : c << 1;
            }

            table[i] = (ushort)c;
        }

        return table;
    }
}

/// <summary>The end of a FLAC stream was reached inside a read: the file was cut off.</summary>
internal sealed class FlacEndOfStreamException() : Exception("the stream ends here");

/// <summary>
/// Reads a FLAC stream bit by bit, most significant bit first, without seeking. Bytes are taken from the stream one at
/// a time as the bits are needed, and each one taken goes into the running CRC-8 and CRC-16, so that at a byte
/// boundary the checksums cover exactly the bytes read.
/// </summary>
internal sealed class FlacBitReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[65536];
    private int _position;
    private int _filled;
    private ulong _cache;
    private int _bits;

    /// <summary>The CRC-8 of the bytes taken since it was last set to 0.</summary>
    public byte Crc8 { get; set; }

    /// <summary>The CRC-16 of the bytes taken since it was last set to 0.</summary>
    public ushort Crc16 { get; set; }

    /// <summary>Bytes taken from the stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>True at a byte boundary with no byte left in the stream.</summary>
    public bool AtEnd => _bits == 0 && !Fill();

    public bool ByteAligned => _bits % 8 == 0;

    /// <summary>Reads <paramref name="count"/> (0 to 32) bits as an unsigned number.</summary>
    public uint ReadBits(int count)
    {
        if (count == 0)
        {
            return 0;
        }

        while (_bits < count)
        {
            _cache = (_cache << 8) | NextByte();
            _bits += 8;
        }

        _bits -= count;
        return (uint)((_cache >> _bits) & ((1UL << count) - 1));
    }

    /// <summary>Reads <paramref name="count"/> (1 to 33) bits as a two's-complement signed number.</summary>
    public long ReadSigned(int count)
    {
        if (count == 0)
        {
            return 0;
        }

        ulong value = count > 32 ? ((ulong)ReadBits(count - 32) << 32) | ReadBits(32) : ReadBits(count);
        int shift = 64 - count;
        return (long)(value << shift) >> shift;
    }

    public bool ReadBit() => ReadBits(1) != 0;

    /// <summary>Counts zero bits up to the next one bit, which is consumed too.</summary>
    public uint ReadUnary()
    {
        uint zeros = 0;
        while (true)
        {
            if (_bits == 0)
            {
                _cache = NextByte();
                _bits = 8;
            }

            uint window = (uint)(_cache & ((1UL << _bits) - 1));
            if (window == 0)
            {
                zeros += (uint)_bits;
                _bits = 0;
                if (zeros > (1u << 31))
                {
                    throw new InvalidDataException("a unary code longer than any sample");
                }

                continue;
            }

            int leading = BitOperations.LeadingZeroCount(window) - (32 - _bits);
            zeros += (uint)leading;
            _bits -= leading + 1;
            return zeros;
        }
    }

    /// <summary>Drops the bits left before the next byte boundary.</summary>
    public void AlignToByte() => _bits -= _bits % 8;

    /// <summary>Reads whole bytes at a byte boundary.</summary>
    public void ReadBytes(Span<byte> into)
    {
        for (int i = 0; i < into.Length; i++)
        {
            into[i] = (byte)ReadBits(8);
        }
    }

    /// <summary>Skips whole bytes at a byte boundary (metadata blocks that are not read).</summary>
    public void SkipBytes(long count)
    {
        for (long i = 0; i < count; i++)
        {
            ReadBits(8);
        }
    }

    private byte NextByte()
    {
        if (_position == _filled && !Fill())
        {
            throw new FlacEndOfStreamException();
        }

        byte b = _buffer[_position++];
        Crc8 = FlacCrc.Crc8(Crc8, b);
        Crc16 = FlacCrc.Crc16(Crc16, b);
        BytesRead++;
        return b;
    }

    private bool Fill()
    {
        if (_position < _filled)
        {
            return true;
        }

        _filled = stream.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _filled > 0;
    }
}

/// <summary>Writes bits most significant first into a growing buffer (a frame at a time).</summary>
internal sealed class FlacBitWriter
{
    private byte[] _bytes = new byte[1 << 16];
    private ulong _cache;
    private int _bits;

    /// <summary>Whole bytes written so far.</summary>
    public int Length { get; private set; }

    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, Length);

    public void Clear()
    {
        Length = 0;
        _cache = 0;
        _bits = 0;
    }

    /// <summary>Writes the low <paramref name="count"/> (0 to 32) bits of <paramref name="value"/>.</summary>
    public void WriteBits(ulong value, int count)
    {
        if (count == 0)
        {
            return;
        }

        _cache = (_cache << count) | (value & ((1UL << count) - 1));
        _bits += count;
        while (_bits >= 8)
        {
            _bits -= 8;
            Put((byte)(_cache >> _bits));
        }
    }

    public void WriteSigned(long value, int count)
    {
        if (count > 32)
        {
            WriteBits((ulong)(value >> 32), count - 32);
            WriteBits((ulong)value & 0xFFFFFFFF, 32);
        }
        else
        {
            WriteBits((ulong)value, count);
        }
    }

    /// <summary>Writes <paramref name="zeros"/> zero bits and a one bit.</summary>
    public void WriteUnary(uint zeros)
    {
        while (zeros >= 32)
        {
            WriteBits(0, 32);
            zeros -= 32;
        }

        WriteBits(1, (int)zeros + 1);
    }

    /// <summary>Pads with zero bits to the next byte boundary.</summary>
    public void AlignToByte()
    {
        if (_bits > 0)
        {
            WriteBits(0, 8 - _bits);
        }
    }

    private void Put(byte b)
    {
        if (Length == _bytes.Length)
        {
            Array.Resize(ref _bytes, _bytes.Length * 2);
        }

        _bytes[Length++] = b;
    }
}
