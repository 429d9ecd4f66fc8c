namespace PercepNet.Audio;

/// <summary>The read loop shared by the compressed-audio readers: whole frames, and decoder failures named as corrupt data.</summary>
internal static class DecoderReads
{
    /// <summary>
    /// Fills <paramref name="interleaved"/> (whole frames) from <paramref name="decode"/>, which returns samples read
    /// (0 at the end); returns frames read.
    /// </summary>
    public static int ReadFrames(Span<float> interleaved, int channels, DecodeSamples decode, string path, string format)
    {
        int wanted = interleaved.Length - (interleaved.Length % channels);
        try
        {
            int got = 0;
            while (got < wanted)
            {
                int n = decode(interleaved[got..wanted]);
                if (n <= 0)
                {
                    break;
                }

                got += n;
            }

            return got / channels;
        }
        catch (OutOfMemoryException e)
        {
            // A malformed header can make a decoder ask for absurd buffers; the failed allocation left nothing behind.
            throw new AudioFormatException(path, $"corrupt {format} data (the decoder asked for more memory than there is)", e);
        }
        catch (Exception e)
        {
            throw new AudioFormatException(path, $"corrupt {format} data ({e.Message.TrimEnd('.')})", e);
        }
    }

    public delegate int DecodeSamples(Span<float> buffer);
}
