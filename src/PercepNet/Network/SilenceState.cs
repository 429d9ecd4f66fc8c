namespace PercepNet.Network;

/// <summary>
/// Where a model's recurrent state goes in digital silence, for streams that stop computing in silence. Once the
/// analysis has settled, silence gives the network the same features every frame, whatever came before (the pitch
/// tracker forgets the last pitch in digital silence), and the GRU state drifts towards <see cref="State"/>
/// approximately exponentially with the time constant <see cref="TimeConstantHops"/>. A stream that skipped K silent
/// frames moves its held state h to State + e^(−K/τ)·(h − State) (<see cref="PercepNetNetwork.SkippedSilence"/>).
/// </summary>
/// <param name="State">Every GRU layer's hidden state after a long silence, in the order of <see cref="PercepNetNetwork.CopyRecurrentState"/>.</param>
/// <param name="TimeConstantHops">Frames for the distance to <see cref="State"/> to fall by e.</param>
internal sealed record SilenceState(float[] State, double TimeConstantHops);
