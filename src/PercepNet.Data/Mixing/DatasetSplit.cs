using System.IO.Hashing;
using System.Text;

namespace PercepNet.Data.Mixing;

/// <summary>
/// Training and validation material, split by speaker and by noise recording: a speaker (or noise file) goes to
/// validation when a hash of its name falls in the validation fraction — stable across runs and machines, and
/// independent of the seed, so models trained on different seeds share the same held-out speakers. Clips without
/// speaker identity (Picovoice's "unknown") cannot be held out by speaker and always stay in training.
/// </summary>
internal sealed class DatasetSplit
{
    public DatasetSplit(SourceCatalog catalog, double validationFraction)
    {
        ValidationSpeakers = [.. catalog.Speech.Select(s => s.Speaker).Distinct().Where(s => s != "unknown" && InValidation(s, validationFraction)).Order(StringComparer.Ordinal)];
        ValidationNoises = [.. catalog.Noise.Select(n => Relative(catalog, n.Path)).Where(n => InValidation(n, validationFraction)).Order(StringComparer.Ordinal)];
        var speakers = new HashSet<string>(ValidationSpeakers);
        var noises = new HashSet<string>(ValidationNoises);
        TrainSpeech = [.. catalog.Speech.Where(s => !speakers.Contains(s.Speaker) && !s.SemiClean)];
        ValidationSpeech = [.. catalog.Speech.Where(s => speakers.Contains(s.Speaker) && !s.SemiClean)];
        TrainNoise = [.. catalog.Noise.Where(n => !noises.Contains(Relative(catalog, n.Path)))];
        ValidationNoise = [.. catalog.Noise.Where(n => noises.Contains(Relative(catalog, n.Path)))];
    }

    public IReadOnlyList<string> ValidationSpeakers { get; }

    public IReadOnlyList<string> ValidationNoises { get; }

    public IReadOnlyList<SpeechClip> TrainSpeech { get; }

    public IReadOnlyList<SpeechClip> ValidationSpeech { get; }

    public IReadOnlyList<NoiseClip> TrainNoise { get; }

    public IReadOnlyList<NoiseClip> ValidationNoise { get; }

    public static string Relative(SourceCatalog catalog, string path) =>
        Path.GetRelativePath(catalog.DataDirectory, path).Replace('\\', '/');

    private static bool InValidation(string name, double fraction) =>
        XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(name)) % 10000 < fraction * 10000;
}
