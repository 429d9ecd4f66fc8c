using System.Text;

namespace PercepNet.Tests.Audio;

/// <summary>Writes WAV files byte by byte (independently of the reader under test).</summary>
internal static class WavFiles
{
    public static byte[] Build(float[] interleaved, int rate, int channels, int bits, bool isFloat, bool extensible)
    {
        int bytesPerSample = bits / 8;
        using var data = new MemoryStream();
        using (var w = new BinaryWriter(data, Encoding.ASCII, leaveOpen: true))
        {
            foreach (float v in interleaved)
            {
                switch (isFloat, bits)
                {
                    case (true, 32): w.Write(v); break;
                    case (true, 64): w.Write((double)v); break;
                    case (false, 8): w.Write((byte)Math.Clamp(Math.Round((v * 128) + 128), 0, 255)); break;
                    case (false, 16): w.Write((short)Math.Clamp(Math.Round(v * 32768), short.MinValue, short.MaxValue)); break;
                    case (false, 24):
                        int s24 = (int)Math.Clamp(Math.Round(v * 8388608.0), -8388608, 8388607);
                        w.Write((byte)(s24 & 0xFF)); w.Write((byte)((s24 >> 8) & 0xFF)); w.Write((byte)((s24 >> 16) & 0xFF));
                        break;
                    default: w.Write((int)Math.Clamp(Math.Round(v * 2147483648.0), int.MinValue, int.MaxValue)); break;
                }
            }
        }

        using var file = new MemoryStream();
        using (var w = new BinaryWriter(file, Encoding.ASCII, leaveOpen: true))
        {
            int fmtSize = extensible ? 40 : 16;
            w.Write("RIFF"u8);
            w.Write((int)(4 + 8 + fmtSize + 8 + data.Length));
            w.Write("WAVE"u8);
            w.Write("fmt "u8);
            w.Write(fmtSize);
            w.Write((short)(extensible ? 0xFFFE : isFloat ? 3 : 1));
            w.Write((short)channels);
            w.Write(rate);
            w.Write(rate * channels * bytesPerSample);
            w.Write((short)(channels * bytesPerSample));
            w.Write((short)bits);
            if (extensible)
            {
                w.Write((short)22);
                w.Write((short)bits);
                w.Write(channels == 2 ? 3 : 4);
                w.Write(new Guid(isFloat ? "00000003-0000-0010-8000-00aa00389b71" : "00000001-0000-0010-8000-00aa00389b71").ToByteArray());
            }

            w.Write("data"u8);
            w.Write((int)data.Length);
            data.Position = 0;
            data.CopyTo(file);
        }

        return file.ToArray();
    }
}
