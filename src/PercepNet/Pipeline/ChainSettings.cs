namespace PercepNet.Pipeline;

/// <summary>
/// The run-time settings in the units the chain works in, computed once from the options' (dB, ms) values when they
/// are set; the chain keeps one and replaces it whole (<see cref="EnhancementChain.Configure"/>).
/// </summary>
/// <param name="GainFloor">Smallest band gain applied (linear); 0 for no limit.</param>
/// <param name="PostfilterStrength">How much of the envelope postfilter is applied: 0 off, 1 full, a linear blend of the gains between.</param>
/// <param name="PostfilterBeta">β of the envelope postfilter.</param>
/// <param name="GateThreshold">Speech activity at which the voice gate opens; 0 for no gate.</param>
/// <param name="GateHoldHops">Hops the voice gate stays open after the last active one.</param>
/// <param name="SilencePeak">Largest absolute input sample of a hop that counts as silent; negative: never skip.</param>
internal readonly record struct ChainSettings(float GainFloor, float PostfilterStrength, float PostfilterBeta, float GateThreshold, int GateHoldHops,
    float SilencePeak);
