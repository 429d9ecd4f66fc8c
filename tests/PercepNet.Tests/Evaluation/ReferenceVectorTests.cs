using System.Text.Json;
using PercepNet.Audio;
using PercepNet.Evaluation.Metrics;
using Xunit.Abstractions;

namespace PercepNet.Tests.Evaluation;

/// <summary>
/// STOI, ESTOI and SI-SDR against the values the original implementations computed (pystoi 0.4.1, numpy) for the
/// pairs in ../shared/data/testvectors/expected.json; skipped without the shared data.
/// </summary>
public class ReferenceVectorTests(ITestOutputHelper output)
{
    public static TheoryData<int> PairIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < 12; i++)
        {
            data.Add(i);
        }

        return data;
    }

    internal static (string Directory, JsonElement Pairs) Vectors()
    {
        string root = SharedData.Require();
        string directory = Path.Combine(root, "testvectors");
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "expected.json")));
        return (directory, document.RootElement.GetProperty("pairs").Clone());
    }

    [SkippableTheory]
    [MemberData(nameof(PairIndices))]
    public void ReproducesTheReferenceValues(int index)
    {
        (string directory, JsonElement pairs) = Vectors();
        Skip.If(index >= pairs.GetArrayLength(), "no such pair");
        JsonElement pair = pairs[index];
        (float[] clean, int rate) = AudioFile.ReadMono(Path.Combine(directory, pair.GetProperty("reference").GetString()!));
        (float[] degraded, int degradedRate) = AudioFile.ReadMono(Path.Combine(directory, pair.GetProperty("degraded").GetString()!));
        Assert.Equal(rate, degradedRate);
        int length = Math.Min(clean.Length, degraded.Length);
        double stoi = Stoi.Compute(clean.AsSpan(0, length), degraded.AsSpan(0, length), rate);
        double estoi = Stoi.Compute(clean.AsSpan(0, length), degraded.AsSpan(0, length), rate, extended: true);
        double siSdr = SignalMetrics.SiSdr(clean, degraded);
        double expectedStoi = pair.GetProperty("stoi").GetDouble();
        double expectedEstoi = pair.GetProperty("estoi").GetDouble();
        double expectedSiSdr = pair.GetProperty("si_sdr_db").GetDouble();
        output.WriteLine($"{pair.GetProperty("degraded").GetString()}: STOI {stoi:F5} ({expectedStoi:F5}), ESTOI {estoi:F5} ({expectedEstoi:F5}), SI-SDR {siSdr:F4} ({expectedSiSdr:F4})");
        Assert.True(Math.Abs(stoi - expectedStoi) <= 1e-3, $"STOI {stoi:F5} vs {expectedStoi:F5}");
        Assert.True(Math.Abs(estoi - expectedEstoi) <= 1e-3, $"ESTOI {estoi:F5} vs {expectedEstoi:F5}");
        Assert.True(Math.Abs(siSdr - expectedSiSdr) <= 0.01, $"SI-SDR {siSdr:F4} vs {expectedSiSdr:F4}");
    }
}
