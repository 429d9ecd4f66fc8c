namespace PercepNet.Data.Rooms;

/// <summary>A point in a room, in metres.</summary>
internal readonly record struct Point3(double X, double Y, double Z)
{
    public double DistanceTo(Point3 other) =>
        Math.Sqrt(((X - other.X) * (X - other.X)) + ((Y - other.Y) * (Y - other.Y)) + ((Z - other.Z) * (Z - other.Z)));
}

/// <summary>A shoebox room: dimensions in metres and the reverberation time it should have.</summary>
internal sealed record ShoeboxRoom(double Length, double Width, double Height, double Rt60)
{
    public double Volume => Length * Width * Height;

    public double Surface => 2 * ((Length * Width) + (Length * Height) + (Width * Height));

    /// <summary>Wall reflection coefficient (pressure) giving the RT60 by Eyring's formula, the same on every wall.</summary>
    public double ReflectionCoefficient
    {
        get
        {
            double absorption = 1 - Math.Exp(-0.161 * Volume / (Surface * Rt60));
            return Math.Sqrt(Math.Clamp(1 - absorption, 0, 1));
        }
    }
}

/// <summary>
/// Room impulse responses by the image-source method of Allen and Berkley (1979): every mirror image of the source
/// in the shoebox's walls up to <see cref="ImageSeconds"/> contributes 1/(4πd) × β^(reflections) at delay d/c, placed
/// with a Hann-windowed sinc (fractional delays); beyond that the diffuse tail is modelled as Gaussian noise decaying
/// by 60 dB over the RT60, its level continuous with the images' energy at the junction (computing every image of a
/// one-second response would take millions of sources). Responses are normalised to a direct-path peak of 1.
/// </summary>
internal static class RoomSimulator
{
    public const double SpeedOfSound = 343.0;

    /// <summary>Time covered by image sources; later comes the statistical tail.</summary>
    public const double ImageSeconds = 0.12;

    private const int SincHalfWidth = 16;

    public static float[] ImpulseResponse(ShoeboxRoom room, Point3 source, Point3 microphone, int sampleRate, Random random)
    {
        double distance = source.DistanceTo(microphone);
        double tailSeconds = 1.1 * room.Rt60;
        int length = (int)Math.Ceiling(((distance / SpeedOfSound) + ImageSeconds + tailSeconds) * sampleRate) + SincHalfWidth;
        var h = new double[length];
        double beta = room.ReflectionCoefficient;
        double maxDistance = distance + (ImageSeconds * SpeedOfSound);
        int nx = (int)Math.Ceiling(maxDistance / (2 * room.Length)) + 1;
        int ny = (int)Math.Ceiling(maxDistance / (2 * room.Width)) + 1;
        int nz = (int)Math.Ceiling(maxDistance / (2 * room.Height)) + 1;
        for (int ix = -nx; ix <= nx; ix++)
        {
            for (int iy = -ny; iy <= ny; iy++)
            {
                for (int iz = -nz; iz <= nz; iz++)
                {
                    for (int p = 0; p < 8; p++)
                    {
                        int px = p & 1, py = (p >> 1) & 1, pz = (p >> 2) & 1;
                        double x = ((1 - (2 * px)) * source.X) + (2 * ix * room.Length);
                        double y = ((1 - (2 * py)) * source.Y) + (2 * iy * room.Width);
                        double z = ((1 - (2 * pz)) * source.Z) + (2 * iz * room.Height);
                        double d = new Point3(x, y, z).DistanceTo(microphone);
                        if (d > maxDistance)
                        {
                            continue;
                        }

                        int reflections = Math.Abs(ix - px) + Math.Abs(ix) + Math.Abs(iy - py) + Math.Abs(iy) + Math.Abs(iz - pz) + Math.Abs(iz);
                        double gain = Math.Pow(beta, reflections) / (4 * Math.PI * Math.Max(d, 0.1));
                        AddFractionalImpulse(h, d / SpeedOfSound * sampleRate, gain);
                    }
                }
            }
        }

        AddTail(h, (distance / SpeedOfSound) + ImageSeconds, room.Rt60, sampleRate, random);
        CalibrateDecay(h, (int)(distance / SpeedOfSound * sampleRate), room.Rt60, sampleRate);
        if (!h.All(double.IsFinite))
        {
            throw new InvalidOperationException($"Room response not finite: {room}, source {source}, microphone {microphone}.");
        }

        double direct = 1 / (4 * Math.PI * Math.Max(distance, 0.1));
        var result = new float[length];
        for (int i = 0; i < length; i++)
        {
            result[i] = (float)(h[i] / direct);
        }

        return result;
    }

    /// <summary>The sample at which the direct sound arrives (fractional).</summary>
    public static double DirectDelay(Point3 source, Point3 microphone, int sampleRate) =>
        source.DistanceTo(microphone) / SpeedOfSound * sampleRate;

    /// <summary>
    /// Eyring's formula is a statistical estimate; small or absorbent rooms simulated by images decay a little slower.
    /// A gentle exponential envelope after the direct sound corrects the decay until the Schroeder T20 matches. Where
    /// the T20 is more than a factor 3 off, it is not the room's decay but the direct sound's (a close microphone in a
    /// large absorbent room, whose energy decay curve falls 20 dB within the direct impulse): correcting towards it
    /// would grow the tail without bound, so the response keeps Eyring's decay.
    /// </summary>
    private static void CalibrateDecay(double[] h, int directSample, double rt60, int sampleRate)
    {
        for (int iteration = 0; iteration < 4; iteration++)
        {
            double measured = SchroederT20(h, sampleRate);
            if (!(measured >= rt60 / 3 && measured <= 3 * rt60) || Math.Abs(measured - rt60) < 0.02 * rt60)
            {
                return;
            }

            double rate = 6.907755 * ((1 / rt60) - (1 / measured)) / sampleRate; // amplitude decay per sample
            for (int i = directSample + SincHalfWidth; i < h.Length; i++)
            {
                h[i] *= Math.Exp(-rate * (i - directSample - SincHalfWidth));
            }
        }
    }

    /// <summary>RT60 from the slope of Schroeder's backward-integrated energy decay between −5 and −25 dB.</summary>
    public static double SchroederT20(ReadOnlySpan<double> h, int sampleRate)
    {
        var edc = new double[h.Length];
        double sum = 0;
        for (int i = h.Length - 1; i >= 0; i--)
        {
            sum += h[i] * h[i];
            edc[i] = sum;
        }

        if (!(sum > 0))
        {
            return double.NaN;
        }

        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = 0;
        for (int i = 0; i < edc.Length; i++)
        {
            double db = 10 * Math.Log10(edc[i] / sum);
            if (db > -5)
            {
                continue;
            }

            if (db < -25)
            {
                break;
            }

            double t = i / (double)sampleRate;
            sx += t;
            sy += db;
            sxx += t * t;
            sxy += t * db;
            n++;
        }

        double slope = ((n * sxy) - (sx * sy)) / ((n * sxx) - (sx * sx));
        return n > 1 && slope < 0 ? -60 / slope : double.NaN;
    }

    private static void AddFractionalImpulse(double[] h, double position, double gain)
    {
        int centre = (int)Math.Floor(position);
        for (int n = centre - SincHalfWidth + 1; n <= centre + SincHalfWidth; n++)
        {
            if (n < 0 || n >= h.Length)
            {
                continue;
            }

            double t = n - position;
            double sinc = Math.Abs(t) < 1e-12 ? 1 : Math.Sin(Math.PI * t) / (Math.PI * t);
            double window = 0.5 + (0.5 * Math.Cos(Math.PI * t / SincHalfWidth));
            h[n] += gain * sinc * window;
        }
    }

    private static void AddTail(double[] h, double startSeconds, double rt60, int sampleRate, Random random)
    {
        int start = (int)(startSeconds * sampleRate);
        int reference = (int)(0.02 * sampleRate);
        if (start >= h.Length || start - reference < 0)
        {
            return;
        }

        // Energy per sample of the images just before the junction, extrapolated to the junction by the decay.
        double decayPerSample = 6.907755 / (rt60 * sampleRate); // amplitude: e^(−ln(1000)·t/RT60)
        double energy = 0;
        for (int i = start - reference; i < start; i++)
        {
            energy += h[i] * h[i];
        }

        double level = Math.Sqrt(energy / reference) * Math.Exp(-decayPerSample * reference / 2);
        for (int i = start; i < h.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double gaussian = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            h[i] += level * Math.Exp(-decayPerSample * (i - start)) * gaussian;
        }
    }
}
