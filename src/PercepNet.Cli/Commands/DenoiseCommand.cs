using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using PercepNet.Audio;
using PercepNet.Cli.Spectrograms;
using Spectre.Console;

namespace PercepNet.Cli.Commands;

/// <summary>
/// <c>percepnet denoise</c>: files, folders and globs in; WAV out at each input's rate and channel count. A file that
/// cannot be read or written is named in one line on stderr and the others go on; the last line counts the failures.
/// </summary>
internal static class DenoiseCommand
{
    private static readonly string[] AudioExtensions = [".wav", ".mp3", ".ogg"];
    private static readonly string[] KnownAudioExtensions = [".wav", ".wave", ".mp3", ".ogg", ".oga", ".opus", ".flac", ".m4a", ".aac", ".aiff", ".aif", ".wma"];

    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Audio files (WAV, MP3, Ogg Vorbis), folders or globs (*.wav).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Output: a .wav file (one input), a folder (one or more inputs; made if missing), or - for WAV on standard output (one input).",
            Required = true,
        };
        var model = ModelOptions.Create();
        var knobs = new RuntimeOptions();
        var keepDelay = new Option<bool>("--keep-delay") { Description = "Keep the denoiser's 40 ms delay instead of lining the output up with the input." };
        var asFloat = new Option<bool>("--float") { Description = "Write 32-bit float WAV instead of 16-bit PCM." };
        var spectrogram = new Option<string?>("--spectrogram")
        {
            Description = "Write noisy and denoised spectrograms side by side as PNG: a file (one input) or a folder (NAME.png per input).",
        };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files processed in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount };
        NumericOptionChecks.RequireRange(jobs, 1, int.MaxValue, "a number of parallel jobs");
        var command = new Command("denoise", "Remove noise and reverberation from recordings.")
        {
            inputs, output, model, keepDelay, asFloat, spectrogram, jobs,
        };
        knobs.AddTo(command);
        command.SetAction(parse => CommandRunner.Run(() => Run(new Request(parse.GetValue(inputs)!, parse.GetValue(output)!, parse.GetValue(model),
            knobs.Read(parse), parse.GetValue(keepDelay), parse.GetValue(asFloat), parse.GetValue(spectrogram), parse.GetValue(jobs)))));
        return command;
    }

    private sealed record Request(string[] Patterns, string Output, string? ModelPath, DenoiserOptions Options, bool KeepDelay,
        bool AsFloat, string? Spectrogram, int Jobs);

    /// <summary>One input, where its results go, and what its header says (rate and channels 0 when it cannot be read).</summary>
    private sealed record Job(string Input, string Output, string? Picture, double Weight, int Rate, int Channels);

    private static int Run(Request request)
    {
        var (files, missing) = Expand(request.Patterns);
        foreach (string m in missing)
        {
            Console.Error.WriteLine($"error: {m}: no such file or folder");
        }

        if (files.Count == 0)
        {
            return missing.Count > 0 ? CommandRunner.InputError : throw new UsageException("no audio files (.wav, .mp3, .ogg) in the folders given");
        }

        bool toStdout = request.Output == "-";
        bool several = files.Count > 1 || request.Patterns.Any(p => Directory.Exists(p) || p.Contains('*') || p.Contains('?'));
        string extension = Path.GetExtension(request.Output).ToLowerInvariant();
        bool toFolder = !toStdout && (Directory.Exists(request.Output) || request.Output.EndsWith(Path.DirectorySeparatorChar) || extension.Length == 0);
        if (toStdout && several)
        {
            throw new UsageException("-o - writes one input to standard output; give one file, or a folder for several");
        }

        if (!toStdout && !toFolder)
        {
            if (several)
            {
                throw new UsageException($"{request.Output}: several inputs need an output folder, not a file");
            }

            if (extension != ".wav" && extension != ".wave")
            {
                throw new UsageException(KnownAudioExtensions.Contains(extension)
                    ? $"{request.Output}: percepnet writes WAV only; name the output .wav"
                    : $"{request.Output}: an output file must end in .wav (or give a folder, or - for standard output)");
            }
        }

        if (toFolder)
        {
            try
            {
                Directory.CreateDirectory(request.Output);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{request.Output}: cannot make the output folder ({e.Message.TrimEnd('.')})");
            }
        }

        var inputsFull = new HashSet<string>(files.Select(Path.GetFullPath), StringComparer.Ordinal);
        var targets = files.Select(f => toStdout ? "-" : toFolder ? Path.Combine(request.Output, Path.ChangeExtension(Path.GetFileName(f), ".wav")) : request.Output).ToList();
        foreach (string target in targets.Where(t => t != "-"))
        {
            if (inputsFull.Contains(Path.GetFullPath(target)))
            {
                throw new UsageException($"{target}: refusing to overwrite an input file");
            }
        }

        if (targets.Where(t => t != "-").Distinct(StringComparer.Ordinal).Count() != targets.Count(t => t != "-"))
        {
            throw new UsageException("two inputs would write the same output name; give them different names or separate runs");
        }

        var pictures = new string?[files.Count];
        if (request.Spectrogram is string spectrogram)
        {
            bool pictureFile = files.Count == 1 && !several && spectrogram.EndsWith(".png", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(spectrogram);
            if (!pictureFile)
            {
                Directory.CreateDirectory(spectrogram);
            }

            pictures = [.. files.Select(f => pictureFile ? spectrogram : Path.Combine(spectrogram, Path.GetFileNameWithoutExtension(f) + ".png"))];
            if (pictures.Any(p => inputsFull.Contains(Path.GetFullPath(p!))))
            {
                throw new UsageException($"{spectrogram}: refusing to overwrite an input file");
            }
        }

        Model model = ModelOptions.Load(request.ModelPath);
        Job[] jobs = [.. files.Select((f, i) =>
        {
            (double weight, int rate, int channels) = Probe(f);
            return new Job(f, targets[i], pictures[i], weight, rate, channels);
        })];
        using var interruption = Interruption.Watch();
        return Process(jobs, model, request, missing.Count, toStdout);
    }

    private static int Process(Job[] jobs, Model model, Request request, int missing, bool toStdout)
    {
        var errors = new string?[jobs.Length];
        var failedOnOutput = new bool[jobs.Length];
        double audioSeconds = 0;
        double total = Math.Max(jobs.Sum(j => j.Weight), 1e-9);
        object gate = new();
        var clock = Stopwatch.StartNew();
        void RunAll(Action<double> advance) =>
            Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = toStdout ? 1 : request.Jobs }, i =>
            {
                Job job = jobs[i];
                double reported = 0;
                void Progress(double seconds)
                {
                    // Progress by audio time, capped at the file's estimate until the file is done.
                    double step = Math.Min(seconds, job.Weight) - reported;
                    if (step > 0)
                    {
                        reported += step;
                        advance(step);
                    }
                }

                try
                {
                    double seconds = DenoiseOne(job, model, request, toStdout, Progress);
                    lock (gate)
                    {
                        audioSeconds += seconds;
                    }
                }
                catch (AudioFormatException e)
                {
                    errors[i] = e.Message;
                    failedOnOutput[i] = e.Path == job.Output || e.Path == job.Picture;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    errors[i] = $"{job.Output}: cannot be written ({e.Message.TrimEnd('.')})";
                    failedOnOutput[i] = true;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    errors[i] = $"{job.Input}: unexpected {e.GetType().Name}: {e.Message}";
                }

                advance(job.Weight - reported);
            });

        if (!Console.IsErrorRedirected && !toStdout)
        {
            IAnsiConsole stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            stderr.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask("denoising", maxValue: total);
                    RunAll(step => task.Increment(step));
                });
        }
        else
        {
            RunAll(_ => { });
        }

        foreach (string? e in errors.Where(e => e is not null).Order(StringComparer.Ordinal))
        {
            Console.Error.WriteLine($"error: {e}");
        }

        int failed = errors.Count(e => e is not null) + missing;
        int succeeded = jobs.Length - errors.Count(e => e is not null);
        double elapsed = clock.Elapsed.TotalSeconds;
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{succeeded} of {jobs.Length + missing} file(s) denoised, {audioSeconds:F1} s of audio in {elapsed:F1} s ({audioSeconds / Math.Max(elapsed, 1e-9):F0}× real time)");
        if (failed > 0)
        {
            summary = string.Create(CultureInfo.InvariantCulture, $"{succeeded} of {jobs.Length + missing} file(s) denoised, {failed} failed");
        }

        (toStdout ? Console.Error : Console.Out).WriteLine(summary);
        if (failed == 0)
        {
            return 0;
        }

        bool onlyOutputs = missing == 0 && Enumerable.Range(0, jobs.Length).Where(i => errors[i] is not null).All(i => failedOnOutput[i]);
        return onlyOutputs ? CommandRunner.OutputError : CommandRunner.InputError;
    }

    private static double DenoiseOne(Job job, Model model, Request request, bool toStdout, Action<double> progress)
    {
        // A file whose header could not be read fails in DenoiseFile before any block arrives.
        int channels = Math.Max(1, job.Channels), rate = Math.Max(1, job.Rate);
        SpectrogramAccumulator? before = job.Picture is null ? null : new(rate), after = job.Picture is null ? null : new(rate);
        long frames = 0;

        void OnBlock(ReadOnlySpan<float> noisy, ReadOnlySpan<float> denoised)
        {
            frames += noisy.Length / channels;
            progress(frames / (double)rate);
            before?.AddInterleaved(noisy, channels);
            after?.AddInterleaved(denoised, channels);
        }

        WavSampleFormat format = request.AsFloat ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16;
        double seconds;
        if (toStdout)
        {
            using Stream stdout = Console.OpenStandardOutput();
            seconds = AudioDenoising.DenoiseFile(job.Input, stdout, model, request.Options, format, OnBlock);
        }
        else
        {
            seconds = AudioDenoising.DenoiseFile(job.Input, job.Output, model, request.Options, request.KeepDelay, format, OnBlock);
        }

        if (job.Picture is not null)
        {
            SpectrogramImage.Write(job.Picture, before!, after!, Path.GetFileName(job.Input));
        }

        return seconds;
    }

    /// <summary>
    /// A file's rate and channels, and its seconds of audio for progress: from its header, or from its size when the
    /// header does not say. A file that cannot be opened is reported when it is processed.
    /// </summary>
    private static (double Weight, int Rate, int Channels) Probe(string path)
    {
        try
        {
            using IAudioReader reader = AudioFile.OpenRead(path);
            double seconds = reader.LengthFrames is long frames
                ? frames / (double)reader.SampleRate
                : new FileInfo(path).Length / 16000.0; // compressed audio of about 128 kbit/s
            return (Math.Max(seconds, 0.01), reader.SampleRate, reader.Channels);
        }
        catch (Exception e) when (e is AudioFormatException or IOException or UnauthorizedAccessException)
        {
            return (0.01, 0, 0);
        }
    }

    private static (List<string> Files, List<string> Missing) Expand(string[] patterns)
    {
        var files = new List<string>();
        var missing = new List<string>();
        foreach (string pattern in patterns)
        {
            if (Directory.Exists(pattern))
            {
                files.AddRange(Directory.EnumerateFiles(pattern).Where(IsAudio).Order(StringComparer.Ordinal));
            }
            else if (pattern.Contains('*') || pattern.Contains('?'))
            {
                string directory = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
                string[] matches = Directory.Exists(directory)
                    ? [.. Directory.EnumerateFiles(directory, Path.GetFileName(pattern)).Order(StringComparer.Ordinal)]
                    : [];
                if (matches.Length == 0)
                {
                    missing.Add(pattern);
                }

                files.AddRange(matches);
            }
            else if (File.Exists(pattern))
            {
                files.Add(pattern);
            }
            else
            {
                missing.Add(pattern);
            }
        }

        return (files, missing);
    }

    private static bool IsAudio(string path) => AudioExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());
}
