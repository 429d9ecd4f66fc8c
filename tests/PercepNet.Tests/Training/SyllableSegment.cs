using static TorchSharp.torch;

namespace PercepNet.Tests.Training;

/// <summary>
/// A segment for the window terms of the training loss: target gains that rise and fall like syllables (period 17
/// frames, a phase per band), a steady noisy input, every band defined.
/// </summary>
internal static class SyllableSegment
{
    public const int Frames = 120, Bands = 34;

    public static (float[] Target, float[] Mask, float[] LogEnergies) Inputs()
    {
        var target = new float[Frames * Bands];
        var mask = new float[Frames * Bands];
        var logEnergies = new float[Frames * Bands];
        for (int t = 0; t < Frames; t++)
        {
            for (int b = 0; b < Bands; b++)
            {
                int i = (t * Bands) + b;
                target[i] = (float)(0.55 + (0.4 * Math.Sin((2 * Math.PI * t / 17.0) + b)));
                mask[i] = 1;
                logEnergies[i] = 5;
            }
        }

        return (target, mask, logEnergies);
    }

    /// <summary>A loss term (gains, target gains, mask, noisy log-energies) on one segment of these shapes.</summary>
    public static double Evaluate(Func<Tensor, Tensor, Tensor, Tensor, Tensor> term, float[] gains, float[] target, float[] mask, float[] logEnergies)
    {
        using var scope = NewDisposeScope();
        Tensor T(float[] values) => tensor(values).reshape(1, Frames, Bands);
        return term(T(gains), T(target), T(mask), T(logEnergies)).item<float>();
    }
}
