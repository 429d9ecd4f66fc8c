using PercepNet.Analysis;
using PercepNet.Audio;
using PercepNet.Data;
using PercepNet.Data.Mixing;
using PercepNet.Data.Shards;
using PercepNet.Dsp;
using PercepNet.Features;

namespace PercepNet.Tests.Data;

/// <summary>Dataset builds on a small data folder the test writes itself (synthetic speakers and noises).</summary>
[Collection(nameof(Cli.ConsoleCollection))]
public sealed class DatasetBuilderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-data-").FullName;
    private readonly string _data;

    public DatasetBuilderTests()
    {
        _data = Path.Combine(_root, "data");
        string speech = Directory.CreateDirectory(Path.Combine(_data, "speech", "synth")).FullName;
        var rows = new List<string> { "file,speaker,gender,sample_rate,bandwidth_hz,semi_clean,licence,duration_s,dnsmos_bak" };
        var random = new Random(5);
        for (int s = 0; s < 24; s++)
        {
            double f0 = 90 + (random.NextDouble() * 160);
            float[] voice = SyntheticSignals.Voiced([new(2.0, f0, f0 * 1.2)], 100 + s).Signal;
            int rate = s % 3 == 0 ? 16000 : 48000;
            float[] audio = rate == 48000 ? voice : Resampler.Resample(voice, 48000, rate);
            string file = $"spk{s:D2}.wav";
            WavWriter.WriteMono(Path.Combine(speech, file), audio, rate);
            rows.Add($"{file},spk{s:D2},F,{rate},{(rate == 16000 ? 8000 : 20000)},0,test,{audio.Length / (double)rate:F3},");
        }

        rows.Add("missing.wav,spkX,F,16000,8000,0,test,2.0,");
        File.WriteAllBytes(Path.Combine(speech, "corrupt.wav"), [.. "RIFF"u8, .. new byte[50]]);
        rows.Add("corrupt.wav,spkY,F,16000,8000,0,test,2.0,");
        File.WriteAllLines(Path.Combine(speech, "speakers.csv"), rows);

        string noise = Directory.CreateDirectory(Path.Combine(_data, "noise", "synth")).FullName;
        var noiseRows = new List<string> { "file,category,sample_rate,bandwidth_hz,duration_s,licence,attribution" };
        for (int n = 0; n < 12; n++)
        {
            WavWriter.WriteMono(Path.Combine(noise, $"n{n:D2}.wav"), SyntheticSignals.WhiteNoise(48000 * 3, 200 + n, 0.1), 48000);
            noiseRows.Add($"synth/n{n:D2}.wav,test,48000,24000,3.0,test,test");
        }

        File.WriteAllLines(Path.Combine(_data, "noise", "noise.csv"), noiseRows);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private DatasetManifest Build(string name, int seed, double hours = 0.02, StrengthRule rule = StrengthRule.Coherence) =>
        new DatasetBuilder(new DatasetOptions
        {
            DataDirectory = _data,
            OutputDirectory = Path.Combine(_root, name),
            Hours = hours,
            Seed = seed,
            SegmentsPerShard = 3,
            HoldOutFraction = 0.25,
            ValidationShare = 0.3,
            Strength = rule,
            Recipe = new MixtureRecipe { SegmentSeconds = 3, ReverbFraction = 0.5 },
        }).Build();

    private byte[][] Files(string name) =>
        [.. Directory.GetFiles(Path.Combine(_root, name), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    [Fact]
    public void SameSeedGivesIdenticalBytesAndAnotherSeedDiffers()
    {
        Build("a", 7);
        Build("b", 7);
        Build("c", 8);
        byte[][] a = Files("a"), b = Files("b"), c = Files("c");
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i]);
        }

        string shardA = Path.Combine(_root, "a", "train", "shard-00000.pnd"), shardC = Path.Combine(_root, "c", "train", "shard-00000.pnd");
        Assert.NotEqual(File.ReadAllBytes(shardA), File.ReadAllBytes(shardC));
    }

    [Fact]
    public void NoValidationSpeakerOrNoiseIsInTraining()
    {
        DatasetManifest manifest = Build("split", 3);
        Assert.NotEmpty(manifest.ValidationSpeakers);
        Assert.NotEmpty(manifest.ValidationNoises);
        var speakers = new HashSet<string>(manifest.ValidationSpeakers.Select(s => s.Split('/')[1]));
        var noises = new HashSet<string>(manifest.ValidationNoises);
        foreach (SegmentEntry segment in manifest.Segments.Where(s => s.Split == DatasetBuilder.TrainSplit))
        {
            Assert.All(segment.Mixture.Speech, file => Assert.DoesNotContain(Path.GetFileNameWithoutExtension(file), speakers));
            Assert.All(segment.Mixture.Noise, file => Assert.DoesNotContain(file, noises));
        }

        Assert.Contains(manifest.Segments, s => s.Split == DatasetBuilder.ValidationSplit);
        Assert.All(manifest.Segments.Where(s => s.Split == DatasetBuilder.ValidationSplit && s.Mixture.HasSpeech),
            s => Assert.All(s.Mixture.Speech, file => Assert.Contains(Path.GetFileNameWithoutExtension(file), speakers)));
    }

    [Fact]
    public void APanelItemHoldsHeldOutSpeechAndItsFamilysNoiseAloneAtItsRatio()
    {
        var catalog = new SourceCatalog(_data);
        var split = new DatasetSplit(catalog, 0.25);
        var speakers = new HashSet<string>(split.ValidationSpeakers);
        var noises = new HashSet<string>(split.ValidationNoise.Select(n => DatasetSplit.Relative(catalog, n.Path)));
        MixtureRecipe basis = ValidationPanel.Basis with { SegmentSeconds = 3 };
        PanelItem[] items = [.. ValidationPanel.Items(catalog, split, 11, 1, basis)];
        Assert.Equal(Enum.GetValues<PanelFamily>().Length * ValidationPanel.SnrBands.Length, items.Length);
        foreach (PanelItem item in items)
        {
            MixtureInfo info = item.Mixture.Info;
            Assert.True(info.HasSpeech && info.HasNoise && info.Room == "none" && !info.Clipped && info.LowPassHz == 24000, item.Id);
            Assert.All(info.Speech, clip => Assert.Contains("synth/" + Path.GetFileNameWithoutExtension(clip), speakers));
            (double low, double high) = ValidationPanel.SnrBands[item.SnrBand];
            Assert.InRange(item.SnrDb, low, high);
            Assert.StartsWith($"{ValidationPanel.Name(item.Family)}-snr{low:00}-", item.Id, StringComparison.Ordinal);

            // The ratio measured as the dataset defines it: the speech's active power over the noise's mean power.
            float[] noise = [.. item.Mixture.Noisy.Select((v, n) => v - item.Mixture.Target[n])];
            double measured = 10 * Math.Log10(SpeechLevel.ActivePower(item.Mixture.Target, 48000) / SpeechLevel.RmsPower(noise));
            Assert.Equal(item.SnrDb, measured, 0.05);

            string prefix = item.Family switch
            {
                PanelFamily.White or PanelFamily.Sloped => "stationary: ",
                PanelFamily.Recorded => "",
                _ => ValidationPanel.Name(item.Family) + ": ",
            };
            Assert.All(info.Noise, layer => Assert.StartsWith(prefix, layer, StringComparison.Ordinal));
            switch (item.Family)
            {
                case PanelFamily.Recorded:
                    Assert.All(info.Noise, layer => Assert.Contains(layer, noises));
                    break;
                case PanelFamily.White:
                    Assert.All(info.Noise, layer => Assert.Equal("stationary: white", layer));
                    break;
                case PanelFamily.Sloped:
                    Assert.All(info.Noise, layer => Assert.EndsWith("dB/octave", layer, StringComparison.Ordinal));
                    break;
            }
        }
    }

    [Fact]
    public void AWrittenPanelIsTheSameForTheSameSeedAndIsKeptWhenComplete()
    {
        MixtureRecipe basis = ValidationPanel.Basis with { SegmentSeconds = 1 };
        string a = Path.Combine(_root, "panel-a"), b = Path.Combine(_root, "panel-b");
        int count = ValidationPanel.Write(_data, a, 5, 1, 2, 0.25, basis: basis);
        Assert.Equal(count, ValidationPanel.Write(_data, b, 5, 1, 1, 0.25, basis: basis));
        Assert.Equal(Enum.GetValues<PanelFamily>().Length * ValidationPanel.SnrBands.Length, count);
        string[] names = [.. Directory.GetFiles(a, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order(StringComparer.Ordinal)];
        Assert.Equal(1 + (2 * count), names.Length);
        foreach (string name in names)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, name)), File.ReadAllBytes(Path.Combine(b, name)));
        }

        string[] rows = File.ReadAllLines(Path.Combine(a, ValidationPanel.ListName));
        Assert.Equal("id,family,snr_band,snr_db,source_bandwidth_hz,noise,speech", rows[0]);
        Assert.All(rows.Skip(1), row => Assert.True(File.Exists(Path.Combine(a, "noisy", row.Split(',')[0] + ".wav"))));

        // A complete panel is not made again.
        DateTime written = File.GetLastWriteTimeUtc(Path.Combine(a, ValidationPanel.ListName));
        Assert.Equal(count, ValidationPanel.Write(_data, a, 5, 1, 2, 0.25, basis: basis));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(a, ValidationPanel.ListName)));
    }

    [Fact]
    public void HallsTakeTheirShareOfSimulatedRoomsWithLongReverberationTimes()
    {
        var catalog = new SourceCatalog(_data);
        var split = new DatasetSplit(catalog, 0.25);
        var recipe = new MixtureRecipe { SegmentSeconds = 1, ReverbFraction = 1, RealRirFraction = 0, HallFraction = 0.5 };
        var generator = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe);
        var rt60s = new List<double>();
        for (int i = 0; i < 80; i++)
        {
            MixtureInfo info = generator.Generate(7, 0, i).Info;
            if (info.HasSpeech)
            {
                rt60s.Add(info.Rt60);
            }
        }

        Assert.All(rt60s, t => Assert.InRange(t, 0.1, recipe.MaxHallRt60));
        int halls = rt60s.Count(t => t > 1.0);
        // Binomial(n, 0.5): far inside these bounds for n ≈ 75.
        Assert.InRange(halls, rt60s.Count * 0.3, rt60s.Count * 0.7);
        Assert.Contains(rt60s, t => t > 2.5);

        // Without halls, no simulated room is longer than the ordinary 1 s.
        var before = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe with { HallFraction = 0 });
        Assert.All(Enumerable.Range(0, 10), i => Assert.InRange(before.Generate(7, 0, i).Info.Rt60, 0, 1.0));
    }

    [Fact]
    public void SyntheticAndBabbleLayersTakeTheirShareAndOffMeansRecordingsOnly()
    {
        var catalog = new SourceCatalog(_data);
        var split = new DatasetSplit(catalog, 0.25);
        var recipe = new MixtureRecipe { SegmentSeconds = 1, ReverbFraction = 0, SpeechOnlyFraction = 0, NoiseOnlyFraction = 0 };
        var recordingsOnly = recipe.WithoutProceduralFamilies() with { SyntheticNoiseFraction = 0, BabbleFraction = 0, NoiseModulationFraction = 0 };
        var layers = new List<string>();
        var off = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recordingsOnly);
        for (int i = 0; i < 20; i++)
        {
            layers.AddRange(off.Generate(3, 0, i).Info.Noise);
        }

        Assert.All(layers, name => Assert.StartsWith("noise/", name));

        var all = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe with { SyntheticNoiseFraction = 0.5, BabbleFraction = 0.5 });
        layers.Clear();
        for (int i = 0; i < 30; i++)
        {
            Mixture mixture = all.Generate(3, 0, i);
            Assert.All(mixture.Noisy, v => Assert.True(float.IsFinite(v)));
            layers.AddRange(mixture.Info.Noise);
        }

        Assert.All(layers, name => Assert.True(name.StartsWith("synthetic: ", StringComparison.Ordinal) || name.StartsWith("babble: ", StringComparison.Ordinal), name));
        int synthetic = layers.Count(name => name.StartsWith("synthetic: ", StringComparison.Ordinal));
        Assert.InRange(synthetic, layers.Count * 0.25, layers.Count * 0.75);
    }

    [Fact]
    public void FullbandSegmentsDrawOnlyClipsAboveTheThresholdAndTheirShareFollowsTheKnob()
    {
        var catalog = new SourceCatalog(_data);
        var split = new DatasetSplit(catalog, 0.25);
        var recipe = new MixtureRecipe { SegmentSeconds = 3, ReverbFraction = 0, SpeechOnlyFraction = 0, NoiseOnlyFraction = 0 };
        // Every third test speaker is a 16 kHz recording (bandwidth 8 kHz); the others are fullband (20 kHz).
        static bool Narrow(string path) => int.Parse(Path.GetFileNameWithoutExtension(path)[3..]) % 3 == 0;

        var always = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe with { FullbandSegmentFraction = 1 });
        var never = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe);
        var half = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe with { FullbandSegmentFraction = 0.5 });
        int narrowWhenAlways = 0, narrowWhenNever = 0, narrowWhenHalf = 0;
        for (int i = 0; i < 60; i++)
        {
            narrowWhenAlways += always.Generate(9, 0, i).Info.Speech.Count(Narrow);
            narrowWhenNever += never.Generate(9, 0, i).Info.Speech.Any(Narrow) ? 1 : 0;
            narrowWhenHalf += half.Generate(9, 0, i).Info.Speech.Any(Narrow) ? 1 : 0;
        }

        Assert.Equal(0, narrowWhenAlways);
        // A 3 s segment joins one or two 2 s clips, a third of them narrow; half the segments can hold none.
        Assert.InRange(narrowWhenNever, 15, 45);
        Assert.InRange(narrowWhenHalf, narrowWhenNever * 0.25, narrowWhenNever * 0.75);
        // The threshold picks the clips: at 8 kHz the narrow clips count as fullband too.
        var lowThreshold = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe with { FullbandSegmentFraction = 1, FullbandMinHz = 8000 });
        Assert.InRange(Enumerable.Range(0, 60).Count(i => lowThreshold.Generate(9, 0, i).Info.Speech.Any(Narrow)), 15, 45);

        // Off, the generator makes the very segments it made before the knob existed (no extra random draw).
        Assert.Equal(never.Generate(9, 0, 5).Noisy, new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe with { FullbandSegmentFraction = 0 }).Generate(9, 0, 5).Noisy);
    }

    [Fact]
    public void NoiseTopCutLowersTheNoisesTopAgainstItsMidBandsAndOffDrawsNothing()
    {
        var catalog = new SourceCatalog(_data);
        var split = new DatasetSplit(catalog, 0.25);
        // Noise alone, from recordings only (white noise here), without low-pass or clipping.
        var recipe = new MixtureRecipe
        {
            SegmentSeconds = 1,
            NoiseOnlyFraction = 1,
            SyntheticNoiseFraction = 0,
            BabbleFraction = 0,
            LowPassFraction = 0,
            ClippingFraction = 0,
        }.WithoutProceduralFamilies();
        var plain = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe);
        var cut = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe with { NoiseTopCutFraction = 1 });
        double plainTilt = 0, cutTilt = 0;
        const int segments = 20;
        for (int i = 0; i < segments; i++)
        {
            plainTilt += TopOverMidDb(plain.Generate(4, 0, i).Noisy);
            cutTilt += TopOverMidDb(cut.Generate(4, 0, i).Noisy);
        }

        // Every layer is cut by 10-30 dB from a corner at 4-12 kHz: 16-22 kHz loses at least 10 dB on average against 1-3 kHz.
        Assert.InRange((plainTilt - cutTilt) / segments, 10, 40);

        // Off, the generator makes the very segments it made before the knob existed (no extra random draw).
        Assert.Equal(plain.Generate(4, 0, 3).Noisy, new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe with { NoiseTopCutFraction = 0 }).Generate(4, 0, 3).Noisy);
    }

    /// <summary>Power in 16-22 kHz over power in 1-3 kHz, in dB, from unwindowed 960-point spectra.</summary>
    private static double TopOverMidDb(float[] x)
    {
        var fft = new RealFft(960);
        var spectrum = new ComplexF[fft.BinCount];
        double top = 0, mid = 0;
        for (int start = 0; start + 960 <= x.Length; start += 960)
        {
            fft.Forward(x.AsSpan(start, 960), spectrum);
            for (int k = 0; k < spectrum.Length; k++)
            {
                double hz = k * 50.0, power = (spectrum[k].Re * (double)spectrum[k].Re) + (spectrum[k].Im * (double)spectrum[k].Im);
                top += hz is >= 16000 and < 22000 ? power : 0;
                mid += hz is >= 1000 and < 3000 ? power : 0;
            }
        }

        return 10 * Math.Log10(top / mid);
    }

    /// <summary>
    /// Default model 7's recipe (docs/TRAINING.md, run 38) still makes the mixtures it made when that model was trained:
    /// knobs added later are off in it and draw nothing. The digest was taken from the generator as it was before the
    /// procedural noise families existed.
    /// </summary>
    [Fact]
    public void Model7sRecipeRebuildsTheMixturesItMadeBeforeLaterKnobs()
    {
        var catalog = new SourceCatalog(_data);
        var split = new DatasetSplit(catalog, 0.25);
        var recipe = Model7Recipe with { SegmentSeconds = 2 };
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (string name in new[] { DatasetBuilder.TrainSplit, DatasetBuilder.ValidationSplit })
        {
            MixtureGenerator generator = DatasetBuilder.Generator(catalog, split, recipe, name);
            for (int i = 0; i < 12; i++)
            {
                Mixture mixture = generator.Generate(39, DatasetBuilder.SplitIndex(name), i);
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(mixture.Noisy.AsSpan()));
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(mixture.Target.AsSpan()));
            }
        }

        Assert.Equal("7F211E6050F182B2EAB3C20E54BAE6F108E9C484F7D0BF2A188AA07A97162F98", Convert.ToHexString(hash.GetHashAndReset()));
    }

    /// <summary>The recipe of the dataset default model 7 was fine-tuned on (ds10o), with every later knob off.</summary>
    private static MixtureRecipe Model7Recipe => new MixtureRecipe
    {
        FullbandSegmentFraction = 0.5,
        FullbandMinHz = 20000,
        SyntheticNoiseFraction = 0.25,
        NoiseTopCutFraction = 0.5,
    }.WithoutProceduralFamilies();

    [Fact]
    public void StationaryLayersKeepTheirExactSlopeWhiteIsFlatTo24Kilohertz()
    {
        var catalog = new SourceCatalog(_data);
        var split = new DatasetSplit(catalog, 0.25);
        var recipe = new MixtureRecipe
        {
            SegmentSeconds = 2,
            NoiseOnlyFraction = 1,
            LowPassFraction = 0,
            ClippingFraction = 0,
            SyntheticNoiseFraction = 0,
            BabbleFraction = 0,
        }.WithoutProceduralFamilies();
        recipe = recipe with { StationaryNoiseFraction = 1 };
        var generator = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, recipe);
        int white = 0, sloped = 0;
        for (int i = 0; i < 40 && (white < 3 || sloped < 3); i++)
        {
            Mixture mixture = generator.Generate(11, 0, i);
            Assert.All(mixture.Info.Noise, name => Assert.StartsWith("stationary: ", name, StringComparison.Ordinal));
            if (mixture.Info.Noise.Count != 1)
            {
                continue;
            }

            double[] db = NoiseFamilyTests.OctaveLevelsDb(mixture.Noisy, [250, 500, 1000, 2000, 4000, 8000, 16000, 23000]);
            double fitted = NoiseFamilyTests.Slope(db);
            if (mixture.Info.Noise[0] == "stationary: white")
            {
                white++;
                Assert.All(db, d => Assert.InRange(d - db.Average(), -1, 1));
            }
            else
            {
                sloped++;
                double named = double.Parse(mixture.Info.Noise[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(fitted, named - 0.5, named + 0.5);
            }
        }

        Assert.True(white >= 1 && sloped >= 1, $"{white} white and {sloped} sloped single-layer segments");
    }

    [Theory]
    [InlineData("stationary: ")]
    [InlineData("tonal: ")]
    [InlineData("impulsive: ")]
    [InlineData("music: ")]
    [InlineData("vehicle: ")]
    [InlineData("weather: ")]
    public void EachFamilysKnobAloneGivesOnlyItsLayersAndMixturesStayFinite(string prefix)
    {
        var catalog = new SourceCatalog(_data);
        var split = new DatasetSplit(catalog, 0.25);
        var none = new MixtureRecipe { SegmentSeconds = 1, SyntheticNoiseFraction = 0, BabbleFraction = 0, SpeechOnlyFraction = 0 }.WithoutProceduralFamilies();
        MixtureRecipe only = prefix switch
        {
            "stationary: " => none with { StationaryNoiseFraction = 1 },
            "tonal: " => none with { TonalNoiseFraction = 1 },
            "impulsive: " => none with { ImpulsiveNoiseFraction = 1 },
            "music: " => none with { MusicFraction = 1 },
            "vehicle: " => none with { VehicleNoiseFraction = 1 },
            _ => none with { WeatherNoiseFraction = 1 },
        };
        var generator = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, only);
        for (int i = 0; i < 6; i++)
        {
            Mixture mixture = generator.Generate(12, 0, i);
            Assert.NotEmpty(mixture.Info.Noise);
            Assert.All(mixture.Info.Noise, name => Assert.StartsWith(prefix, name, StringComparison.Ordinal));
            Assert.All(mixture.Noisy, v => Assert.True(float.IsFinite(v)));
        }
    }

    [Fact]
    public void AManifestWrittenBeforeARecipeKnobExistedReadsItAsOff()
    {
        Build("old", 2);
        string path = Path.Combine(_root, "old", "manifest.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        var stored = json["recipe"]!.AsObject();
        string[] procedural = ["stationaryNoiseFraction", "tonalNoiseFraction", "impulsiveNoiseFraction", "musicFraction", "vehicleNoiseFraction", "weatherNoiseFraction"];
        foreach (string knob in new[] { "hallFraction", "syntheticNoiseFraction", "babbleFraction", "noiseModulationFraction" }.Concat(procedural))
        {
            Assert.True(stored.Remove(knob), knob);
        }

        File.WriteAllText(path, json.ToJsonString());
        MixtureRecipe recipe = DatasetManifest.Read(Path.Combine(_root, "old")).Recipe;
        Assert.Equal(0, recipe.HallFraction);
        Assert.Equal(0, recipe.SyntheticNoiseFraction);
        Assert.Equal(0, recipe.BabbleFraction);
        Assert.Equal(0, recipe.NoiseModulationFraction);
        Assert.Equal(0, recipe.GeneratedNoiseFraction);
        Assert.Equal(new MixtureRecipe().SpeedPerturbationFraction, recipe.SpeedPerturbationFraction);
    }

    [Fact]
    public void ShardFeaturesEqualTheInferenceExtractorOnTheSameAudio()
    {
        DatasetManifest manifest = Build("features", 4);
        string shard = Path.Combine(_root, "features", "train", "shard-00000.pnd");
        var catalog = new SourceCatalog(_data);
        var split = new DatasetSplit(catalog, 0.25);
        var generator = new MixtureGenerator(catalog, split.TrainSpeech, split.TrainNoise, manifest.Recipe);
        Mixture mixture = generator.Generate(manifest.Seed, 0, 1);
        AssertStoredFeatures(mixture.Noisy, shard, segment: 1);
    }

    /// <summary>The features a shard stores for a segment equal the inference side's (the analyser and extractor the
    /// denoiser runs, hop by hop) on the given audio.</summary>
    private static void AssertStoredFeatures(float[] audio, string shard, int segment)
    {
        ShardFile.Header header = ShardFile.ReadHeader(shard);
        float[] features = ShardFile.ReadArray(shard, header, ShardArray.Features);
        var analyzer = new FrameAnalyzer();
        var expected = new float[FeatureExtractor.Count];
        for (int t = 0; t < header.FramesPerSegment; t++)
        {
            analyzer.Push(audio.AsSpan(t * 480, 480));
            FeatureExtractor.Extract(analyzer, expected);
            ReadOnlySpan<float> stored = features.AsSpan(((header.FramesPerSegment * segment) + t) * FeatureExtractor.Count, FeatureExtractor.Count);
            Assert.Equal(expected, stored.ToArray());
        }
    }

    [Fact]
    public void RenderedValidationExamplesAreTheMixturesInTheValidationShards()
    {
        Build("render", 8);
        string examples = Path.Combine(_root, "render-examples");
        var run = Cli.CliRunner.Run("dataset", "stats", "--dataset", Path.Combine(_root, "render"), "--examples", "2",
            "--split", DatasetBuilder.ValidationSplit, "--examples-dir", examples);
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("rendered 2 valid examples", run.Out);

        // The held-out speakers and noises: the audio gives exactly the features stored for segment 1 of the split.
        (float[] noisy, int rate) = AudioFile.ReadMono(Path.Combine(examples, $"{DatasetBuilder.ValidationSplit}-00001-noisy.wav"));
        Assert.Equal(48000, rate);
        Assert.True(File.Exists(Path.Combine(examples, $"{DatasetBuilder.ValidationSplit}-00001-target.wav")));
        AssertStoredFeatures(noisy, Path.Combine(_root, "render", DatasetBuilder.ValidationSplit, "shard-00000.pnd"), segment: 1);
    }

    [Theory]
    [InlineData(8000, 176, 198)]   // 8 kHz: the band centred on 8.8 kHz is entered but its centre is not reached
    [InlineData(16000, 356, 400)]  // 16 kHz speech stops inside the band centred on 17.8 kHz
    [InlineData(19999, 400, -1)]   // the top band, centred on 20 kHz, needs speech up to 20 kHz under the centre rule
    [InlineData(20000, -1, -1)]    // fullband: nothing masked
    public void BandCoverageDecidesWhichBandTheMaskStartsAt(double bandwidthHz, int centreRuleCentre, int edgeRuleCentre)
    {
        int Expected(int centre) => centre < 0 ? ErbBands.Count : ErbBands.Centres.IndexOf(centre);
        Assert.Equal(Expected(centreRuleCentre), FrameTargets.FirstBandAbove(bandwidthHz, BandCoverage.Centre));
        Assert.Equal(Expected(edgeRuleCentre), FrameTargets.FirstBandAbove(bandwidthHz, BandCoverage.LowerEdge));
    }

    [Fact]
    public void TargetsAreMaskedAboveTheSpeechBandwidthAndInDigitalSilence()
    {
        // A "16 kHz" voice (nothing above 8 kHz) with fullband noise, and a second of digital silence in both.
        float[] voice = Resampler.Resample(Resampler.Resample(SyntheticSignals.Voiced([new(2.0, 150, 180)], 9).Signal, 48000, 16000), 16000, 48000);
        float[] target = [.. voice, .. new float[48000]];
        float[] noisy = SyntheticSignals.Mix(target, SyntheticSignals.WhiteNoise(target.Length, 10, 0.1), 10);
        Array.Clear(noisy, voice.Length, 48000);
        int frames = FrameTargets.FrameCount(target.Length);
        var features = new float[frames * 70];
        var gains = new float[frames * 34];
        var strengths = new float[frames * 34];
        var mask = new float[frames * 34];
        new FrameTargets().Compute(noisy, target, 8000, features, gains, strengths, mask);
        int firstMasked = FrameTargets.FirstBandAbove(8000);
        // The band centred on 8.8 kHz starts at 7.85 kHz and is kept; the next, from 8.8 kHz up, is the first masked.
        Assert.Equal(ErbBands.Centres.IndexOf(198), firstMasked);
        for (int t = 10; t < frames; t++)
        {
            for (int b = firstMasked; b < 34; b++)
            {
                Assert.Equal(0f, mask[(t * 34) + b]);
            }
        }

        // Frames well inside the silent second: every band masked. Frames in speech: the low bands defined.
        int silentFrame = (voice.Length / 480) + 40;
        Assert.All(mask.AsSpan(silentFrame * 34, 34).ToArray(), m => Assert.Equal(0f, m));
        int speechFrame = 100;
        Assert.All(mask.AsSpan(speechFrame * 34, 10).ToArray(), m => Assert.Equal(1f, m));
    }

    [Fact]
    public void UnreadableSourcesAreNamedAndSkipped()
    {
        DatasetManifest manifest = Build("problems", 5, hours: 0.03);
        Assert.Contains(manifest.Problems, p => p.Contains("missing.wav", StringComparison.Ordinal));
        Assert.Contains(manifest.Problems, p => p.Contains("corrupt.wav", StringComparison.Ordinal));
        Assert.All(manifest.Shards, s => Assert.True(ShardFile.Verify(Path.Combine(_root, "problems", s.File))));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "problems"), "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void AnInterruptedBuildResumes()
    {
        Build("resume", 6);
        string shard = Path.Combine(_root, "resume", "train", "shard-00000.pnd");
        byte[] before = File.ReadAllBytes(shard);
        DateTime written = File.GetLastWriteTimeUtc(shard);
        File.Delete(Path.Combine(_root, "resume", "train", "shard-00001.pnd"));
        Build("resume", 6);
        Assert.Equal(written, File.GetLastWriteTimeUtc(shard)); // kept, not rebuilt
        Assert.Equal(before, File.ReadAllBytes(shard));
        Assert.True(File.Exists(Path.Combine(_root, "resume", "train", "shard-00001.pnd")));
    }
}
