using TorchSharp;
using static TorchSharp.torch;

namespace PercepNet.Training;

/// <summary>The noisy band energies back from the features' log-energies, log10(E·κ + 10⁻²): E·κ, at least 0.</summary>
internal static class NoisyBandEnergy
{
    public static Tensor FromLogFeatures(Tensor logEnergies)
    {
        using Scalar ln10 = Math.Log(10), offset = 0.01, zero = 0.0;
        return ((logEnergies * ln10).exp() - offset).clamp_min(zero);
    }
}
