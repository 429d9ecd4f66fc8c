using System.Globalization;
using System.Text;
using PercepNet.Audio;
using PercepNet.Dsp;

namespace PercepNet.Data.Mixing;

/// <summary>The noise families a validation panel is scored by.</summary>
internal enum PanelFamily
{
    /// <summary>The held-out noise recordings.</summary>
    Recorded,

    /// <summary>Babble of the held-out speakers.</summary>
    Babble,

    /// <summary>Coloured Gaussian noise and machine hum.</summary>
    Synthetic,

    /// <summary>Stationary noise, flat white to 24 kHz.</summary>
    White,

    /// <summary>Stationary noise with a slope other than flat.</summary>
    Sloped,

    /// <summary>Insect- and bird-like choruses.</summary>
    Tonal,

    /// <summary>Keyboard, mouse, dishes, door.</summary>
    Impulsive,

    /// <summary>Synthesised music.</summary>
    Music,

    /// <summary>Cars, buses and trains.</summary>
    Vehicle,

    /// <summary>Wind and rain.</summary>
    Weather,
}

/// <summary>One mixture of a panel, with the family and speech-to-noise ratio it was made for.</summary>
internal sealed record PanelItem(string Id, PanelFamily Family, int SnrBand, double SnrDb, Mixture Mixture);

/// <summary>
/// A validation panel: for every noise family and every 5 dB band of speech-to-noise ratio from 0 to 25 dB, the same
/// number of dry mixtures of held-out speakers with that family's noise alone (held-out recordings for the recorded
/// family), at ratios spread evenly over the band. Models are compared on it family by family; nothing in it comes from
/// the devset or from the training split. Deterministic for a seed.
/// </summary>
internal static class ValidationPanel
{
    /// <summary>The bands of speech-to-noise ratio, in dB.</summary>
    public static readonly (double Low, double High)[] SnrBands = [(0, 5), (5, 10), (10, 15), (15, 20), (20, 25)];

    /// <summary>The file that lists a written panel's items; written last, so a panel with it is complete.</summary>
    public const string ListName = "panel.csv";

    /// <summary>
    /// The recipe the panel's families start from: the default one, with half the mixtures made only of clips whose
    /// speech reaches 20 kHz, so that the top bands' fidelity is measured on every family.
    /// </summary>
    public static MixtureRecipe Basis { get; } = new() { FullbandSegmentFraction = 0.5, FullbandMinHz = 20000 };

    /// <summary>The family's name in the panel's list and tables.</summary>
    public static string Name(PanelFamily family) => family.ToString().ToLowerInvariant();

    /// <summary>
    /// The recipe that makes <paramref name="family"/>'s mixtures: <paramref name="basis"/> with that family's noise
    /// only, and no reverberation, band limit, clipping, or segment without speech or noise.
    /// </summary>
    public static MixtureRecipe Recipe(MixtureRecipe basis, PanelFamily family) => basis with
    {
        ReverbFraction = 0,
        LowPassFraction = 0,
        ClippingFraction = 0,
        SpeechOnlyFraction = 0,
        NoiseOnlyFraction = 0,
        SyntheticNoiseFraction = family == PanelFamily.Synthetic ? 1 : 0,
        BabbleFraction = family == PanelFamily.Babble ? 1 : 0,
        StationaryNoiseFraction = family is PanelFamily.White or PanelFamily.Sloped ? 1 : 0,
        TonalNoiseFraction = family == PanelFamily.Tonal ? 1 : 0,
        ImpulsiveNoiseFraction = family == PanelFamily.Impulsive ? 1 : 0,
        MusicFraction = family == PanelFamily.Music ? 1 : 0,
        VehicleNoiseFraction = family == PanelFamily.Vehicle ? 1 : 0,
        WeatherNoiseFraction = family == PanelFamily.Weather ? 1 : 0,
    };

    /// <summary>
    /// The panel's mixtures, <paramref name="perCell"/> for each family and band, made from the held-out sources of
    /// <paramref name="split"/>. White and sloped items are the stationary family's draws whose layers are all, or none,
    /// flat white.
    /// </summary>
    public static IEnumerable<PanelItem> Items(SourceCatalog catalog, DatasetSplit split, int seed, int perCell, MixtureRecipe? basis = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perCell, 1);
        foreach (PanelFamily family in Enum.GetValues<PanelFamily>())
        {
            MixtureGenerator generator = new(catalog, split.ValidationSpeech, split.ValidationNoise, Recipe(basis ?? Basis, family));
            for (int band = 0; band < SnrBands.Length; band++)
            {
                for (int k = 0; k < perCell; k++)
                {
                    yield return Item(generator, seed, family, band, k, perCell);
                }
            }
        }
    }

    /// <summary>Item <paramref name="k"/> of a family's band; its index encodes the family, band and item.</summary>
    public static PanelItem Item(MixtureGenerator generator, int seed, PanelFamily family, int band, int k, int perCell)
    {
        (double low, double high) = SnrBands[band];
        double snr = low + ((high - low) * (k + 0.5) / perCell);
        int index = ((int)family * 1_000_000) + (band * 10_000) + k;
        for (int attempt = 0; ; attempt++)
        {
            Mixture mixture = generator.Generate(seed, DatasetBuilder.SplitIndex(DatasetBuilder.ValidationSplit), index + (attempt * 100_000), snr);
            if (Fits(family, mixture.Info) || attempt == 99)
            {
                string id = string.Create(CultureInfo.InvariantCulture, $"{Name(family)}-snr{low:00}-{k:D3}");
                return new PanelItem(id, family, band, snr, mixture);
            }
        }
    }

    private static bool Fits(PanelFamily family, MixtureInfo info)
    {
        bool Flat(string layer) => layer == "stationary: white";
        return info.HasSpeech && info.HasNoise && family switch
        {
            PanelFamily.White => info.Noise.All(Flat),
            PanelFamily.Sloped => !info.Noise.Any(Flat),
            _ => true,
        };
    }

    /// <summary>
    /// Writes the panel of <paramref name="dataDirectory"/>'s held-out sources into <paramref name="directory"/>:
    /// clean/ID.wav (the target) and noisy/ID.wav as 32-bit float, and <see cref="ListName"/> (id, family, band, ratio,
    /// the speech's bandwidth, the noise layers and speech clips). A directory that already holds a complete panel is
    /// left as it is; returns the number of items.
    /// </summary>
    public static int Write(string dataDirectory, string directory, int seed, int perCell, int parallelism, double holdOutFraction,
        Action<int, int>? progress = null, MixtureRecipe? basis = null)
    {
        string list = Path.Combine(directory, ListName);
        if (File.Exists(list))
        {
            return File.ReadLines(list).Count() - 1;
        }

        var catalog = new SourceCatalog(dataDirectory);
        var split = new DatasetSplit(catalog, holdOutFraction);
        if (split.ValidationSpeech.Count == 0 || split.ValidationNoise.Count == 0)
        {
            throw new InvalidDataException($"{dataDirectory}: no held-out speakers or noise recordings to make a panel from");
        }

        string clean = Directory.CreateDirectory(Path.Combine(directory, "clean")).FullName;
        string noisy = Directory.CreateDirectory(Path.Combine(directory, "noisy")).FullName;
        var plan = new List<(PanelFamily Family, int Band, int K)>();
        foreach (PanelFamily family in Enum.GetValues<PanelFamily>())
        {
            for (int band = 0; band < SnrBands.Length; band++)
            {
                for (int k = 0; k < perCell; k++)
                {
                    plan.Add((family, band, k));
                }
            }
        }

        var generators = Enum.GetValues<PanelFamily>().ToDictionary(f => f,
            f => new MixtureGenerator(catalog, split.ValidationSpeech, split.ValidationNoise, Recipe(basis ?? Basis, f)));
        var rows = new string[plan.Count];
        int done = 0;
        Parallel.For(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, i =>
        {
            (PanelFamily family, int band, int k) = plan[i];
            PanelItem item = Item(generators[family], seed, family, band, k, perCell);
            WavWriter.WriteMono(Path.Combine(clean, item.Id + ".wav"), item.Mixture.Target, FrameLayout.SampleRate, WavSampleFormat.Float32);
            WavWriter.WriteMono(Path.Combine(noisy, item.Id + ".wav"), item.Mixture.Noisy, FrameLayout.SampleRate, WavSampleFormat.Float32);
            rows[i] = Row(item);
            progress?.Invoke(Interlocked.Increment(ref done), plan.Count);
        });

        var text = new StringBuilder("id,family,snr_band,snr_db,source_bandwidth_hz,noise,speech\n");
        foreach (string row in rows)
        {
            text.Append(row).Append('\n');
        }

        string temporary = list + ".tmp";
        File.WriteAllText(temporary, text.ToString());
        File.Move(temporary, list, overwrite: true);
        return rows.Length;
    }

    private static string Row(PanelItem item)
    {
        static string Quote(IEnumerable<string> parts) => "\"" + string.Join(" | ", parts).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        (double low, double high) = SnrBands[item.SnrBand];
        return string.Create(CultureInfo.InvariantCulture,
            $"{item.Id},{Name(item.Family)},{low:0}-{high:0},{item.SnrDb:F2},{item.Mixture.Info.SpeechBandwidthHz:0},{Quote(item.Mixture.Info.Noise)},{Quote(item.Mixture.Info.Speech)}");
    }
}
