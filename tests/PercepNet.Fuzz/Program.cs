using PercepNet.Fuzz;
using SharpFuzz;

// PercepNet.Fuzz HARNESS             under afl-fuzz (one input after another from AFL)
// PercepNet.Fuzz HARNESS FILE...     runs files through the harness once each (to replay a finding)
// PercepNet.Fuzz seeds WAV OUT        writes the starting inputs of the wav, model and pcm harnesses from a WAV file
if (args.Length == 3 && args[0] == "seeds")
{
    Seeds.Write(args[1], args[2]);
    return 0;
}

if (args.Length == 0 || !Harnesses.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: PercepNet.Fuzz {string.Join('|', Harnesses.Names)} [FILE...] | seeds WAV OUT");
    return 2;
}

Action<Stream> harness = Harnesses.Get(args[0]);
if (args.Length > 1)
{
    foreach (string file in args[1..])
    {
        using FileStream stream = File.OpenRead(file);
        harness(stream);
        Console.WriteLine($"{file}: ok");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(harness);
return 0;
