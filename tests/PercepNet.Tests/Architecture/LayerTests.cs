using System.Text.RegularExpressions;
using PercepNet.Analysis;
using PercepNet.Features;
using PercepNet.Network;

namespace PercepNet.Tests.Architecture;

/// <summary>
/// The runtime's layers point one way (DESIGN §0): the public face (namespace <c>PercepNet</c>: the denoisers, their
/// options, the model and its file) → <c>Pipeline</c> (the chain, the hop stream, silence skipping) → the stages in
/// signal order → <c>Dsp</c>; the network knows only <c>Dsp</c>, and nothing below the public face names the options.
/// </summary>
public class LayerTests
{
    /// <summary>Every namespace of the runtime and the namespaces its types may name.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["PercepNet"] = ["PercepNet.Pipeline", "PercepNet.Analysis", "PercepNet.Features", "PercepNet.Network", "PercepNet.Gains", "PercepNet.Synthesis", "PercepNet.Dsp"],
        ["PercepNet.Pipeline"] = ["PercepNet.Analysis", "PercepNet.Features", "PercepNet.Network", "PercepNet.Gains", "PercepNet.Synthesis", "PercepNet.Dsp"],
        ["PercepNet.Analysis"] = ["PercepNet.Dsp"],
        ["PercepNet.Features"] = ["PercepNet.Analysis", "PercepNet.Dsp"],
        ["PercepNet.Network"] = ["PercepNet.Dsp"],
        ["PercepNet.Gains"] = ["PercepNet.Analysis", "PercepNet.Dsp"],
        ["PercepNet.Synthesis"] = ["PercepNet.Dsp"],
        ["PercepNet.Dsp"] = [],
    };

    private static string RuntimeAssembly => typeof(Denoiser).Assembly.Location;

    [Fact]
    public void EveryReferenceBetweenNamespacesPointsDown()
    {
        var upward = TypeReferences.NamespaceEdges(RuntimeAssembly)
            .Where(e => !Allowed.TryGetValue(e.Key.From, out string[]? to) || !to.Contains(e.Key.To))
            .Select(e => $"{e.Key.From} → {e.Key.To} ({e.Value})")
            .Order()
            .ToList();
        Assert.True(upward.Count == 0, "references against the layering:\n" + string.Join('\n', upward));
    }

    [Fact]
    public void EveryUsingDirectivePointsDown()
    {
        // Constants are copied into the code that uses them and leave no reference in the metadata; the using
        // directives of the runtime's sources show those too.
        string root = Path.Combine(Repository.Root, "src", "PercepNet");
        var upward = new List<string>();
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            string text = File.ReadAllText(file);
            string from = Regex.Match(text, @"^namespace ([\w.]+);", RegexOptions.Multiline).Groups[1].Value;
            foreach (Match used in Regex.Matches(text, @"^using (PercepNet[\w.]*);", RegexOptions.Multiline))
            {
                string to = used.Groups[1].Value;
                if (to != from && (!Allowed.TryGetValue(from, out string[]? allowed) || !allowed.Contains(to)))
                {
                    upward.Add($"{Path.GetRelativePath(root, file)}: {from} uses {to}");
                }
            }
        }

        Assert.True(upward.Count == 0, "using directives against the layering:\n" + string.Join('\n', upward));
    }

    [Fact]
    public void TheLayeringHasNoCycles()
    {
        // A cycle in the allowed edges would let two layers lean on each other whatever the test above says.
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();
        void Visit(string layer)
        {
            Assert.True(visiting.Add(layer), $"the allowed references loop through {layer}");
            foreach (string below in Allowed[layer])
            {
                if (!done.Contains(below))
                {
                    Visit(below);
                }
            }

            visiting.Remove(layer);
            done.Add(layer);
        }

        foreach (string layer in Allowed.Keys)
        {
            if (!done.Contains(layer))
            {
                Visit(layer);
            }
        }
    }

    [Fact]
    public void TheReaderSeesReferencesFromMethodBodiesAndSignatures()
    {
        // The assertions above are only as good as the reader: known edges of each kind must show.
        var edges = TypeReferences.NamespaceEdges(RuntimeAssembly);
        Assert.Contains(("PercepNet.Pipeline", "PercepNet.Network"), edges.Keys); // fields and constructor calls (EnhancementChain)
        Assert.Contains(("PercepNet.Features", "PercepNet.Analysis"), edges.Keys); // a parameter type (FeatureExtractor.Extract)
        Assert.Contains(("PercepNet.Network", "PercepNet.Dsp"), edges.Keys); // static calls only (VectorMath)
        Assert.Contains(("PercepNet", "PercepNet.Pipeline"), edges.Keys);
    }

    [Fact]
    public void TheNetworksWidthsAreTheFeaturesAndTheBands()
    {
        // The network declares its input and output widths without naming the stages that produce and use them.
        Assert.Equal(FeatureExtractor.Count, ModelShape.Inputs);
        Assert.Equal(ErbBands.Count, ModelShape.Outputs);
    }
}
