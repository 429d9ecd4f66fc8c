namespace PercepNet.Audio;

/// <summary>Mixes interleaved multichannel samples down to mono (the mean of the channels).</summary>
public static class ChannelMix
{
    /// <summary>mono[f] = mean over c of interleaved[f·channels + c], for the whole frames of <paramref name="interleaved"/>.</summary>
    public static void ToMono(ReadOnlySpan<float> interleaved, int channels, Span<float> mono)
    {
        int frames = interleaved.Length / channels;
        if (mono.Length < frames)
        {
            throw new ArgumentException("The mono output is shorter than the frames given.", nameof(mono));
        }

        for (int f = 0; f < frames; f++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++)
            {
                sum += interleaved[(f * channels) + c];
            }

            mono[f] = sum / channels;
        }
    }
}
