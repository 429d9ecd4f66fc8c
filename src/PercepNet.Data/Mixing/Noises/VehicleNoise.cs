using System.Globalization;
using static PercepNet.Data.Mixing.Noises.NoiseParts;

namespace PercepNet.Data.Mixing.Noises;

/// <summary>
/// Vehicles and trains heard from inside or nearby: an engine's harmonic rumble whose firing frequency follows the
/// revs, a broadband roar of tyres, wheels and air (steep coloured noise under a low-pass), tonal squeals of brakes
/// and wheels on curves, and for trains the double thump of each bogie over a rail joint.
/// </summary>
internal static class VehicleNoise
{
    /// <summary>
    /// A vehicle: rumble of <paramref name="Harmonics"/> orders of <paramref name="FiringHz"/>, the revs wandering by
    /// ±<paramref name="Wander"/>; roar at <paramref name="RoarDb"/> against the rumble with a slope of
    /// <paramref name="RoarSlope"/> dB/octave below <paramref name="RoarCornerHz"/>; squeals at <paramref name="SquealDb"/>
    /// against the rumble a share <paramref name="SquealShare"/> of the time; rail joints every
    /// <paramref name="JointSeconds"/> (0: none).
    /// </summary>
    public sealed record Vehicle(
        double FiringHz,
        int Harmonics,
        double Wander,
        double RoarDb,
        double RoarSlope,
        double RoarCornerHz,
        double SquealShare,
        double SquealDb,
        double JointSeconds);

    /// <summary>A random car, bus or train at unit RMS, named for the manifest.</summary>
    public static (float[] Signal, string Name) Draw(Random random, int length)
    {
        int kind = random.Next(3);
        Vehicle vehicle = kind switch
        {
            0 => new Vehicle(Uniform(random, 25, 70), 8 + random.Next(20), Uniform(random, 0.03, 0.2), Uniform(random, -6, 6),
                Uniform(random, -9, -4), LogUniform(random, 400, 2500), random.NextDouble() < 0.15 ? 0.2 : 0, Uniform(random, -12, 0), 0),
            1 => new Vehicle(Uniform(random, 18, 45), 10 + random.Next(20), Uniform(random, 0.03, 0.15), Uniform(random, -6, 6),
                Uniform(random, -9, -4), LogUniform(random, 300, 2000), random.NextDouble() < 0.3 ? 0.3 : 0, Uniform(random, -12, 0), 0),
            _ => new Vehicle(Uniform(random, 15, 40), 6 + random.Next(15), Uniform(random, 0.01, 0.05), Uniform(random, 0, 10),
                Uniform(random, -8, -3), LogUniform(random, 500, 4000), random.NextDouble() < 0.5 ? Uniform(random, 0.2, 0.7) : 0,
                Uniform(random, -12, 3), Uniform(random, 0.7, 2)),
        };
        float[] signal = Render(random, length, vehicle);
        SyntheticNoise.NormaliseRms(signal);
        string name = string.Create(CultureInfo.InvariantCulture, $"vehicle: {(kind == 0 ? "car" : kind == 1 ? "bus" : "train")} {vehicle.FiringHz:F0} Hz");
        return (signal, name);
    }

    /// <summary>Renders <paramref name="vehicle"/> (not normalised; the rumble alone is at unit RMS).</summary>
    public static float[] Render(Random random, int length, Vehicle vehicle)
    {
        float[] signal = Rumble(random, length, vehicle);
        if (vehicle.RoarDb > -60)
        {
            float[] roar = SyntheticNoise.Coloured(random, length, vehicle.RoarSlope);
            new LowPassFilter(vehicle.RoarCornerHz, Rate).Apply(roar);
            SyntheticNoise.NormaliseRms(roar);
            Add(signal, roar, Amplitude(vehicle.RoarDb));
        }

        if (vehicle.SquealShare > 0)
        {
            Add(signal, Squeals(random, length, vehicle.SquealShare), Amplitude(vehicle.SquealDb));
        }

        if (vehicle.JointSeconds > 0)
        {
            Add(signal, RailJoints(random, length, vehicle.JointSeconds), Amplitude(Uniform(random, 3, 12)));
        }

        return signal;
    }

    /// <summary>The engine orders (amplitudes k^−0.7 ± 3 dB, random phases) of a firing frequency that follows the revs.</summary>
    private static float[] Rumble(Random random, int length, Vehicle vehicle)
    {
        var signal = new float[length];
        double[] revs = SmoothTrajectory(random, length, 1, 4);
        for (int k = 1; k <= vehicle.Harmonics && k * vehicle.FiringHz * (1 + vehicle.Wander) < 0.45 * Rate; k++)
        {
            double amplitude = Math.Pow(k, -0.7) * Amplitude(Uniform(random, -3, 3));
            double phase = 2 * Math.PI * random.NextDouble();
            double step = 2 * Math.PI * k * vehicle.FiringHz / Rate;
            for (int n = 0; n < length; n++)
            {
                phase += step * (1 + (vehicle.Wander * revs[n]));
                signal[n] += (float)(amplitude * Math.Sin(phase));
            }
        }

        SyntheticNoise.NormaliseRms(signal);
        return signal;
    }

    /// <summary>
    /// Squeals of 0.5–4 s (50–200 ms fades) that sound <paramref name="share"/> of the time: one to three inharmonic
    /// partials from 1 to 8 kHz, wobbling by 0.5–2 % at 3–10 Hz. Unit RMS while sounding.
    /// </summary>
    private static float[] Squeals(Random random, int length, double share)
    {
        var signal = new float[length];
        int position = (int)(Rate * Uniform(random, 0, 2));
        while (position < length)
        {
            int duration = (int)(Rate * Uniform(random, 0.5, 4));
            int fade = (int)(Rate * Uniform(random, 0.05, 0.2));
            double f0 = LogUniform(random, 1000, 8000);
            double wobble = Uniform(random, 0.005, 0.02), wobbleHz = Uniform(random, 3, 10);
            int partials = 1 + random.Next(3);
            for (int p = 0; p < partials; p++)
            {
                double hz = f0 * (p == 0 ? 1 : Uniform(random, 1.3, 2.9));
                if (hz > 0.45 * Rate)
                {
                    continue;
                }

                double amplitude = Math.Sqrt(2) * (p == 0 ? 1 : Amplitude(Uniform(random, -15, -6)));
                double phase = 2 * Math.PI * random.NextDouble(), wobblePhase = 2 * Math.PI * random.NextDouble();
                for (int i = 0; i < duration && position + i < length; i++)
                {
                    double envelope = Math.Min(1, Math.Min(i, duration - i) / (double)fade);
                    phase += 2 * Math.PI * hz * (1 + (wobble * Math.Sin(wobblePhase + (2 * Math.PI * wobbleHz * i / Rate)))) / Rate;
                    signal[position + i] += (float)(amplitude * envelope * Math.Sin(phase));
                }
            }

            // Gaps so that squeals fill about `share` of the time.
            position += duration + (int)(duration * (1 - share) / share * Uniform(random, 0.5, 1.5));
        }

        return signal;
    }

    /// <summary>
    /// Every <paramref name="periodSeconds"/> (± 5 %), the two axles of a bogie over a rail joint: two thumps 0.1–0.3 s
    /// apart, each a low ring (80–300 Hz) and a metallic click (2–4 kHz). Unit peak per thump.
    /// </summary>
    private static float[] RailJoints(Random random, int length, double periodSeconds)
    {
        var signal = new float[length];
        double low = LogUniform(random, 80, 300), click = LogUniform(random, 2000, 4000);
        int axles = (int)(Rate * Uniform(random, 0.1, 0.3));
        for (double t = Uniform(random, 0, periodSeconds); t * Rate < length; t += periodSeconds * Uniform(random, 0.95, 1.05))
        {
            foreach (int at in new[] { (int)(t * Rate), (int)(t * Rate) + axles })
            {
                if (at < length)
                {
                    AddDecayingSine(signal.AsSpan(at), low, 0.12, 1, 0);
                    AddDecayingSine(signal.AsSpan(at), click, 0.03, 0.3, 0);
                }
            }
        }

        return signal;
    }

    private static void Add(float[] into, float[] part, double gain)
    {
        for (int n = 0; n < into.Length; n++)
        {
            into[n] += (float)(gain * part[n]);
        }
    }
}
