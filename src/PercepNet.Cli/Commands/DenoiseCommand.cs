using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using PercepNet.Audio;
using PercepNet.Cli.Spectrograms;
using Spectre.Console;

namespace PercepNet.Cli.Commands;

/// <summary>
/// <c>percepnet denoise</c>: files, folders, globs and lists of files in; WAV out at each input's rate and channel
/// count. A file that cannot be read or written is named in one line on stderr and the others go on; the last line
/// counts the failures. As a batch (<c>--input-list</c>, <c>--root</c>, a shard) it keeps a completion log in the
/// output folder and skips what an earlier run finished (see <see cref="CompletionLog"/>, <see cref="Shard"/>).
/// </summary>
internal static class DenoiseCommand
{
    private static readonly string[] AudioExtensions = [".wav", ".flac", ".mp3", ".ogg", ".opus"];
    private static readonly string[] KnownAudioExtensions = [".wav", ".wave", ".mp3", ".ogg", ".oga", ".opus", ".flac", ".m4a", ".aac", ".aiff", ".aif", ".wma"];

    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "Audio files (WAV, FLAC, MP3, Ogg Vorbis, Opus), folders or globs (*.wav); - reads standard input, and a named pipe or <(command) is read as it is written.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var inputList = new Option<string?>("--input-list") { Description = "A file naming one input per line (blank lines and lines starting with # are skipped; relative paths are taken from --root, else from the current folder)." };
        var root = new Option<string?>("--root") { Description = "The top of the input tree: outputs mirror the inputs' folders below it, and folders given as inputs are searched recursively." };
        var shard = new Option<string?>("--shard") { Description = "Process only shard K of N (K/N, 0 ≤ K < N): each input belongs to one shard by a stable hash of its path below --root. Without it, the index comes from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm) when set." };
        var shards = new Option<int?>("--shards") { Description = "The number of shards, with a scheduler's index (JOB_COMPLETION_INDEX has no count; SLURM_ARRAY_TASK_COUNT is used when this is not given)." };
        NumericOptionChecks.RequireRange(shards, 1, 1_000_000, "a number of shards");
        var output = new Option<string>("--output", "-o")
        {
            Description = "Output: a .wav or .flac file (one input), a folder (one or more inputs, each written as WAV, or as FLAC when it is FLAC; made if missing), or - for WAV on standard output (one input).",
            Required = true,
        };
        var model = ModelOptions.Create();
        var knobs = new RuntimeOptions();
        var keepDelay = new Option<bool>("--keep-delay") { Description = "Keep the denoiser's delay (40 ms at 48 kHz, 42–49 ms at other rates) instead of lining the output up with the input." };
        var asFloat = new Option<bool>("--float") { Description = "Write 32-bit float WAV (the same as --bits 32)." };
        var bits = new Option<int?>("--bits")
        {
            Description = "Bits per output sample: 16 or 24 (integers), or 32 (float WAV; integer FLAC). "
                + "Default: the input's — 24-bit in, 24-bit out; float in, float out; FLAC out keeps the input's bit depth; MP3 and Ogg Vorbis give 16.",
        };
        NumericOptionChecks.RequireOneOf(bits, 16, 24, 32);
        var spectrogram = new Option<string?>("--spectrogram")
        {
            Description = "Write noisy and denoised spectrograms side by side as PNG: a file (one input) or a folder (NAME.png per input).",
        };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files processed in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount };
        NumericOptionChecks.RequireRange(jobs, 1, int.MaxValue, "a number of parallel jobs");
        var command = new Command("denoise", "Remove noise and reverberation from recordings.")
        {
            inputs, output, model, keepDelay, asFloat, bits, spectrogram, jobs, inputList, root, shard, shards,
        };
        knobs.AddTo(command);
        command.SetAction(parse => CommandRunner.Run(() => Run(new Request(parse.GetValue(inputs) ?? [], parse.GetValue(output)!, parse.GetValue(model),
            knobs.Read(parse), parse.GetValue(keepDelay), OutputFormat(parse.GetValue(asFloat), parse.GetValue(bits)), parse.GetValue(spectrogram), parse.GetValue(jobs),
            parse.GetValue(inputList), parse.GetValue(root), Shard.Resolve(parse.GetValue(shard), parse.GetValue(shards), Environment.GetEnvironmentVariable)))));
        return command;
    }

    /// <summary>The output format chosen by --float and --bits; null keeps the input's.</summary>
    private static WavSampleFormat? OutputFormat(bool asFloat, int? bits)
    {
        if (asFloat && bits is not (null or 32))
        {
            throw new UsageException($"--float writes 32-bit samples; it cannot go with --bits {bits}");
        }

        return asFloat ? WavSampleFormat.Float32
            : bits switch { 16 => WavSampleFormat.Pcm16, 24 => WavSampleFormat.Pcm24, 32 => WavSampleFormat.Float32, _ => null };
    }

    private sealed record Request(string[] Patterns, string Output, string? ModelPath, DenoiserOptions Options, bool KeepDelay,
        WavSampleFormat? Format, string? Spectrogram, int Jobs, string? InputList = null, string? Root = null, Shard? Shard = null)
    {
        /// <summary>A batch keeps a completion log and skips what an earlier run finished.</summary>
        public bool IsBatch => InputList is not null || Root is not null || Shard is not null;
    }

    /// <summary>One input, where its results go, and what its header says (rate and channels 0 when it cannot be read).</summary>
    private sealed record Job(string Input, string Output, string? Picture, double Weight, int Rate, int Channels);

    private static int Run(Request request)
    {
        if (request.Patterns.Length == 0 && request.InputList is null)
        {
            throw new UsageException("no inputs: give files, folders or globs, or --input-list FILE");
        }

        if (request.Root is string rootFolder && !Directory.Exists(rootFolder))
        {
            throw new UsageException($"--root {rootFolder}: no such folder");
        }

        if (request.Patterns.Contains(AudioFile.StandardInput))
        {
            CheckStandardInput(request);
        }

        // Folders are searched without entering the output (or spectrogram) folder, so that a rerun with the output
        // inside the input tree does not take its own outputs for inputs.
        string[] outputFolders = [.. new[] { request.Output, request.Spectrogram }
            .Where(f => f is not null && f != "-" && Directory.Exists(f)).Select(f => Resolve(f!))];
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var (files, missing) = Expand(request.Patterns, recursive: request.Root is not null, outputFolders, skipped);
        if (request.InputList is string list)
        {
            files.AddRange(ReadList(list, request.Root, missing));
        }

        foreach (string m in missing)
        {
            Console.Error.WriteLine($"error: {m}");
        }

        if (skipped.Count > 0)
        {
            string kinds = string.Join(", ", skipped.Select(k => $"{k.Key} {k.Value}"));
            Console.Error.WriteLine($"warning: {skipped.Values.Sum()} file(s) in the folders given skipped: not WAV, FLAC, MP3, Ogg Vorbis or Opus ({kinds})");
        }

        if (files.Count == 0 && missing.Count == 0)
        {
            // Nothing to denoise is a failure, so that a wrong mount or an empty folder does not pass as a finished job.
            string[] folders = [.. request.Patterns.Where(Directory.Exists)];
            string where = request.InputList is string named && folders.Length == 0 ? $"{named}: names no input"
                : $"{string.Join(", ", folders.DefaultIfEmpty(string.Join(", ", request.Patterns)))}: no audio files (.wav, .flac, .mp3, .ogg, .opus) to denoise";
            Console.Error.WriteLine($"error: {where}");
            return CommandRunner.InputError;
        }

        // One name per real file: two links to one recording are denoised once.
        files = [.. files.DistinctBy(Resolve, StringComparer.Ordinal)];

        var outsideRoot = new List<string>();
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            string key = Path.GetRelativePath(request.Root ?? ".", file).Replace(Path.DirectorySeparatorChar, '/');
            if (request.Root is not null && (key.StartsWith("../", StringComparison.Ordinal) || key == ".." || Path.IsPathRooted(key)))
            {
                outsideRoot.Add(file);
            }

            keys[file] = key;
        }

        foreach (string file in outsideRoot)
        {
            Console.Error.WriteLine($"error: {file}: not below --root {request.Root}");
        }

        Shard shard = request.Shard ?? Shard.Whole;
        int before = files.Count - outsideRoot.Count;
        files = [.. files.Where(f => !outsideRoot.Contains(f) && shard.Owns(keys[f]))];
        missing.AddRange(outsideRoot.Select(f => $"{f}: not below --root {request.Root}"));
        if (request.Shard is not null)
        {
            string source = shard.Source == "--shard" ? "" : $" (from {shard.Source})";
            Console.Error.WriteLine($"shard {shard.Index} of {shard.Count}{source}: {files.Count} of {before} inputs");
        }

        if (files.Count == 0 && missing.Count > 0)
        {
            return CommandRunner.InputError;
        }

        bool toStdout = request.Output == "-";
        bool several = request.IsBatch || files.Count > 1 || request.Patterns.Any(p => Directory.Exists(p) || p.Contains('*') || p.Contains('?'));
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

            if (extension is not (".wav" or ".wave" or ".flac"))
            {
                throw new UsageException(KnownAudioExtensions.Contains(extension)
                    ? $"{request.Output}: percepnet writes WAV or FLAC; name the output .wav or .flac"
                    : $"{request.Output}: an output file must end in .wav or .flac (or give a folder, or - for standard output)");
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
                throw new OutputException($"{request.Output}: cannot make the output folder ({e.Message.TrimEnd('.')})");
            }
        }

        // Inputs by where their names really lead: an output reached through a link to an input is that input.
        var inputsResolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            inputsResolved.TryAdd(Resolve(file), file);
        }

        string Mirrored(string file, string folder, string extension) => request.Root is null
            ? Path.Combine(folder, Path.ChangeExtension(Path.GetFileName(file), extension))
            : Path.Combine(folder, Path.ChangeExtension(keys[file], extension));
        var targets = files.Select(f => toStdout ? "-" : toFolder ? Mirrored(f, request.Output, AudioDenoising.IsFlac(f) ? ".flac" : ".wav") : request.Output).ToList();
        var writers = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < targets.Count; i++)
        {
            if (targets[i] == "-")
            {
                continue;
            }

            string real = Resolve(targets[i]);
            if (inputsResolved.TryGetValue(real, out string? input))
            {
                throw new UsageException($"{targets[i]}: refusing to overwrite an input file ({input})");
            }

            if (!writers.TryAdd(real, files[i]))
            {
                throw new UsageException($"{writers[real]} and {files[i]} would both write {targets[i]}; give them different names or separate runs");
            }
        }

        var pictures = new string?[files.Count];
        if (request.Spectrogram is string spectrogram)
        {
            bool pictureFile = files.Count == 1 && !several && spectrogram.EndsWith(".png", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(spectrogram);
            if (!pictureFile)
            {
                try
                {
                    Directory.CreateDirectory(spectrogram);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new OutputException($"{spectrogram}: cannot make the spectrogram folder ({e.Message.TrimEnd('.')})");
                }
            }

            pictures = [.. files.Select(f => pictureFile ? spectrogram : Mirrored(f, spectrogram, ".png"))];
            foreach (string picture in pictures.OfType<string>())
            {
                if (inputsResolved.TryGetValue(Resolve(picture), out string? input))
                {
                    throw new UsageException($"{picture}: refusing to overwrite an input file ({input})");
                }
            }
        }

        Model model = ModelOptions.Load(request.ModelPath);
        var indices = Enumerable.Range(0, files.Count).ToList();
        // A batch first takes its shard's lock (one run per shard at a time), then deletes what a killed run of the shard
        // left (which frees the space a full disk lost to it), and only then writes to its log.
        using Batch? batch = request.IsBatch
            ? Batch.Begin(request.Output, Batch.SettingsText(request.ModelPath, model, request.Options, request.KeepDelay, request.Format), shard, files.Count,
                beforeLogging: () =>
                {
                    targets.ForEach(RemoveStaleTemporaries);
                    pictures.OfType<string>().ToList().ForEach(RemoveStaleTemporaries);
                })
            : null;
        if (batch is not null)
        {
            indices = [.. indices.Where(i => !batch.IsDone(files[i], targets[i]))];
        }

        Job[] jobs = [.. indices.Select(i =>
        {
            (double weight, int rate, int channels) = Probe(files[i]);
            return new Job(files[i], targets[i], pictures[i], weight, rate, channels);
        })];
        using var interruption = Interruption.Watch();
        int code = Process(jobs, model, request, missing.Count, toStdout, batch, files.Count - jobs.Length);
        if (batch?.LogProblem is string problem)
        {
            Console.Error.WriteLine($"error: {problem}");
            return code == 0 ? CommandRunner.OutputError : code;
        }

        return code;
    }

    /// <summary>
    /// Deletes what a killed run left while writing <paramref name="target"/> (its hidden temporary files): only the
    /// run holding the lock of the target's shard writes it, so none of them can be in use.
    /// </summary>
    private static void RemoveStaleTemporaries(string target)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        if (!Directory.Exists(folder))
        {
            return;
        }

        string prefix = OutputFile.TemporaryPrefix(target);
        foreach (string stale in Directory.EnumerateFiles(folder, "*.tmp"))
        {
            if (Path.GetFileName(stale).StartsWith(prefix, StringComparison.Ordinal))
            {
                File.Delete(stale);
            }
        }
    }

    private static int Process(Job[] jobs, Model model, Request request, int missing, bool toStdout, Batch? batch = null, int skipped = 0)
    {
        var errors = new string?[jobs.Length];
        var warnings = new string?[jobs.Length];
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

                var fileClock = Stopwatch.StartNew();
                double seconds = 0;
                try
                {
                    // A recording cut off is denoised as far as it goes and said (as sox does): one rule for every format.
                    seconds = DenoiseOne(job, model, request, toStdout, Progress, truncation => warnings[i] = $"{job.Input}: {truncation}; what it holds was denoised");
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
                    // The system's message may name the hidden temporary file; the user knows only the output.
                    string why = System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s*:?\s*'[^']*'", "").TrimEnd('.', ' ');
                    errors[i] = job.Output == "-" ? $"standard output cannot be written ({why}); is it closed?" : $"{job.Output}: cannot be written ({why})";
                    failedOnOutput[i] = true;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    errors[i] = $"{job.Input}: unexpected {e.GetType().Name}: {e.Message}";
                }

                batch?.Finished(job.Input, job.Output, seconds, fileClock.Elapsed.TotalSeconds, errors[i]);
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

        foreach (string? w in warnings.Where(w => w is not null).Order(StringComparer.Ordinal))
        {
            Console.Error.WriteLine($"warning: {w}");
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

        if (skipped > 0)
        {
            summary = jobs.Length + missing == 0
                ? $"nothing to do: all {skipped} file(s) were done before"
                : $"{summary}; {skipped} more done before, skipped";
        }

        (toStdout ? Console.Error : Console.Out).WriteLine(summary);
        if (failed == 0)
        {
            return 0;
        }

        bool onlyOutputs = missing == 0 && Enumerable.Range(0, jobs.Length).Where(i => errors[i] is not null).All(i => failedOnOutput[i]);
        return onlyOutputs ? CommandRunner.OutputError : CommandRunner.InputError;
    }

    private static double DenoiseOne(Job job, Model model, Request request, bool toStdout, Action<double> progress, Action<string> warn)
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

        // The sub-folders a batch mirrors from the input tree, made here so that one that cannot be made fails its file
        // alone (an output error) and the batch goes on.
        foreach (string? path in new[] { toStdout ? null : job.Output, job.Picture })
        {
            if (path is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            }
        }

        WavSampleFormat? format = request.Format;
        double seconds;
        if (toStdout)
        {
            using Stream stdout = StandardOutput.Open();
            seconds = AudioDenoising.DenoiseFile(job.Input, stdout, warn, model, request.Options, format, OnBlock);
        }
        else
        {
            seconds = AudioDenoising.DenoiseFile(job.Input, job.Output, warn, model, request.Options, request.KeepDelay, format, OnBlock);
        }

        if (job.Picture is not null)
        {
            SpectrogramImage.Write(job.Picture, before!, after!, Path.GetFileName(job.Input));
        }

        return seconds;
    }

    /// <summary>"-" reads standard input: the only input, into one output file (or standard output), from a pipe or a file.</summary>
    private static void CheckStandardInput(Request request)
    {
        if (request.Patterns.Length > 1 || request.IsBatch)
        {
            throw new UsageException("- (standard input) must be the only input, without --input-list, --root or --shard");
        }

        string extension = Path.GetExtension(request.Output).ToLowerInvariant();
        if (request.Output != "-" && (Directory.Exists(request.Output) || request.Output.EndsWith(Path.DirectorySeparatorChar) || extension.Length == 0))
        {
            throw new UsageException($"{request.Output}: standard input has no name to give an output in a folder; name the output file (.wav or .flac), or - for standard output");
        }

        if (!Console.IsInputRedirected)
        {
            throw new UsageException("standard input is a terminal: pipe audio into it (for example: sox in.flac -t wav - | percepnet denoise - -o out.wav)");
        }
    }

    /// <summary>
    /// A file's rate and channels, and its seconds of audio for progress: from its header, or from its size when the
    /// header does not say. A file that cannot be opened is reported when it is processed. Standard input and pipes are
    /// not opened here: what a probe read would be gone for the denoiser.
    /// </summary>
    private static (double Weight, int Rate, int Channels) Probe(string path)
    {
        if (!AudioFile.IsNonEmptyFile(path))
        {
            return (1, 0, 0);
        }

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

    /// <summary>The inputs named in a list file, relative ones taken from <paramref name="root"/> (else the current folder).</summary>
    private static IEnumerable<string> ReadList(string list, string? root, List<string> missing)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(list);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--input-list {list}: cannot be read ({e.Message.TrimEnd('.')})");
        }

        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string path = Path.IsPathRooted(line) || root is null ? line : Path.Combine(root, line);
            if (File.Exists(path))
            {
                yield return path;
            }
            else
            {
                missing.Add($"{path}: no such file or folder");
            }
        }
    }

    /// <summary>
    /// The files the patterns name: files as given, globs matched in their folder, and the audio files of folders (below
    /// them too when <paramref name="recursive"/>). Problems are one line each: a name that matches nothing, a folder that
    /// cannot be read.
    /// </summary>
    private static (List<string> Files, List<string> Problems) Expand(string[] patterns, bool recursive, string[] outputFolders, SortedDictionary<string, int> skipped)
    {
        var files = new List<string>();
        var problems = new List<string>();
        foreach (string pattern in patterns)
        {
            if (Directory.Exists(pattern))
            {
                files.AddRange(AudioFilesIn(pattern, recursive, outputFolders, problems, skipped));
            }
            else if (pattern.Contains('*') || pattern.Contains('?'))
            {
                string directory = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
                string[] matches;
                try
                {
                    matches = Directory.Exists(directory)
                        ? [.. Directory.EnumerateFiles(directory, Path.GetFileName(pattern)).Order(StringComparer.Ordinal)]
                        : [];
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    problems.Add($"{directory}: cannot be read ({e.Message.TrimEnd('.')})");
                    continue;
                }

                if (matches.Length == 0)
                {
                    problems.Add($"{pattern}: no such file or folder");
                }

                files.AddRange(matches);
            }
            else if (File.Exists(pattern) || pattern == AudioFile.StandardInput)
            {
                files.Add(pattern);
            }
            else
            {
                problems.Add($"{pattern}: no such file or folder");
            }
        }

        return (files, problems);
    }

    /// <summary>
    /// The audio files of <paramref name="top"/> (and, when <paramref name="recursive"/>, of every folder below it),
    /// in ordinal order. Linked folders are followed, but each real folder is entered once, so a link back up the tree
    /// (a loop) is walked once and the walk ends; the output folders are not entered below the top. A folder that cannot
    /// be read is one problem and the rest of the tree goes on. Files of other kinds are counted by extension in
    /// <paramref name="skipped"/>.
    /// </summary>
    private static List<string> AudioFilesIn(string top, bool recursive, string[] outputFolders, List<string> problems, SortedDictionary<string, int> skipped)
    {
        var found = new List<string>();
        var entered = new HashSet<string>(StringComparer.Ordinal);
        var folders = new Stack<string>();
        folders.Push(top);
        while (folders.TryPop(out string? folder))
        {
            string real;
            try
            {
                real = Resolve(folder);
            }
            catch (UsageException e)
            {
                problems.Add(e.Message);
                continue;
            }

            if (!entered.Add(real) || (folder != top && outputFolders.Any(o => ResolvedPath.IsWithin(real, o))))
            {
                continue;
            }

            List<string> entries;
            try
            {
                entries = [.. Directory.EnumerateFileSystemEntries(folder)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{folder}: cannot be read ({e.Message.TrimEnd('.')})");
                continue;
            }

            foreach (string entry in entries.OrderDescending(StringComparer.Ordinal))
            {
                if (Directory.Exists(entry))
                {
                    if (recursive)
                    {
                        folders.Push(entry);
                    }
                }
                else if (File.Exists(entry))
                {
                    if (IsAudio(entry))
                    {
                        found.Add(entry);
                    }
                    else if (!Path.GetFileName(entry).StartsWith('.'))
                    {
                        // Hidden files (a batch's own temporaries and logs among them) are not reported.
                        string kind = Path.GetExtension(entry).ToLowerInvariant() is { Length: > 0 } e ? e : "no extension";
                        skipped[kind] = skipped.GetValueOrDefault(kind) + 1;
                    }
                }
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>Where <paramref name="path"/> really leads (<see cref="ResolvedPath"/>); a loop of links is a usage error naming it.</summary>
    private static string Resolve(string path)
    {
        try
        {
            return ResolvedPath.Of(path);
        }
        catch (IOException)
        {
            throw new UsageException($"{path}: too many levels of symbolic links");
        }
    }

    private static bool IsAudio(string path) => AudioExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());
}
