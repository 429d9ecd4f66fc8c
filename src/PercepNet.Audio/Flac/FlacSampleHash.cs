using System.Security.Cryptography;

namespace PercepNet.Audio.Flac;

/// <summary>
/// The MD5 that FLAC's STREAMINFO carries: over the samples as little-endian signed integers in whole bytes
/// (⌈bits / 8⌉ per sample), interleaved frame by frame.
/// </summary>
internal sealed class FlacSampleHash(int channels, int bits) : IDisposable
{
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private byte[] _bytes = [];

    /// <summary>Adds the first <paramref name="count"/> samples of each channel's block.</summary>
    public void Append(long[][] block, int count)
    {
        int bytes = (bits + 7) / 8;
        int size = count * channels * bytes;
        if (_bytes.Length < size)
        {
            _bytes = new byte[size];
        }

        int at = 0;
        for (int i = 0; i < count; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                long v = block[c][i];
                for (int k = 0; k < bytes; k++)
                {
                    _bytes[at++] = (byte)(v >> (8 * k));
                }
            }
        }

        _md5.AppendData(_bytes, 0, size);
    }

    /// <summary>The hash of everything added (and a fresh start).</summary>
    public void Finish(Span<byte> md5) => _md5.GetHashAndReset(md5);

    public void Dispose() => _md5.Dispose();
}
