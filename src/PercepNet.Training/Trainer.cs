using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PercepNet.Analysis;
using PercepNet.Dsp;
using PercepNet.Features;
using PercepNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace PercepNet.Training;

/// <summary>Settings of a training run.</summary>
internal sealed record TrainingOptions
{
    public required string DatasetDirectory { get; init; }
    public required string OutputDirectory { get; init; }
    public required ModelShape Shape { get; init; }
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Learning rate at step s: lr / (1 + decay·s), times the warm-up ramp.</summary>
    public double LearningRateDecay { get; init; } = 5e-5;

    /// <summary>Steps over which the learning rate rises linearly from lr/W to lr at the start of a run (0: none).</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Train with the band-balanced loss (see <see cref="PercepNetLoss"/>); validation keeps DESIGN §7's.</summary>
    public bool BalanceBands { get; init; }
    public int Epochs { get; init; } = 100;
    public int Seed { get; init; } = 1;

    /// <summary>Stop (with a checkpoint) after this many optimiser steps in total; for tests and budgets.</summary>
    public long MaxSteps { get; init; } = long.MaxValue;
    public double MaxMinutes { get; init; } = double.PositiveInfinity;
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>A model file whose weights start a new run (fine-tuning); ignored when the run resumes a checkpoint.</summary>
    public string? InitialModel { get; init; }

    /// <summary>
    /// Extra weight of over-attenuated gains in the training loss (see <see cref="PercepNetLoss"/>); 0 is DESIGN §7's loss.
    /// The validation loss is always DESIGN §7's, so that runs stay comparable.
    /// </summary>
    public double OverAttenuationWeight { get; init; }

    /// <summary>Weight of the envelope-correlation term (see <see cref="EnvelopeCorrelationLoss"/>) added to the training loss; 0: none.</summary>
    public double EnvelopeWeight { get; init; }

    /// <summary>Weight of the band-level term (see <see cref="BandLevelLoss"/>) added to the training loss; 0: none.</summary>
    public double LevelWeight { get; init; }

    /// <summary>
    /// Weight of the band-level term in the bands centred at or above 8 kHz; null: <see cref="LevelWeight"/>.
    /// </summary>
    public double? LevelWeightTop { get; init; }
}

/// <summary>The run's position, saved with every checkpoint.</summary>
internal sealed record TrainingState(int Epoch, int BatchInEpoch, long Step, double BestValidationLoss, string Preset, int Seed);

/// <summary>Progress of a run, for a progress bar.</summary>
internal sealed record TrainingProgress(int Epoch, int Epochs, long Step, double Loss, double FramesPerSecond, double? ValidationLoss);

/// <summary>
/// Trains the network on a dataset: Adam, sequences of one dataset segment (~1000 frames), batches in an order that
/// depends only on (seed, epoch), weights clipped to ±½ after each step (DESIGN §8), validation at the end of each epoch,
/// each epoch's model and the best one exported as float32 and int8 model files (epoch-NN-*.pnm, best-*.pnm: to choose
/// among epochs by other measures, or average them), checkpoints (model, optimiser, position) that a later run
/// resumes exactly, and a CSV log with an SVG loss curve.
/// </summary>
internal sealed class Trainer(TrainingOptions options)
{
    private readonly Dictionary<(int Count, int Frames), float[][]> _batchBuffers = [];

    /// <summary>The best validation loss is +∞ until the first epoch ends, so a run stopped before then must write it.</summary>
    private static readonly JsonSerializerOptions StateJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private string Path(string name) => System.IO.Path.Combine(options.OutputDirectory, name);

    /// <summary>The learning rate of step <paramref name="step"/> (from 0): a linear warm-up, then lr / (1 + decay·s).</summary>
    public static double LearningRateAt(long step, TrainingOptions options)
    {
        double warmup = options.WarmupSteps > 0 ? Math.Min(1, (step + 1) / (double)options.WarmupSteps) : 1;
        return warmup * options.LearningRate / (1 + (options.LearningRateDecay * step));
    }

    public TrainingState Run(Action<TrainingProgress>? progress = null)
    {
        string? problem = TorchLoader.Ensure();
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }

        (TrainingSplit train, TrainingSplit validation, Data.DatasetManifest manifest) = TrainingData.Load(options.DatasetDirectory);
        GC.Collect(); // the shards read while loading are garbage now: return them before training starts
        Directory.CreateDirectory(options.OutputDirectory);
        torch.set_num_threads(Math.Max(1, options.Threads));
        torch.manual_seed(options.Seed);
        using var model = new PercepNetTorchModel(options.Shape);
        model.ClipWeights();
        using var optimizer = new AdamOptimizer(model.parameters(), options.LearningRate);
        var state = new TrainingState(0, 0, 0, double.PositiveInfinity, options.Shape.Preset, options.Seed);
        if (File.Exists(Path("checkpoint.json")))
        {
            state = JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(Path("checkpoint.json")), StateJson)!;
            if (state.Preset != options.Shape.Preset)
            {
                throw new InvalidOperationException($"{Path("checkpoint.json")}: checkpoint of preset {state.Preset}, not {options.Shape.Preset}");
            }

            model.load(Path("checkpoint.model"));
            using var reader = new BinaryReader(File.OpenRead(Path("checkpoint.optimizer")));
            optimizer.Load(reader);
        }
        else if (options.InitialModel is not null)
        {
            StoredModel initial = ModelFile.Read(options.InitialModel);
            if (initial.Shape != options.Shape)
            {
                throw new InvalidOperationException($"{options.InitialModel}: a {initial.Shape.Preset} model, not {options.Shape.Preset}");
            }

            model.Import(initial.Parameters);
            model.ClipWeights();
        }

        var clock = Stopwatch.StartNew();
        int batchesPerEpoch = Math.Max(1, train.Segments / options.BatchSize);
        int frames = train.FramesPerSegment;
        double framesPerSecond = 0;
        double levelWeightTop = options.LevelWeightTop ?? options.LevelWeight;
        float[]? levelWeights = options.LevelWeight > 0 || levelWeightTop > 0
            ? BandLevelLoss.BandWeights(options.LevelWeight, levelWeightTop)
            : null;
        for (int epoch = state.Epoch; epoch < options.Epochs; epoch++)
        {
            int[] order = Shuffled(train.Segments, options.Seed, epoch);
            model.train();
            for (int batch = epoch == state.Epoch ? state.BatchInEpoch : 0; batch < batchesPerEpoch; batch++)
            {
                if (state.Step >= options.MaxSteps || clock.Elapsed.TotalMinutes >= options.MaxMinutes)
                {
                    Save(model, optimizer, state with { Epoch = epoch, BatchInEpoch = batch });
                    return state;
                }

                var stepClock = Stopwatch.StartNew();
                double lr = LearningRateAt(state.Step, options);
                optimizer.LearningRate = lr;

                double loss;
                using (var scope = NewDisposeScope())
                {
                    var (x, g, s, m) = Batch(train, order, batch * options.BatchSize, Math.Min(options.BatchSize, train.Segments));
                    optimizer.ZeroGrad();
                    var (pg, ps) = model.forward(x);
                    Tensor l = PercepNetLoss.Compute(pg, ps, g, s, m, options.OverAttenuationWeight, options.BalanceBands);
                    if (options.EnvelopeWeight > 0 || levelWeights is not null)
                    {
                        // The gains at step t are frame t − 2's, whose noisy energies were the newest features at step t − 2.
                        long n = pg.shape[1] - FrameLayout.LookaheadFrames;
                        Tensor estimated = pg.narrow(1, FrameLayout.LookaheadFrames, n), target = g.narrow(1, FrameLayout.LookaheadFrames, n);
                        Tensor defined = m.narrow(1, FrameLayout.LookaheadFrames, n), energies = x.narrow(1, 0, n).narrow(2, 0, ErbBands.Count);
                        if (options.EnvelopeWeight > 0)
                        {
                            using Scalar weight = options.EnvelopeWeight;
                            l = l + (weight * EnvelopeCorrelationLoss.Compute(estimated, target, defined, energies));
                        }

                        if (levelWeights is not null)
                        {
                            l = l + BandLevelLoss.Compute(estimated, target, defined, energies, levelWeights);
                        }
                    }

                    l.backward();
                    optimizer.Step();
                    loss = l.item<float>();
                }

                model.ClipWeights();
                state = state with { Step = state.Step + 1, Epoch = epoch, BatchInEpoch = batch + 1 };
                framesPerSecond = options.BatchSize * frames / stepClock.Elapsed.TotalSeconds;
                Log(state.Step, epoch, loss, null, lr, framesPerSecond);
                progress?.Invoke(new TrainingProgress(epoch, options.Epochs, state.Step, loss, framesPerSecond, null));
            }

            double validationLoss = Evaluate(model, validation);
            Log(state.Step, epoch, double.NaN, validationLoss, double.NaN, double.NaN);
            string epochName = string.Create(CultureInfo.InvariantCulture, $"epoch-{epoch + 1:D2}");
            bool best = validationLoss < state.BestValidationLoss;
            if (best)
            {
                state = state with { BestValidationLoss = validationLoss };
            }

            ExportModels(model, manifest, state, validationLoss, best ? [epochName, "best"] : [epochName]);

            state = state with { Epoch = epoch + 1, BatchInEpoch = 0 };
            Save(model, optimizer, state);
            progress?.Invoke(new TrainingProgress(epoch, options.Epochs, state.Step, double.NaN, framesPerSecond, validationLoss));
        }

        return state;
    }

    /// <summary>
    /// The validation loss of a model file on a dataset's validation split, as training computes it each epoch: to
    /// compare models trained on other datasets (or other epochs) on the same held-out mixtures. With
    /// <paramref name="segments"/>, only those segments of the split (for example its dry or its reverberant ones).
    /// </summary>
    public static double ValidationLoss(TrainingSplit validation, StoredModel model, int batchSize = 16, IReadOnlyList<int>? segments = null)
    {
        string? problem = TorchLoader.Ensure();
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }

        using var torchModel = new PercepNetTorchModel(model.Shape);
        torchModel.Import(model.Parameters);
        var trainer = new Trainer(new TrainingOptions { DatasetDirectory = "", OutputDirectory = "", Shape = model.Shape, BatchSize = batchSize });
        return trainer.Evaluate(torchModel, validation, segments);
    }

    /// <summary>Mean loss over the validation split (or the given segments of it), in batches, without gradients.</summary>
    public double Evaluate(PercepNetTorchModel model, TrainingSplit split, IReadOnlyList<int>? segments = null)
    {
        model.eval();
        double sum = 0;
        int count = 0;
        int[] order = segments is null ? [.. Enumerable.Range(0, split.Segments)] : [.. segments];
        if (order.Any(i => i < 0 || i >= split.Segments))
        {
            throw new ArgumentOutOfRangeException(nameof(segments), $"segments must lie in 0..{split.Segments - 1}");
        }

        using var noGrad = no_grad();
        for (int start = 0; start < order.Length; start += options.BatchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(options.BatchSize, order.Length - start);
            var (x, g, s, m) = Batch(split, order, start, n);
            var (pg, ps) = model.forward(x);
            sum += PercepNetLoss.Compute(pg, ps, g, s, m).item<float>() * n;
            count += n;
        }

        model.train();
        return sum / Math.Max(1, count);
    }

    private static int[] Shuffled(int count, int seed, int epoch)
    {
        int[] order = [.. Enumerable.Range(0, count)];
        new Random(HashSeed(seed, epoch)).Shuffle(order);
        return order;
    }

    private static int HashSeed(int seed, int epoch) => (int)(((uint)seed * 2654435761u) ^ ((uint)epoch * 40503u)) & int.MaxValue;

    /// <summary>
    /// The batch's tensors, copied from the split through buffers kept per batch size: a step's tensors are disposed
    /// before the next batch is made, and fresh arrays each step (11 MB at batch 16) pile up on the large-object heap,
    /// which the GC collects rarely next to a dataset of several gigabytes.
    /// </summary>
    private (Tensor X, Tensor G, Tensor S, Tensor M) Batch(TrainingSplit split, int[] order, int start, int count)
    {
        int frames = split.FramesPerSegment;
        const int F = FeatureExtractor.Count, B = ErbBands.Count;
        if (!_batchBuffers.TryGetValue((count, frames), out float[][]? buffers))
        {
            buffers = [new float[count * frames * F], new float[count * frames * B], new float[count * frames * B], new float[count * frames * B]];
            _batchBuffers[(count, frames)] = buffers;
        }

        (float[] x, float[] g, float[] s, float[] m) = (buffers[0], buffers[1], buffers[2], buffers[3]);
        for (int i = 0; i < count; i++)
        {
            int segment = order[(start + i) % order.Length];
            Array.Copy(split.Features, (long)segment * frames * F, x, (long)i * frames * F, frames * F);
            Array.Copy(split.Gains, (long)segment * frames * B, g, (long)i * frames * B, frames * B);
            Array.Copy(split.Strengths, (long)segment * frames * B, s, (long)i * frames * B, frames * B);
            Array.Copy(split.Mask, (long)segment * frames * B, m, (long)i * frames * B, frames * B);
        }

        return (tensor(x).reshape(count, frames, F), tensor(g).reshape(count, frames, B), tensor(s).reshape(count, frames, B), tensor(m).reshape(count, frames, B));
    }

    private void Save(PercepNetTorchModel model, AdamOptimizer optimizer, TrainingState state)
    {
        model.save(Path("checkpoint.model.tmp"));
        using (var writer = new BinaryWriter(File.Create(Path("checkpoint.optimizer.tmp"))))
        {
            optimizer.Save(writer);
        }

        File.WriteAllText(Path("checkpoint.json.tmp"), JsonSerializer.Serialize(state, StateJson));
        foreach (string name in new[] { "checkpoint.model", "checkpoint.optimizer", "checkpoint.json" })
        {
            File.Move(Path(name + ".tmp"), Path(name), overwrite: true);
        }
    }

    /// <summary>Writes the model as NAME-float32.pnm and NAME-int8.pnm for each name (exported from torch once).</summary>
    private void ExportModels(PercepNetTorchModel model, Data.DatasetManifest manifest, TrainingState state, double validationLoss, params string[] names)
    {
        string balanced = options.BalanceBands ? ", band-balanced loss" : "";
        string description = string.Create(CultureInfo.InvariantCulture,
            $"preset {options.Shape.Preset}; dataset {manifest.Hours:F2} h, seed {manifest.Seed}, strengths {manifest.StrengthRule}; "
            + $"Adam lr {options.LearningRate} decay {options.LearningRateDecay} warm-up {options.WarmupSteps} steps"
            + $"{balanced}, batch {options.BatchSize}, seed {options.Seed}; "
            + $"{(options.InitialModel is null ? "" : "started from " + System.IO.Path.GetFileName(options.InitialModel) + "; ")}"
            + $"{(options.OverAttenuationWeight > 0 ? $"over-attenuation weight {options.OverAttenuationWeight}; " : "")}"
            + $"{(options.EnvelopeWeight > 0 ? $"envelope weight {options.EnvelopeWeight}; " : "")}"
            + $"{(options.LevelWeight > 0 ? $"band-level weight {options.LevelWeight}; " : "")}"
            + $"{(options.LevelWeightTop is { } top && top != options.LevelWeight ? $"band-level weight above 8 kHz {top}; " : "")}"
            + $"epoch {state.Epoch + 1}, step {state.Step}, validation loss {validationLoss:F5}");
        ModelParameters parameters = model.Export();
        foreach (string name in names)
        {
            ModelFile.Write(Path(name + "-float32.pnm"), new StoredModel(parameters, Quantisation.Float32, description));
            ModelFile.Write(Path(name + "-int8.pnm"), new StoredModel(parameters, Quantisation.Int8, description));
        }
    }

    private void Log(long step, int epoch, double loss, double? validation, double lr, double framesPerSecond)
    {
        string path = Path("log.csv");
        bool header = !File.Exists(path);
        using (var writer = new StreamWriter(path, append: true))
        {
            if (header)
            {
                writer.WriteLine("step,epoch,train_loss,validation_loss,learning_rate,frames_per_second");
            }

            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{step},{epoch},{(double.IsNaN(loss) ? "" : loss.ToString("R", CultureInfo.InvariantCulture))},{validation?.ToString("R", CultureInfo.InvariantCulture) ?? ""},{(double.IsNaN(lr) ? "" : lr.ToString("R", CultureInfo.InvariantCulture))},{(double.IsNaN(framesPerSecond) ? "" : framesPerSecond.ToString("F0", CultureInfo.InvariantCulture))}"));
        }

        if (validation is not null)
        {
            LossCurve.Write(path, Path("loss.svg"));
        }
    }
}

/// <summary>The loss curve of a run's log as an SVG image (training loss per step, validation loss per epoch).</summary>
internal static class LossCurve
{
    public static void Write(string logPath, string svgPath)
    {
        var train = new List<(double Step, double Loss)>();
        var validation = new List<(double Step, double Loss)>();
        foreach (string line in File.ReadLines(logPath).Skip(1))
        {
            string[] cells = line.Split(',');
            double step = double.Parse(cells[0], CultureInfo.InvariantCulture);
            if (cells[2].Length > 0)
            {
                train.Add((step, double.Parse(cells[2], CultureInfo.InvariantCulture)));
            }

            if (cells[3].Length > 0)
            {
                validation.Add((step, double.Parse(cells[3], CultureInfo.InvariantCulture)));
            }
        }

        var all = train.Concat(validation).Where(p => p.Loss > 0).ToList();
        if (all.Count == 0)
        {
            return;
        }

        const double W = 800, H = 400, Margin = 50;
        double maxStep = Math.Max(1, all.Max(p => p.Step));
        double low = Math.Log10(all.Min(p => p.Loss)), high = Math.Log10(all.Max(p => p.Loss));
        if (high - low < 1e-6)
        {
            high = low + 1;
        }

        string Points(IEnumerable<(double Step, double Loss)> points) => string.Join(' ', points.Where(p => p.Loss > 0).Select(p =>
            string.Create(CultureInfo.InvariantCulture, $"{Margin + ((W - (2 * Margin)) * p.Step / maxStep):F1},{H - Margin - ((H - (2 * Margin)) * (Math.Log10(p.Loss) - low) / (high - low)):F1}")));
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#4477aa\" stroke-width=\"1\" points=\"{Points(train)}\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#cc3311\" stroke-width=\"2\" points=\"{Points(validation)}\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"20\">loss (log scale) vs step: training (blue), validation (red); {Math.Pow(10, low):G3} to {Math.Pow(10, high):G3}</text>");
        svg.AppendLine("</svg>");
        File.WriteAllText(svgPath, svg.ToString());
    }
}
