using PercepNet.Network;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PercepNet.Training;

/// <summary>
/// The network of DESIGN §7 in TorchSharp, layer for layer what <see cref="PercepNetNetwork"/> runs: input [batch, frames,
/// 70] → gains and strengths [batch, frames, 34]. The convolutions are causal (left-padded by kernel − 1), so output t
/// depends on features up to t — the features already carry the 2 frames of look-ahead.
/// </summary>
internal sealed class PercepNetTorchModel : nn.Module<Tensor, (Tensor Gains, Tensor Strengths)>
{
    private readonly Linear input;
    private readonly Conv1d conv1;
    private readonly Conv1d conv2;
    private readonly GRU gru1;
    private readonly GRU gru2;
    private readonly GRU gru3;
    private readonly GRU gain_gru;
    private readonly Linear gain_output;
    private readonly GRU strength_gru;
    private readonly Linear strength_output;

    public PercepNetTorchModel(ModelShape shape)
        : base("percepnet")
    {
        Shape = shape;
        input = nn.Linear(ModelShape.Inputs, shape.DenseWidth);
        conv1 = nn.Conv1d(shape.DenseWidth, shape.Conv1Width, ModelShape.Conv1Kernel);
        conv2 = nn.Conv1d(shape.Conv1Width, shape.Conv2Width, ModelShape.Conv2Kernel);
        gru1 = nn.GRU(shape.Conv2Width, shape.GruWidth, batchFirst: true);
        gru2 = nn.GRU(shape.GruWidth, shape.GruWidth, batchFirst: true);
        gru3 = nn.GRU(shape.GruWidth, shape.GruWidth, batchFirst: true);
        gain_gru = nn.GRU(shape.GruWidth, shape.GainGruWidth, batchFirst: true);
        gain_output = nn.Linear(shape.GainDenseInputs, ModelShape.Outputs);
        strength_gru = nn.GRU(shape.StrengthGruInputs, shape.StrengthGruWidth, batchFirst: true);
        strength_output = nn.Linear(shape.StrengthGruWidth, ModelShape.Outputs);
        RegisterComponents();
    }

    public ModelShape Shape { get; }

    public override (Tensor Gains, Tensor Strengths) forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        Tensor dense = input.forward(features).tanh();
        Tensor c = nn.functional.pad(dense.transpose(1, 2), [ModelShape.Conv1Kernel - 1, 0]);
        c = conv1.forward(c).tanh();
        c = nn.functional.pad(c, [ModelShape.Conv2Kernel - 1, 0]);
        Tensor conv = conv2.forward(c).tanh().transpose(1, 2);
        Tensor h1 = gru1.forward(conv).Item1;
        Tensor h2 = gru2.forward(h1).Item1;
        Tensor h3 = gru3.forward(h2).Item1;
        Tensor hg = gain_gru.forward(h3).Item1;
        Tensor gains = gain_output.forward(cat([conv, h1, h2, h3, hg], 2)).sigmoid();
        Tensor hs = strength_gru.forward(cat([conv, h3], 2)).Item1;
        Tensor strengths = strength_output.forward(hs).sigmoid();
        return (gains.MoveToOuterDisposeScope(), strengths.MoveToOuterDisposeScope());
    }

    /// <summary>Clips every parameter to [−½, ½] (DESIGN §8), as after each optimiser step.</summary>
    public void ClipWeights()
    {
        using var noGrad = no_grad();
        using Scalar low = -0.5, high = 0.5; // held, not converted implicitly (see AdamOptimizer)
        foreach (var p in parameters())
        {
            p.clamp_(low, high);
        }
    }

    /// <summary>The parameters in the runtime's container (float), for export to a model file.</summary>
    public ModelParameters Export()
    {
        var result = new ModelParameters(Shape);
        var named = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach ((string name, float[] values, _) in result.Tensors())
        {
            string torchName = TorchName(name);
            if (!named.TryGetValue(torchName, out var tensor))
            {
                throw new InvalidOperationException($"No parameter {torchName} in the TorchSharp model.");
            }

            float[] data = tensor.detach().cpu().contiguous().data<float>().ToArray();
            if (data.Length != values.Length)
            {
                throw new InvalidOperationException($"{torchName}: {data.Length} values where {values.Length} were expected.");
            }

            data.CopyTo(values, 0);
        }

        return result;
    }

    /// <summary>Loads parameters from the runtime's container (e.g. to start from an exported model).</summary>
    public void Import(ModelParameters parameters)
    {
        var named = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        foreach ((string name, float[] values, _) in parameters.Tensors())
        {
            var tensor = named[TorchName(name)];
            tensor.copy_(tensor_from(values, tensor.shape));
        }
    }

    private static Tensor tensor_from(float[] values, long[] shape) => tensor(values).reshape(shape);

    /// <summary>Runtime tensor name (e.g. "gru1.weight_ih") → TorchSharp parameter name ("gru1.weight_ih_l0").</summary>
    private static string TorchName(string name) =>
        name.Contains("_gru.", StringComparison.Ordinal) || name.StartsWith("gru", StringComparison.Ordinal)
            ? name + "_l0"
            : name;
}
