using System.Globalization;
using System.Text.Json;
using PercepNet.Data;
using PercepNet.Data.Mixing;
using PercepNet.Data.Shards;
using PercepNet.Network;
using PercepNet.Training;
using Xunit.Abstractions;

namespace PercepNet.Tests.Training;

/// <summary>Training on a tiny synthetic dataset whose targets are a simple function of the features.</summary>
public sealed class TrainerTests : IDisposable
{
    private static readonly ModelShape Tiny = new("tiny", 32, 32, 32, 32, 16, 16);
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-train-").FullName;
    private readonly ITestOutputHelper _output;

    public TrainerTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// Writes a dataset: per frame a level and a periodicity (two degrees of freedom, so that a tiny network can carry
    /// them), band energies sloping down from the level, gains a linear function of each band's energy, strengths
    /// equal to the coherences.
    /// </summary>
    internal static string WriteSyntheticDataset(string directory, int trainSegments = 64, int validSegments = 8, int frames = 100)
    {
        var random = new Random(1);
        var shards = new List<ShardEntry>();
        foreach ((string split, int count) in new[] { (DatasetBuilder.TrainSplit, trainSegments), (DatasetBuilder.ValidationSplit, validSegments) })
        {
            Directory.CreateDirectory(Path.Combine(directory, split));
            int n = count * frames;
            var features = new float[n * 70];
            var gains = new float[n * 34];
            var strengths = new float[n * 34];
            var mask = new float[n * 34];
            for (int t = 0; t < n; t++)
            {
                double level = (random.NextDouble() * 10) - 2;
                double periodicity = random.NextDouble();
                for (int b = 0; b < 34; b++)
                {
                    float energy = (float)(level - (0.1 * b));
                    float coherence = (float)Math.Clamp(periodicity * (1 - (0.01 * b)), 0, 1);
                    features[(t * 70) + b] = energy;
                    features[(t * 70) + 34 + b] = coherence;
                    gains[(t * 34) + b] = Math.Clamp((energy + 2) / 10, 0, 1);
                    strengths[(t * 34) + b] = coherence;
                    mask[(t * 34) + b] = 1;
                }
            }

            string file = $"{split}/shard-00000.pnd";
            ShardFile.Write(Path.Combine(directory, file), frames, features, gains, strengths, mask);
            shards.Add(new ShardEntry(split, file, count, 0));
        }

        var manifest = new DatasetManifest
        {
            DataDirectory = "synthetic",
            Seed = 1,
            Hours = (trainSegments + validSegments) * frames / 360000.0,
            SegmentSeconds = frames / 100.0,
            FramesPerSegment = frames,
            Recipe = new MixtureRecipe(),
            ValidationSpeakers = [],
            ValidationNoises = [],
            TrainClips = new Dictionary<string, int>(),
            Shards = shards,
            Segments = [],
            Problems = [],
        };
        File.WriteAllText(Path.Combine(directory, "manifest.json"), JsonSerializer.Serialize(manifest, DatasetManifest.Json));
        return directory;
    }

    private TrainingOptions Options(string dataset, string output, long maxSteps) => new()
    {
        DatasetDirectory = dataset,
        OutputDirectory = output,
        Shape = Tiny,
        BatchSize = 8,
        LearningRate = 3e-3,
        LearningRateDecay = 0,
        Epochs = 1000,
        MaxSteps = maxSteps,
        Threads = 1,
    };

    private static List<(long Step, double Loss)> TrainLosses(string output) =>
        [.. File.ReadLines(Path.Combine(output, "log.csv")).Skip(1).Select(l => l.Split(','))
            .Where(c => c[2].Length > 0).Select(c => (long.Parse(c[0], CultureInfo.InvariantCulture), double.Parse(c[2], CultureInfo.InvariantCulture)))];

    [Fact]
    public void TheLearningRateRisesLinearlyOverTheWarmUpThenDecays()
    {
        var options = Options("unused", "unused", 1) with { LearningRate = 1e-3, LearningRateDecay = 1e-2, WarmupSteps = 4 };
        double[] expected = [1e-3 * 0.25, 1e-3 * 0.5 / 1.01, 1e-3 * 0.75 / 1.02, 1e-3 / 1.03, 1e-3 / 1.04];
        for (int step = 0; step < expected.Length; step++)
        {
            Assert.Equal(expected[step], Trainer.LearningRateAt(step, options), 15);
        }

        Assert.Equal(1e-3 / 1.02, Trainer.LearningRateAt(2, options with { WarmupSteps = 0 }), 15);
    }

    [SkippableFact]
    public void SmokeTrainingReducesTheLossTenfoldIn250Steps()
    {
        TorchParityTests.RequireTorch();
        string dataset = WriteSyntheticDataset(Path.Combine(_root, "data"));
        string output = Path.Combine(_root, "run");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Bounded by steps, not time: the outcome is the same on a loaded machine, only slower.
        new Trainer(Options(dataset, output, 250)).Run();
        var losses = TrainLosses(output);
        Assert.Equal(250, losses[^1].Step);
        double first = losses.Take(3).Average(l => l.Loss), last = losses.TakeLast(8).Average(l => l.Loss);
        _output.WriteLine($"{losses.Count} steps in {clock.Elapsed.TotalSeconds:F1} s: loss {first:F4} → {last:F5} ({first / last:F1}×)");
        Assert.True(first / last >= 10, $"loss {first:F4} → {last:F5}");
        Assert.True(File.Exists(Path.Combine(output, "best-int8.pnm")) && File.Exists(Path.Combine(output, "loss.svg")));
        // The exported model runs in the inference runtime.
        StoredModel model = ModelFile.Read(Path.Combine(output, "best-float32.pnm"));
        Assert.Equal("tiny", model.Shape.Preset);
        Assert.Contains("validation loss", model.Description);
    }

    [SkippableFact]
    public void ResumingContinuesTheSameLossCurve()
    {
        TorchParityTests.RequireTorch();
        string dataset = WriteSyntheticDataset(Path.Combine(_root, "data"), trainSegments: 24, validSegments: 4, frames: 60);
        string straight = Path.Combine(_root, "straight"), interrupted = Path.Combine(_root, "interrupted");
        new Trainer(Options(dataset, straight, 14)).Run();
        new Trainer(Options(dataset, interrupted, 1)).Run(); // stopped inside the first epoch: no validation loss yet
        new Trainer(Options(dataset, interrupted, 7)).Run();
        new Trainer(Options(dataset, interrupted, 14)).Run();
        var a = TrainLosses(straight);
        var b = TrainLosses(interrupted);
        Assert.Equal(14, a.Count);
        Assert.Equal(a.Select(l => l.Step), b.Select(l => l.Step));
        for (int i = 0; i < a.Count; i++)
        {
            Assert.True(Math.Abs(a[i].Loss - b[i].Loss) <= 1e-4, $"step {a[i].Step}: {a[i].Loss} vs {b[i].Loss}");
        }
    }

    [SkippableFact]
    public void FineTuningStartsFromTheGivenModel()
    {
        TorchParityTests.RequireTorch();
        string dataset = WriteSyntheticDataset(Path.Combine(_root, "data"), trainSegments: 32, validSegments: 4, frames: 60);
        string first = Path.Combine(_root, "first"), tuned = Path.Combine(_root, "tuned");
        new Trainer(Options(dataset, first, 80)).Run();
        string model = Path.Combine(first, "best-float32.pnm");
        new Trainer(Options(dataset, tuned, 4) with { InitialModel = model }).Run(); // one epoch: 32 segments, batches of 8
        double fresh = TrainLosses(first)[0].Loss, trained = TrainLosses(first).TakeLast(4).Average(l => l.Loss);
        double start = TrainLosses(tuned)[0].Loss;
        Assert.True(start < 0.5 * fresh && start < 2 * trained, $"fine-tuning began at loss {start:F4}; fresh {fresh:F4}, trained {trained:F4}");
        Assert.Contains("started from best-float32.pnm", ModelFile.Read(Path.Combine(tuned, "best-int8.pnm")).Description);

        // A model of another shape is refused, naming the file.
        string other = Path.Combine(_root, "other.pnm");
        ModelFile.Write(other, new StoredModel(RandomModel.Create(ModelShape.Small, 1), Quantisation.Float32));
        var e = Assert.Throws<InvalidOperationException>(() => new Trainer(Options(dataset, Path.Combine(_root, "bad"), 1) with { InitialModel = other }).Run());
        Assert.Contains("other.pnm", e.Message);
    }

    [SkippableFact]
    public void ValidationLossOfTheExportedModelIsTheBestLossTrainingRecorded()
    {
        TorchParityTests.RequireTorch();
        string dataset = WriteSyntheticDataset(Path.Combine(_root, "data"), trainSegments: 16, validSegments: 4, frames: 40);
        string output = Path.Combine(_root, "run");
        TrainingState state = new Trainer(Options(dataset, output, 10)).Run(); // five epochs of two batches
        double loss = Trainer.ValidationLoss(TrainingData.LoadValidation(dataset), ModelFile.Read(Path.Combine(output, "best-float32.pnm")));
        Assert.True(Math.Abs(loss - state.BestValidationLoss) <= 1e-5 * state.BestValidationLoss, $"{loss} vs {state.BestValidationLoss}");

        // Every epoch's model is exported too, and the best one is one of them.
        var epochs = Enumerable.Range(1, 5).Select(e => ModelFile.Read(Path.Combine(output, $"epoch-{e:D2}-float32.pnm"))).ToList();
        Assert.All(epochs, m => Assert.True(File.Exists(Path.Combine(output, "epoch-01-int8.pnm"))));
        Assert.Contains(epochs, m => m.Description == ModelFile.Read(Path.Combine(output, "best-float32.pnm")).Description);

        // Per-segment batches: the loss over two halves of the split, weighted by their sizes, is the loss over all.
        TrainingSplit validation = TrainingData.LoadValidation(dataset);
        StoredModel best = ModelFile.Read(Path.Combine(output, "best-float32.pnm"));
        double all = Trainer.ValidationLoss(validation, best, batchSize: 1);
        double first = Trainer.ValidationLoss(validation, best, batchSize: 1, segments: [0]);
        double rest = Trainer.ValidationLoss(validation, best, batchSize: 1, segments: [1, 2, 3]);
        Assert.True(Math.Abs(all - ((first + (3 * rest)) / 4)) <= 1e-6 * all, $"{all} vs {first} and {rest}");
        Assert.NotEqual(first, rest);
    }

    [SkippableFact]
    public void BadDatasetsAreRefusedBeforeTraining()
    {
        string dataset = WriteSyntheticDataset(Path.Combine(_root, "bad"), trainSegments: 4, validSegments: 2, frames: 10);
        string shard = Path.Combine(dataset, "train", "shard-00000.pnd");
        // A NaN (with the checksum re-sealed, so that only the value is wrong).
        var header = ShardFile.ReadHeader(shard);
        var features = ShardFile.ReadArray(shard, header, ShardArray.Features);
        features[5] = float.NaN;
        ShardFile.Write(shard, header.FramesPerSegment, features, ShardFile.ReadArray(shard, header, ShardArray.Gains),
            ShardFile.ReadArray(shard, header, ShardArray.Strengths), ShardFile.ReadArray(shard, header, ShardArray.Mask));
        var nan = Assert.Throws<DatasetException>(() => TrainingData.Load(dataset));
        Assert.Contains("non-finite", nan.Message);
        Assert.Contains(shard, nan.Message);

        File.Delete(shard);
        var missing = Assert.Throws<DatasetException>(() => TrainingData.Load(dataset));
        Assert.Contains("missing", missing.Message);

        string manifestPath = Path.Combine(dataset, "manifest.json");
        File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace("\"featureVersion\": 1", "\"featureVersion\": 99", StringComparison.Ordinal));
        var version = Assert.Throws<DatasetException>(() => TrainingData.Load(dataset));
        Assert.Contains("version 99", version.Message);
    }
}
