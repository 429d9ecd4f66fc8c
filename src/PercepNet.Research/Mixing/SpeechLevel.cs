namespace PercepNet.Mixing;

/// <summary>Loudness measures used to set mixing SNRs.</summary>
internal static class SpeechLevel
{
    /// <summary>Mean power over all samples.</summary>
    public static double RmsPower(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
        {
            sum += v * (double)v;
        }

        return sum / Math.Max(1, x.Length);
    }

    /// <summary>
    /// Active speech power (a simplified P.56): the mean power of the 10 ms frames whose power is within
    /// <paramref name="rangeDb"/> of the loudest frame, so pauses do not dilute the level. Falls back to the
    /// plain mean power when no frame qualifies.
    /// </summary>
    public static double ActivePower(ReadOnlySpan<float> x, int sampleRate, double rangeDb = 40)
    {
        int frame = Math.Max(1, sampleRate / 100);
        int frames = x.Length / frame;
        if (frames == 0)
        {
            return RmsPower(x);
        }

        var power = new double[frames];
        double loudest = 0;
        for (int f = 0; f < frames; f++)
        {
            power[f] = RmsPower(x.Slice(f * frame, frame));
            loudest = Math.Max(loudest, power[f]);
        }

        double threshold = loudest * Math.Pow(10, -rangeDb / 10);
        double sum = 0;
        int count = 0;
        foreach (double p in power)
        {
            if (p >= threshold && p > 0)
            {
                sum += p;
                count++;
            }
        }

        return count == 0 ? RmsPower(x) : sum / count;
    }
}
