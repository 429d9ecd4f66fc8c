using System.Collections.Concurrent;
using PercepNet.Audio;

namespace PercepNet.Data.Mixing;

/// <summary>A speech clip of the data folder, with what its manifest says of it.</summary>
internal sealed record SpeechClip(string Path, string Source, string Speaker, int SampleRate, double BandwidthHz, bool SemiClean, double Seconds);

/// <summary>A noise recording of the data folder.</summary>
internal sealed record NoiseClip(string Path, string Category, int SampleRate, double BandwidthHz, double Seconds);

/// <summary>
/// The training material of a data folder as its manifests describe it (<c>speech/*/speakers.csv</c>,
/// <c>noise/noise.csv</c>, <c>rir/rir.csv</c>), and a cache of decoded audio at 48 kHz. Unreadable files are reported
/// by name and left out.
/// </summary>
internal sealed class SourceCatalog
{
    private readonly ConcurrentDictionary<string, Lazy<float[]?>> _audio = new();
    private readonly ConcurrentBag<string> _problems = [];

    public SourceCatalog(string dataDirectory)
    {
        DataDirectory = Path.GetFullPath(dataDirectory);
        string speechRoot = Path.Combine(DataDirectory, "speech");
        if (!Directory.Exists(speechRoot))
        {
            throw new DirectoryNotFoundException($"{speechRoot}: no speech folder in the data directory");
        }

        var speech = new List<SpeechClip>();
        foreach (string source in Directory.GetDirectories(speechRoot).Order(StringComparer.Ordinal))
        {
            string csv = Path.Combine(source, "speakers.csv");
            if (!File.Exists(csv))
            {
                _problems.Add($"{csv}: missing; source skipped");
                continue;
            }

            string name = System.IO.Path.GetFileName(source);
            foreach (Dictionary<string, string> row in ReadCsv(csv))
            {
                string speaker = row["speaker"];
                speech.Add(new SpeechClip(Path.Combine(source, row["file"]), name,
                    speaker == "unknown" ? "unknown" : $"{name}/{speaker}", int.Parse(row["sample_rate"]),
                    double.Parse(row["bandwidth_hz"], System.Globalization.CultureInfo.InvariantCulture),
                    row.GetValueOrDefault("semi_clean") == "1",
                    double.Parse(row["duration_s"], System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        Speech = speech;
        var noise = new List<NoiseClip>();
        string noiseCsv = Path.Combine(DataDirectory, "noise", "noise.csv");
        if (File.Exists(noiseCsv))
        {
            foreach (Dictionary<string, string> row in ReadCsv(noiseCsv))
            {
                noise.Add(new NoiseClip(Path.Combine(DataDirectory, "noise", row["file"]), row["category"], int.Parse(row["sample_rate"]),
                    double.Parse(row["bandwidth_hz"], System.Globalization.CultureInfo.InvariantCulture),
                    double.Parse(row["duration_s"], System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        else
        {
            _problems.Add($"{noiseCsv}: missing; no recorded noise");
        }

        Noise = noise;
        var rirs = new List<string>();
        string rirCsv = Path.Combine(DataDirectory, "rir", "rir.csv");
        if (File.Exists(rirCsv))
        {
            rirs.AddRange(ReadCsv(rirCsv).Select(row => Path.Combine(DataDirectory, "rir", row["file"])));
        }

        RoomImpulseResponses = rirs;
    }

    public string DataDirectory { get; }

    public IReadOnlyList<SpeechClip> Speech { get; }

    public IReadOnlyList<NoiseClip> Noise { get; }

    public IReadOnlyList<string> RoomImpulseResponses { get; }

    /// <summary>Files that could not be used, by name.</summary>
    public IReadOnlyCollection<string> Problems => _problems;

    /// <summary>The file's audio, mono at 48 kHz (decoded once); null, with a problem recorded, when it cannot be read.</summary>
    public float[]? Audio48k(string path) => _audio.GetOrAdd(path, p => new Lazy<float[]?>(() =>
    {
        try
        {
            return AudioFile.ReadMono48k(p);
        }
        catch (Exception e) when (e is AudioFormatException or IOException)
        {
            _problems.Add($"{p}: {(e is AudioFormatException a ? a.Problem : e.Message)}; skipped");
            return null;
        }
    })).Value;

    private static IEnumerable<Dictionary<string, string>> ReadCsv(string path)
    {
        string[] header = [];
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            List<string> cells = SplitCsvLine(line);
            if (header.Length == 0)
            {
                header = [.. cells];
                continue;
            }

            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < header.Length && i < cells.Count; i++)
            {
                row[header[i]] = cells[i];
            }

            yield return row;
        }
    }

    private static List<string> SplitCsvLine(string line)
    {
        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        cells.Add(current.ToString());
        return cells;
    }
}
