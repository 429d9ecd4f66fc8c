using System.Text.Json;
using System.Text.Json.Nodes;
using PercepNet.Analysis;
using PercepNet.Data.Mixing;
using PercepNet.Data.Shards;
using PercepNet.Dsp;
using PercepNet.Features;

namespace PercepNet.Data;

/// <summary>Settings of a dataset build.</summary>
internal sealed record DatasetOptions
{
    public required string DataDirectory { get; init; }
    public required string OutputDirectory { get; init; }
    public double Hours { get; init; } = 1;
    public int Seed { get; init; } = 1;

    /// <summary>Share of the hours made from the validation speakers and noises.</summary>
    public double ValidationShare { get; init; } = 0.1;

    /// <summary>Share of speakers and noise recordings held out for validation.</summary>
    public double HoldOutFraction { get; init; } = 0.15;

    public int SegmentsPerShard { get; init; } = 36;
    public MixtureRecipe Recipe { get; init; } = new();
    public StrengthRule Strength { get; init; } = StrengthRule.Coherence;
    public BandCoverage Coverage { get; init; } = BandCoverage.LowerEdge;
    public int Parallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>One shard in the manifest.</summary>
internal sealed record ShardEntry(string Split, string File, int Segments, int FirstSegment);

/// <summary>One segment in the manifest (what it was made of).</summary>
internal sealed record SegmentEntry(string Split, int Index, MixtureInfo Mixture);

/// <summary>The dataset manifest (manifest.json): everything needed to know, check and reproduce a dataset.</summary>
internal sealed record DatasetManifest
{
    public int FormatVersion { get; init; } = ShardFile.FormatVersion;
    public int FeatureVersion { get; init; } = FeatureExtractor.Version;
    public required string DataDirectory { get; init; }
    public int Seed { get; init; }
    public double Hours { get; init; }
    public double SegmentSeconds { get; init; }
    public int FramesPerSegment { get; init; }
    public string StrengthRule { get; init; } = "";

    /// <summary>Where band targets start to be defined (a <see cref="PercepNet.Data.Shards.BandCoverage"/>); older manifests: LowerEdge.</summary>
    public string BandCoverage { get; init; } = nameof(PercepNet.Data.Shards.BandCoverage.LowerEdge);
    public double HoldOutFraction { get; init; }
    public required MixtureRecipe Recipe { get; init; }
    public required IReadOnlyList<string> ValidationSpeakers { get; init; }
    public required IReadOnlyList<string> ValidationNoises { get; init; }
    public required IReadOnlyDictionary<string, int> TrainClips { get; init; }
    public required IReadOnlyList<ShardEntry> Shards { get; init; }
    public required IReadOnlyList<SegmentEntry> Segments { get; init; }
    public required IReadOnlyList<string> Problems { get; init; }

    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static DatasetManifest Read(string directory)
    {
        string path = Path.Combine(directory, "manifest.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no dataset manifest (build one with 'percepnet dataset build')");
        }

        JsonNode? root = JsonNode.Parse(File.ReadAllText(path));
        DatasetManifest manifest = root?.Deserialize<DatasetManifest>(Json)
            ?? throw new InvalidDataException($"{path}: empty manifest");
        return manifest with { Recipe = WithoutLaterKnobs(manifest.Recipe, root["recipe"] as JsonObject) };
    }

    /// <summary>
    /// A manifest written before a recipe knob existed was built without it: a knob missing from the stored recipe is
    /// 0 (off), not today's default, so that its segments are regenerated as they were built.
    /// </summary>
    private static MixtureRecipe WithoutLaterKnobs(MixtureRecipe recipe, JsonObject? stored)
    {
        if (stored is null)
        {
            return recipe;
        }

        double Stored(string name, double value) => stored.ContainsKey(JsonNamingPolicy.CamelCase.ConvertName(name)) ? value : 0;
        return recipe with
        {
            SpeedPerturbationFraction = Stored(nameof(MixtureRecipe.SpeedPerturbationFraction), recipe.SpeedPerturbationFraction),
            HallFraction = Stored(nameof(MixtureRecipe.HallFraction), recipe.HallFraction),
            SyntheticNoiseFraction = Stored(nameof(MixtureRecipe.SyntheticNoiseFraction), recipe.SyntheticNoiseFraction),
            BabbleFraction = Stored(nameof(MixtureRecipe.BabbleFraction), recipe.BabbleFraction),
            NoiseModulationFraction = Stored(nameof(MixtureRecipe.NoiseModulationFraction), recipe.NoiseModulationFraction),
            StationaryNoiseFraction = Stored(nameof(MixtureRecipe.StationaryNoiseFraction), recipe.StationaryNoiseFraction),
            TonalNoiseFraction = Stored(nameof(MixtureRecipe.TonalNoiseFraction), recipe.TonalNoiseFraction),
            ImpulsiveNoiseFraction = Stored(nameof(MixtureRecipe.ImpulsiveNoiseFraction), recipe.ImpulsiveNoiseFraction),
            MusicFraction = Stored(nameof(MixtureRecipe.MusicFraction), recipe.MusicFraction),
            VehicleNoiseFraction = Stored(nameof(MixtureRecipe.VehicleNoiseFraction), recipe.VehicleNoiseFraction),
            WeatherNoiseFraction = Stored(nameof(MixtureRecipe.WeatherNoiseFraction), recipe.WeatherNoiseFraction),
        };
    }
}

/// <summary>
/// Builds a dataset: mixtures made by <see cref="MixtureGenerator"/>, turned into features and targets by
/// <see cref="FrameTargets"/>, stored in shards of <see cref="ShardFile"/> with a JSON manifest. Every segment depends
/// only on (seed, split, index), so builds are bit-identical run to run whatever the parallelism, and a build that
/// was interrupted resumes: finished shards (renamed into place only when complete, with their segment list beside
/// them) are kept.
/// </summary>
internal sealed class DatasetBuilder(DatasetOptions options)
{
    public const string TrainSplit = "train";
    public const string ValidationSplit = "valid";

    /// <summary>The split index a split's mixtures are seeded with (<see cref="MixtureGenerator.Generate"/>).</summary>
    public static int SplitIndex(string split) => split == ValidationSplit ? 1 : 0;

    /// <summary>The generator of a split's mixtures: the training sources, or the held-out speakers and noises.</summary>
    public static MixtureGenerator Generator(SourceCatalog catalog, DatasetSplit sources, MixtureRecipe recipe, string split) =>
        split == ValidationSplit
            ? new MixtureGenerator(catalog, sources.ValidationSpeech, sources.ValidationNoise, recipe)
            : new MixtureGenerator(catalog, sources.TrainSpeech, sources.TrainNoise, recipe);

    public DatasetManifest Build(Action<int, int>? progress = null)
    {
        var catalog = new SourceCatalog(options.DataDirectory);
        var split = new DatasetSplit(catalog, options.HoldOutFraction);
        Directory.CreateDirectory(options.OutputDirectory);
        int framesPerSegment = FrameTargets.FrameCount((int)(options.Recipe.SegmentSeconds * FrameLayout.SampleRate));
        int totalSegments = Math.Max(2, (int)Math.Round(options.Hours * 3600 / options.Recipe.SegmentSeconds));
        int validationSegments = Math.Max(1, (int)Math.Round(totalSegments * options.ValidationShare));
        int trainSegments = totalSegments - validationSegments;

        var plans = new List<(string Split, int SplitIndex, int First, int Count, string File)>();
        foreach ((string name, int index, int count) in new[] { (TrainSplit, SplitIndex(TrainSplit), trainSegments), (ValidationSplit, SplitIndex(ValidationSplit), validationSegments) })
        {
            Directory.CreateDirectory(Path.Combine(options.OutputDirectory, name));
            for (int first = 0, shard = 0; first < count; first += options.SegmentsPerShard, shard++)
            {
                plans.Add((name, index, first, Math.Min(options.SegmentsPerShard, count - first), $"{name}/shard-{shard:D5}.pnd"));
            }
        }

        var generators = new[]
        {
            Generator(catalog, split, options.Recipe, TrainSplit),
            Generator(catalog, split, options.Recipe, ValidationSplit),
        };
        var segmentLists = new IReadOnlyList<SegmentEntry>[plans.Count];
        int done = 0;
        Parallel.For(0, plans.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism) }, p =>
        {
            var plan = plans[p];
            string shardPath = Path.Combine(options.OutputDirectory, plan.File);
            string listPath = Path.ChangeExtension(shardPath, ".json");
            if (TryResume(shardPath, listPath, plan.Count, framesPerSegment, out IReadOnlyList<SegmentEntry>? resumed))
            {
                segmentLists[p] = resumed!;
                progress?.Invoke(Interlocked.Add(ref done, plan.Count), totalSegments);
                return;
            }

            segmentLists[p] = BuildShard(generators[plan.SplitIndex], plan.Split, plan.SplitIndex, plan.First, plan.Count,
                framesPerSegment, shardPath, listPath, () => progress?.Invoke(Interlocked.Increment(ref done), totalSegments));
        });

        var manifest = new DatasetManifest
        {
            DataDirectory = catalog.DataDirectory,
            Seed = options.Seed,
            Hours = totalSegments * options.Recipe.SegmentSeconds / 3600,
            SegmentSeconds = options.Recipe.SegmentSeconds,
            FramesPerSegment = framesPerSegment,
            StrengthRule = options.Strength.ToString(),
            BandCoverage = options.Coverage.ToString(),
            HoldOutFraction = options.HoldOutFraction,
            Recipe = options.Recipe,
            ValidationSpeakers = split.ValidationSpeakers,
            ValidationNoises = split.ValidationNoises,
            TrainClips = new Dictionary<string, int>
            {
                ["trainSpeech"] = split.TrainSpeech.Count,
                ["validationSpeech"] = split.ValidationSpeech.Count,
                ["trainNoise"] = split.TrainNoise.Count,
                ["validationNoise"] = split.ValidationNoise.Count,
            },
            Shards = [.. plans.Select(p => new ShardEntry(p.Split, p.File, p.Count, p.First))],
            Segments = [.. segmentLists.SelectMany(s => s)],
            Problems = [.. catalog.Problems.Order(StringComparer.Ordinal)],
        };
        string manifestPath = Path.Combine(options.OutputDirectory, "manifest.json");
        File.WriteAllText(manifestPath + ".tmp", JsonSerializer.Serialize(manifest, DatasetManifest.Json));
        File.Move(manifestPath + ".tmp", manifestPath, overwrite: true);
        return manifest;
    }

    private IReadOnlyList<SegmentEntry> BuildShard(MixtureGenerator generator, string split, int splitIndex, int first, int count,
        int framesPerSegment, string shardPath, string listPath, Action segmentDone)
    {
        const int B = ErbBands.Count;
        long frames = (long)count * framesPerSegment;
        var features = new float[frames * FeatureExtractor.Count];
        var gains = new float[frames * B];
        var strengths = new float[frames * B];
        var mask = new float[frames * B];
        var targets = new FrameTargets(options.Strength, options.Coverage);
        var entries = new List<SegmentEntry>();
        for (int i = 0; i < count; i++)
        {
            int index = first + i;
            Mixture mixture = generator.Generate(options.Seed, splitIndex, index);
            long f0 = (long)i * framesPerSegment;
            targets.Compute(mixture.Noisy, mixture.Target, mixture.Info.SpeechBandwidthHz,
                features.AsSpan((int)(f0 * FeatureExtractor.Count), framesPerSegment * FeatureExtractor.Count),
                gains.AsSpan((int)(f0 * B), framesPerSegment * B),
                strengths.AsSpan((int)(f0 * B), framesPerSegment * B),
                mask.AsSpan((int)(f0 * B), framesPerSegment * B));
            entries.Add(new SegmentEntry(split, index, mixture.Info));
            segmentDone();
        }

        File.WriteAllText(listPath + ".tmp", JsonSerializer.Serialize(entries, DatasetManifest.Json));
        File.Move(listPath + ".tmp", listPath, overwrite: true);
        ShardFile.Write(shardPath, framesPerSegment, features, gains, strengths, mask);
        return entries;
    }

    private static bool TryResume(string shardPath, string listPath, int count, int framesPerSegment, out IReadOnlyList<SegmentEntry>? entries)
    {
        entries = null;
        if (!File.Exists(shardPath) || !File.Exists(listPath))
        {
            return false;
        }

        try
        {
            ShardFile.Header header = ShardFile.ReadHeader(shardPath);
            if (header.Segments != count || header.FramesPerSegment != framesPerSegment || header.FeatureVersion != FeatureExtractor.Version
                || !ShardFile.Verify(shardPath))
            {
                return false;
            }

            entries = JsonSerializer.Deserialize<List<SegmentEntry>>(File.ReadAllText(listPath), DatasetManifest.Json);
            return entries is not null && entries.Count == count;
        }
        catch (Exception e) when (e is ShardFormatException or JsonException or IOException)
        {
            return false;
        }
    }
}
