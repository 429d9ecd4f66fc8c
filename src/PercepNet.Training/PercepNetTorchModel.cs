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
    private readonly Dictionary<string, nn.Module> _layers = [];

    public PercepNetTorchModel(ModelShape shape)
        : base("percepnet")
    {
        Shape = shape;
        foreach (LayerSpec layer in shape.Layers)
        {
            nn.Module module = layer.Kind switch
            {
                LayerKind.Dense => nn.Linear(layer.Inputs, layer.Outputs),
                LayerKind.Convolution => nn.Conv1d(layer.Inputs, layer.Outputs, layer.Kernel),
                _ => nn.GRU(layer.Inputs, layer.Outputs, batchFirst: true),
            };
            register_module(layer.Name, module);
            _layers[layer.Name] = module;
        }
    }

    private Linear Dense(string name) => (Linear)_layers[name];

    private Conv1d Conv(string name) => (Conv1d)_layers[name];

    private GRU Gru(string name) => (GRU)_layers[name];

    public ModelShape Shape { get; }

    public override (Tensor Gains, Tensor Strengths) forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        Tensor dense = Dense("input").forward(features).tanh();
        Tensor c = nn.functional.pad(dense.transpose(1, 2), [ModelShape.Conv1Kernel - 1, 0]);
        c = Conv("conv1").forward(c).tanh();
        c = nn.functional.pad(c, [ModelShape.Conv2Kernel - 1, 0]);
        Tensor conv = Conv("conv2").forward(c).tanh().transpose(1, 2);
        Tensor h1 = Gru("gru1").forward(conv).Item1;
        Tensor h2 = Gru("gru2").forward(h1).Item1;
        Tensor h3 = Gru("gru3").forward(h2).Item1;
        Tensor hg = Gru("gain_gru").forward(h3).Item1;
        Tensor gains = Dense("gain_output").forward(cat([conv, h1, h2, h3, hg], 2)).sigmoid();
        Tensor hs = Gru("strength_gru").forward(cat([conv, h3], 2)).Item1;
        Tensor strengths = Dense("strength_output").forward(hs).sigmoid();
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
        foreach ((TensorSpec spec, float[] values) in result.Tensors())
        {
            string torchName = TorchName(spec);
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
        foreach ((TensorSpec spec, float[] values) in parameters.Tensors())
        {
            var tensor = named[TorchName(spec)];
            tensor.copy_(tensor_from(values, tensor.shape));
        }
    }

    private static Tensor tensor_from(float[] values, long[] shape) => tensor(values).reshape(shape);

    /// <summary>Runtime tensor name (e.g. "gru1.weight_ih") → TorchSharp parameter name ("gru1.weight_ih_l0": a GRU's first and only layer).</summary>
    private string TorchName(TensorSpec tensor) =>
        _layers[tensor.Name[..tensor.Name.IndexOf('.', StringComparison.Ordinal)]] is GRU ? tensor.Name + "_l0" : tensor.Name;
}
