using PercepNet.Analysis;
using PercepNet.Data;
using PercepNet.Data.Shards;
using PercepNet.Features;

namespace PercepNet.Training;

/// <summary>A dataset that cannot be trained on; the message says which file and why.</summary>
internal sealed class DatasetException(string message) : Exception(message);

/// <summary>One split of a dataset in memory: segments of features, gains, strengths and mask.</summary>
internal sealed class TrainingSplit(int framesPerSegment, float[] features, float[] gains, float[] strengths, float[] mask)
{
    public int FramesPerSegment { get; } = framesPerSegment;
    public int Segments { get; } = gains.Length / ErbBands.Count / framesPerSegment;
    public float[] Features { get; } = features;
    public float[] Gains { get; } = gains;
    public float[] Strengths { get; } = strengths;
    public float[] Mask { get; } = mask;
}

/// <summary>
/// Loads and checks a dataset built by <c>percepnet dataset build</c> before any training starts: the manifest's
/// feature-extractor version must be this library's, every shard must exist, be whole (checksum) and hold only finite
/// values.
/// </summary>
internal static class TrainingData
{
    public static (TrainingSplit Train, TrainingSplit Validation, DatasetManifest Manifest) Load(string directory)
    {
        DatasetManifest manifest = ReadManifest(directory);
        return (LoadSplit(directory, manifest, DatasetBuilder.TrainSplit), LoadSplit(directory, manifest, DatasetBuilder.ValidationSplit), manifest);
    }

    /// <summary>The validation split alone (held-out speakers and noises), with the same checks.</summary>
    public static TrainingSplit LoadValidation(string directory) =>
        LoadSplit(directory, ReadManifest(directory), DatasetBuilder.ValidationSplit);

    private static DatasetManifest ReadManifest(string directory)
    {
        DatasetManifest manifest;
        try
        {
            manifest = DatasetManifest.Read(directory);
        }
        catch (Exception e) when (e is FileNotFoundException or System.Text.Json.JsonException or InvalidDataException)
        {
            throw new DatasetException(e.Message);
        }

        if (manifest.FeatureVersion != FeatureExtractor.Version)
        {
            throw new DatasetException($"{Path.Combine(directory, "manifest.json")}: features of version {manifest.FeatureVersion}, but this library computes version {FeatureExtractor.Version}; rebuild the dataset");
        }

        return manifest;
    }

    private static TrainingSplit LoadSplit(string directory, DatasetManifest manifest, string split)
    {
        var parts = new List<(float[] F, float[] G, float[] S, float[] M)>();
        foreach (ShardEntry shard in manifest.Shards.Where(s => s.Split == split))
        {
            string path = Path.Combine(directory, shard.File);
            if (!File.Exists(path))
            {
                throw new DatasetException($"{path}: shard listed in the manifest is missing");
            }

            ShardFile.Header header;
            try
            {
                header = ShardFile.ReadHeader(path);
            }
            catch (ShardFormatException e)
            {
                throw new DatasetException(e.Message);
            }

            if (header.FeatureVersion != FeatureExtractor.Version)
            {
                throw new DatasetException($"{path}: features of version {header.FeatureVersion}, this library computes {FeatureExtractor.Version}");
            }

            if (!ShardFile.Verify(path))
            {
                throw new DatasetException($"{path}: checksum mismatch (the shard is corrupt)");
            }

            var arrays = (ShardFile.ReadArray(path, header, ShardArray.Features), ShardFile.ReadArray(path, header, ShardArray.Gains),
                ShardFile.ReadArray(path, header, ShardArray.Strengths), ShardFile.ReadArray(path, header, ShardArray.Mask));
            foreach ((string name, float[] values) in new[] { ("features", arrays.Item1), ("gains", arrays.Item2), ("strengths", arrays.Item3), ("mask", arrays.Item4) })
            {
                int bad = Array.FindIndex(values, v => !float.IsFinite(v));
                if (bad >= 0)
                {
                    throw new DatasetException($"{path}: non-finite value in {name} (element {bad})");
                }
            }

            parts.Add(arrays);
        }

        if (parts.Count == 0)
        {
            throw new DatasetException($"{directory}: no {split} shards");
        }

        // One exact-size copy per array (a LINQ concatenation grows by doubling: three times the dataset at its peak).
        return new TrainingSplit(manifest.FramesPerSegment, Concatenate(parts.Select(p => p.F)), Concatenate(parts.Select(p => p.G)),
            Concatenate(parts.Select(p => p.S)), Concatenate(parts.Select(p => p.M)));
    }

    private static float[] Concatenate(IEnumerable<float[]> arrays)
    {
        float[][] all = [.. arrays];
        var result = new float[all.Sum(a => (long)a.Length)];
        long offset = 0;
        foreach (float[] a in all)
        {
            Array.Copy(a, 0, result, offset, a.Length);
            offset += a.Length;
        }

        return result;
    }
}
