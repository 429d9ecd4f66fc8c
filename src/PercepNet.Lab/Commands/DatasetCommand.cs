using System.CommandLine;
using System.Globalization;
using PercepNet.Analysis;
using PercepNet.Audio;
using PercepNet.Cli.Commands;
using PercepNet.Data;
using PercepNet.Data.Mixing;
using PercepNet.Data.Shards;
using PercepNet.Dsp;
using Spectre.Console;

namespace PercepNet.Lab.Commands;

/// <summary><c>percepnet dataset build|stats</c>: training data from the shared material.</summary>
internal static class DatasetCommand
{
    public static Command Create()
    {
        var command = new Command("dataset", "Build training datasets (mixtures, features, targets) and inspect them.");
        command.Subcommands.Add(CreateBuild());
        command.Subcommands.Add(CreateStats());
        command.Subcommands.Add(CreatePanel());
        return command;
    }

    private static Command CreateBuild()
    {
        var data = new Option<string>("--data") { Description = "Data folder (speech/, noise/, rir/ with their manifests).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output folder for shards and manifest.json.", Required = true };
        var hours = new Option<double>("--hours") { Description = "Hours of mixtures (train + validation).", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed gives bit-identical output.", DefaultValueFactory = _ => 1 };
        var dry = new Option<bool>("--dry") { Description = "No reverberation (dry-only data)." };
        var strength = new Option<string>("--strength") { Description = "Comb strength targets: coherence (matching the clean pitch coherence) or least-squares.", DefaultValueFactory = _ => "coherence" };
        strength.AcceptOnlyFromAmong("coherence", "least-squares");
        var speed = new Option<double>("--speed-perturbation") { Description = "Fraction of utterances played up to 15 % faster or slower; 0 turns it off.", DefaultValueFactory = _ => new MixtureRecipe().SpeedPerturbationFraction };
        var halls = new Option<double>("--halls") { Description = "Fraction of simulated rooms that are halls with RT60 from 1 to 4 s; 0 turns it off.", DefaultValueFactory = _ => new MixtureRecipe().HallFraction };
        var synthetic = new Option<double>("--synthetic-noise") { Description = "Fraction of noise layers that are synthetic: coloured Gaussian noise or machine hum; 0 turns it off.", DefaultValueFactory = _ => new MixtureRecipe().SyntheticNoiseFraction };
        var babble = new Option<double>("--babble") { Description = "Fraction of noise layers that are babble of 3-8 talkers of the split's speech; 0 turns it off.", DefaultValueFactory = _ => new MixtureRecipe().BabbleFraction };
        var modulation = new Option<double>("--noise-modulation") { Description = "Fraction of noise layers whose level wanders by up to 3-20 dB; 0 turns it off.", DefaultValueFactory = _ => new MixtureRecipe().NoiseModulationFraction };
        var early = new Option<double>("--early-reflections") { Description = "Seconds after the direct sound that a reverberant segment's target keeps (then a 10 ms fade); 0 to 0.2.", DefaultValueFactory = _ => new MixtureRecipe().EarlyReflectionSeconds };
        var fullband = new Option<double>("--fullband-segments")
        {
            Description = "Fraction of speech segments made only of fullband clips (content up to --fullband-hz or more), "
                + "so that the top bands are trained on more than the rare all-fullband mixes; 0 turns it off.",
            DefaultValueFactory = _ => new MixtureRecipe().FullbandSegmentFraction,
        };
        var fullbandHz = new Option<double>("--fullband-hz")
        {
            Description = "The bandwidth in Hz from which a clip counts as fullband for --fullband-segments (8000 to 24000; 20000 gives "
                + "the top band, centred on 20 kHz, a target in every such segment).",
            DefaultValueFactory = _ => new MixtureRecipe().FullbandMinHz,
        };
        var topCut = new Option<double>("--noise-top-cut")
        {
            Description = "Fraction of noise layers cut above a random corner from 4 to 12 kHz by 10 to 30 dB, so that the top bands' "
                + "gains learn to follow their own SNR rather than the mid bands'; 0 turns it off.",
            DefaultValueFactory = _ => new MixtureRecipe().NoiseTopCutFraction,
        };
        var stationary = new Option<double>("--stationary-noise")
        {
            Description = "Fraction of noise layers that are stationary noise with an exact slope from -9 to +6 dB per octave, a third of "
                + "them flat white to 24 kHz, left uncoloured (hiss, fans, air conditioning); 0 turns it off.",
            DefaultValueFactory = _ => new MixtureRecipe().StationaryNoiseFraction,
        };
        var tonal = new Option<double>("--tonal-noise")
        {
            Description = "Fraction of noise layers that are insect- and bird-like choruses: pulsed, swept tones from 2 to 8 kHz; 0 turns it off.",
            DefaultValueFactory = _ => new MixtureRecipe().TonalNoiseFraction,
        };
        var impulsive = new Option<double>("--impulsive-noise")
        {
            Description = "Fraction of noise layers that are impulsive: keyboard, mouse, dishes or a door (decaying bursts with resonances); 0 turns it off.",
            DefaultValueFactory = _ => new MixtureRecipe().ImpulsiveNoiseFraction,
        };
        var music = new Option<double>("--music")
        {
            Description = "Fraction of noise layers that are synthesised music: bass, chords and melody over drums; 0 turns it off.",
            DefaultValueFactory = _ => new MixtureRecipe().MusicFraction,
        };
        var vehicle = new Option<double>("--vehicle-noise")
        {
            Description = "Fraction of noise layers that are cars, buses and trains: engine rumble, roar, squeals and rail joints; 0 turns it off.",
            DefaultValueFactory = _ => new MixtureRecipe().VehicleNoiseFraction,
        };
        var weather = new Option<double>("--weather-noise")
        {
            Description = "Fraction of noise layers that are gusty wind, rain drops, or both; 0 turns it off.",
            DefaultValueFactory = _ => new MixtureRecipe().WeatherNoiseFraction,
        };
        var coverage = new Option<string>("--band-coverage")
        {
            Description = "Where a band's target starts to count, given the speech's bandwidth: lower-edge (the speech enters the band) "
                + "or centre (it reaches the band's centre, so clips that stop inside a band do not teach it silence).",
            DefaultValueFactory = _ => "lower-edge",
        };
        coverage.AcceptOnlyFromAmong("lower-edge", "centre");
        var jobs = new Option<int>("--jobs", "-j") { Description = "Shards built in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount };
        NumericOptionChecks.RequireRange(jobs, 1, int.MaxValue, "a number of parallel jobs");
        var command = new Command("build",
            "Mix clean speech with noise and reverberation , compute the 70 features and the targets with the "
            + "inference chain, and write memory-mappable shards and a JSON manifest. Validation uses held-out speakers and "
            + "noises. Deterministic for a seed; rerunning resumes an interrupted build.")
        {
            data, output, hours, seed, dry, strength, speed, halls, synthetic, babble, modulation, early, fullband, fullbandHz, topCut,
            stationary, tonal, impulsive, music, vehicle, weather, coverage, jobs,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            double h = parse.GetValue(hours);
            if (!(h > 0) || h > 10000)
            {
                throw new UsageException("--hours must be a positive number of hours");
            }

            string dataDirectory = parse.GetValue(data)!;
            if (!Directory.Exists(dataDirectory))
            {
                throw new UsageException($"{dataDirectory}: data folder not found");
            }

            double Within(Option<double> option, double most, string range, double least = 0)
            {
                double value = parse.GetValue(option);
                return value >= least && value <= most ? value : throw new UsageException($"{option.Name} must be {range}");
            }

            double Fraction(Option<double> option) => Within(option, 1, "a fraction from 0 to 1");

            var recipe = new MixtureRecipe
            {
                SpeedPerturbationFraction = Fraction(speed),
                HallFraction = Fraction(halls),
                SyntheticNoiseFraction = Fraction(synthetic),
                BabbleFraction = Fraction(babble),
                NoiseModulationFraction = Fraction(modulation),
                EarlyReflectionSeconds = Within(early, 0.2, "from 0 to 0.2 seconds"),
                FullbandSegmentFraction = Fraction(fullband),
                FullbandMinHz = Within(fullbandHz, 24000, "from 8000 to 24000 Hz", least: 8000),
                NoiseTopCutFraction = Fraction(topCut),
                StationaryNoiseFraction = Fraction(stationary),
                TonalNoiseFraction = Fraction(tonal),
                ImpulsiveNoiseFraction = Fraction(impulsive),
                MusicFraction = Fraction(music),
                VehicleNoiseFraction = Fraction(vehicle),
                WeatherNoiseFraction = Fraction(weather),
            };
            if (recipe.GeneratedNoiseFraction > 1 + 1e-9)
            {
                throw new UsageException(string.Format(CultureInfo.InvariantCulture,
                    "the shares of generated noise layers add up to {0:0.###}: --synthetic-noise, --babble, --stationary-noise, --tonal-noise, "
                    + "--impulsive-noise, --music, --vehicle-noise and --weather-noise together must not exceed 1", recipe.GeneratedNoiseFraction));
            }

            var options = new DatasetOptions
            {
                DataDirectory = dataDirectory,
                OutputDirectory = parse.GetValue(output)!,
                Hours = h,
                Seed = parse.GetValue(seed),
                Parallelism = parse.GetValue(jobs),
                Strength = parse.GetValue(strength) == "least-squares" ? StrengthRule.LeastSquares : StrengthRule.Coherence,
                Coverage = parse.GetValue(coverage) == "centre" ? BandCoverage.Centre : BandCoverage.LowerEdge,
                Recipe = parse.GetValue(dry) ? recipe with { ReverbFraction = 0 } : recipe,
            };
            var started = DateTime.UtcNow;
            DatasetManifest manifest = null!;
            AnsiConsole.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask("mixing", maxValue: 1);
                    manifest = new DatasetBuilder(options).Build((done, total) =>
                    {
                        task.MaxValue = total;
                        task.Value = done;
                    });
                });
            double seconds = (DateTime.UtcNow - started).TotalSeconds;
            foreach (string problem in manifest.Problems)
            {
                Console.Error.WriteLine($"warning: {problem}");
            }

            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{0:F2} h in {1} segments ({2} shards) in {3:F0} s: {4:F0} s per hour of mixtures; {5} validation speakers, {6} validation noises",
                manifest.Hours, manifest.Segments.Count, manifest.Shards.Count, seconds, seconds / manifest.Hours,
                manifest.ValidationSpeakers.Count, manifest.ValidationNoises.Count));
            return 0;
        }));
        return command;
    }

    private static Command CreatePanel()
    {
        var data = new Option<string>("--data") { Description = "Data folder (speech/, noise/, rir/ with their manifests).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Folder for clean/, noisy/ and panel.csv.", Required = true };
        var perCell = new Option<int>("--per-cell") { Description = "Mixtures for each noise family and 5 dB band of SNR.", DefaultValueFactory = _ => 12 };
        NumericOptionChecks.RequireRange(perCell, 1, 1000, "a number of mixtures");
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed gives the same panel.", DefaultValueFactory = _ => 1 };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Mixtures made in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount };
        NumericOptionChecks.RequireRange(jobs, 1, int.MaxValue, "a number of parallel jobs");
        var command = new Command("panel",
            "Write a validation panel: for each noise family (recorded, babble, synthetic, white, sloped, tonal, impulsive, music, "
            + "vehicle, weather) and each 5 dB band of SNR from 0 to 25 dB, dry mixtures of held-out speakers with that noise alone "
            + "(held-out recordings for the recorded family), as clean/ID.wav and noisy/ID.wav with a panel.csv listing them. "
            + "Models are compared on it family by family (scripts/valid-table.py). A folder that holds a complete panel is kept.")
        {
            data, output, perCell, seed, jobs,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            string dataDirectory = parse.GetValue(data)!;
            if (!Directory.Exists(dataDirectory))
            {
                throw new UsageException($"{dataDirectory}: data folder not found");
            }

            string directory = parse.GetValue(output)!;
            int count = 0;
            AnsiConsole.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask("mixing");
                    count = ValidationPanel.Write(dataDirectory, directory, parse.GetValue(seed), parse.GetValue(perCell), parse.GetValue(jobs),
                        new DatasetOptions { DataDirectory = dataDirectory, OutputDirectory = directory }.HoldOutFraction,
                        (done, total) =>
                        {
                            task.MaxValue = total;
                            task.Value = done;
                        });
                });
            Console.WriteLine($"{count} panel mixtures in {directory}");
            return 0;
        }));
        return command;
    }

    private static Command CreateStats()
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder (with manifest.json).", Required = true };
        var examples = new Option<int>("--examples") { Description = "Render this many segments as noisy/target WAVs.", DefaultValueFactory = _ => 0 };
        var examplesDir = new Option<string?>("--examples-dir") { Description = "Where the rendered examples go." };
        var examplesSplit = new Option<string>("--split") { Description = "Which split the examples come from: train, or valid (held-out speakers and noises, for tuning runtime options without the devset).", DefaultValueFactory = _ => DatasetBuilder.TrainSplit };
        examplesSplit.AcceptOnlyFromAmong(DatasetBuilder.TrainSplit, DatasetBuilder.ValidationSplit);
        var command = new Command("stats", "Hours, SNR histogram, speakers, per-band target means; optionally renders examples for listening.")
        {
            dataset, examples, examplesDir, examplesSplit,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            string directory = parse.GetValue(dataset)!;
            DatasetManifest manifest;
            try
            {
                manifest = DatasetManifest.Read(directory);
            }
            catch (FileNotFoundException e)
            {
                throw new InputException(e.Message);
            }

            PrintStats(directory, manifest);
            int count = parse.GetValue(examples);
            if (count > 0)
            {
                string target = parse.GetValue(examplesDir) ?? Path.Combine(directory, "examples");
                RenderExamples(manifest, target, count, parse.GetValue(examplesSplit)!);
            }

            return 0;
        }));
        return command;
    }

    private static void PrintStats(string directory, DatasetManifest manifest)
    {
        var culture = CultureInfo.InvariantCulture;
        Dictionary<string, string> speakerOf = Directory.Exists(manifest.DataDirectory)
            ? new SourceCatalog(manifest.DataDirectory).Speech.ToDictionary(c => Path.GetRelativePath(manifest.DataDirectory, c.Path).Replace('\\', '/'), c => c.Speaker)
            : [];
        foreach (string split in new[] { DatasetBuilder.TrainSplit, DatasetBuilder.ValidationSplit })
        {
            var segments = manifest.Segments.Where(s => s.Split == split).ToList();
            double hours = segments.Count * manifest.SegmentSeconds / 3600;
            int speakers = segments.SelectMany(s => s.Mixture.Speech).Select(p => speakerOf.GetValueOrDefault(p, p)).Distinct().Count();
            AnsiConsole.MarkupLine(string.Format(culture, "[bold]{0}[/]: {1:F2} h, {2} segments, {3} speakers (Picovoice's unidentified talkers count as one), {4} distinct noise files, {5} reverberant, {6} speech-only, {7} noise-only",
                split, hours, segments.Count, speakers, segments.SelectMany(s => s.Mixture.Noise).Distinct().Count(),
                segments.Count(s => s.Mixture.Room != "none"), segments.Count(s => !s.Mixture.HasNoise), segments.Count(s => !s.Mixture.HasSpeech)));
            var histogram = new BarChart().Label("SNR (dB)").Width(60);
            foreach (int low in new[] { -5, 0, 5, 10, 15, 20, 30, 40 })
            {
                int high = low switch { 20 => 30, 30 => 40, 40 => 46, _ => low + 5 };
                histogram.AddItem($"{low}..{high}", segments.Count(s => s.Mixture.SnrDb >= low && s.Mixture.SnrDb < high), Color.Blue);
            }

            AnsiConsole.Write(histogram);
        }

        // Per-band target means over the training shards (masked values excluded).
        var gainSum = new double[ErbBands.Count];
        var strengthSum = new double[ErbBands.Count];
        var count = new long[ErbBands.Count];
        foreach (ShardEntry shard in manifest.Shards.Where(s => s.Split == DatasetBuilder.TrainSplit))
        {
            string path = Path.Combine(directory, shard.File);
            ShardFile.Header header = ShardFile.ReadHeader(path);
            float[] gains = ShardFile.ReadArray(path, header, ShardArray.Gains);
            float[] strengths = ShardFile.ReadArray(path, header, ShardArray.Strengths);
            float[] mask = ShardFile.ReadArray(path, header, ShardArray.Mask);
            for (int i = 0; i < gains.Length; i++)
            {
                if (mask[i] > 0)
                {
                    int b = i % ErbBands.Count;
                    gainSum[b] += gains[i];
                    strengthSum[b] += strengths[i];
                    count[b]++;
                }
            }
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("band").AddColumn("centre Hz").AddColumn("mean gain").AddColumn("mean strength").AddColumn("defined");
        for (int b = 0; b < ErbBands.Count; b++)
        {
            long n = Math.Max(1, count[b]);
            long total = manifest.Segments.Count(s => s.Split == DatasetBuilder.TrainSplit) * (long)manifest.FramesPerSegment;
            table.AddRow(b.ToString(culture), ErbBands.CentreHz(b).ToString(culture), (gainSum[b] / n).ToString("F3", culture),
                (strengthSum[b] / n).ToString("F3", culture), (count[b] / (double)Math.Max(1, total)).ToString("P0", culture));
        }

        AnsiConsole.Write(table);
    }

    private static void RenderExamples(DatasetManifest manifest, string directory, int count, string splitName)
    {
        Directory.CreateDirectory(directory);
        var catalog = new SourceCatalog(manifest.DataDirectory);
        var split = new DatasetSplit(catalog, manifest.HoldOutFraction);
        MixtureGenerator generator = DatasetBuilder.Generator(catalog, split, manifest.Recipe, splitName);
        int rendered = 0;
        foreach (SegmentEntry segment in manifest.Segments.Where(s => s.Split == splitName).Take(count))
        {
            Mixture mixture = generator.Generate(manifest.Seed, DatasetBuilder.SplitIndex(splitName), segment.Index);
            WavWriter.WriteMono(Path.Combine(directory, $"{splitName}-{segment.Index:D5}-noisy.wav"), mixture.Noisy, FrameLayout.SampleRate, WavSampleFormat.Float32);
            WavWriter.WriteMono(Path.Combine(directory, $"{splitName}-{segment.Index:D5}-target.wav"), mixture.Target, FrameLayout.SampleRate, WavSampleFormat.Float32);
            rendered++;
        }

        Console.WriteLine($"rendered {rendered} {splitName} examples in {directory}");
    }
}
