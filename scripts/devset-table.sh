#!/usr/bin/env bash
# Scores a model on the development set and prints the README's results table (markdown).
#   scripts/devset-table.sh [MODEL] [WORKDIR]
# MODEL: a model file (default: the embedded model). WORKDIR: where denoised files and per-file CSVs go
# (default: a temporary folder). Reads ../shared/data/devset (or $PERCEPNET_DATA/devset) and the DNSMOS models
# beside it. Dry rows: the devset's 32 utterances without reverberation; RNNoise rows: its published scores.csv.
# The last table is the band fidelity of the fullband dry utterances (the evaluation's --noisy and --manifest).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${PERCEPNET_DATA:-$root/../shared/data}
dev=$data/devset
model=${1:-}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
[ -z "${REUSE:-}" ] && dotnet build -c Release "$root/src/PercepNet.Lab" -v q -nologo > /dev/null
percepnet="$root/src/PercepNet.Cli/bin/Release/net10.0/PercepNet.Cli"
lab="$root/src/PercepNet.Lab/bin/Release/net10.0/percepnet-lab"
modelopt=()
[ -n "$model" ] && modelopt=(--model "$model")

if [ -z "${REUSE:-}" ]; then  # REUSE=1: print the table again from WORKDIR's CSVs
rm -rf "$work/den" "$work/den-clean"
"$percepnet" denoise "$dev/noisy" -o "$work/den" "${modelopt[@]}" | tail -1 >&2
"$percepnet" denoise "$dev/clean" -o "$work/den-clean" "${modelopt[@]}" | tail -1 >&2
"$lab" eval --reference "$dev/clean" --degraded "$work/den" --noisy "$dev/noisy" --manifest "$dev/manifest.csv" \
  --dnsmos-dir "$data/dnsmos" --csv "$work/denoised.csv" > /dev/null 2>&1
# The band fidelity of the noisy input itself (the devset keeps RNNoise's outputs at 16 kHz only: no row for it).
"$lab" eval --reference "$dev/clean" --degraded "$dev/noisy" --noisy "$dev/noisy" --manifest "$dev/manifest.csv" \
  --no-dnsmos --csv "$work/noisy-bands.csv" > /dev/null 2>&1
"$lab" eval --reference "$dev/clean" --degraded "$work/den-clean" --dnsmos-dir "$data/dnsmos" --csv "$work/clean-through.csv" > /dev/null 2>&1
"$lab" eval --reference "$dev/clean" --degraded "$dev/clean" --dnsmos-dir "$data/dnsmos" --csv "$work/clean.csv" > /dev/null 2>&1
fi

# Means over the rows of a CSV whose id is in the chosen group; columns by header name.
awk -F, -v manifest="$dev/manifest.csv" -v scores="$dev/scores.csv" -v ours="$work/denoised.csv" \
    -v through="$work/clean-through.csv" -v clean="$work/clean.csv" '
function unq(s) { gsub(/"/, "", s); return s }
function id_of(file) { file = unq(file); sub(/\.wav$/, "", file); return file }
BEGIN {
  while ((getline line < manifest) > 0) {
    n = split(line, c, ",")
    if (c[1] == "id") { for (i = 1; i <= n; i++) if (c[i] == "rir") rc = i; continue }
    group[c[1]] = (c[rc] == "none") ? "dry" : "reverberant"
  }
  while ((getline line < scores) > 0) {
    n = split(line, c, ",")
    if (c[1] == "id") { for (i = 1; i <= n; i++) h[c[i]] = i; continue }
    g = group[c[1]]; cond = c[h["condition"]]
    cnt[cond, g]++
    split("stoi estoi si_sdr_db dnsmos_sig dnsmos_bak dnsmos_ovrl", keys, " ")
    for (k = 1; k <= 6; k++) sum[cond, g, k] += c[h[keys[k]]]
  }
  load(ours, "ours"); load(through, "through"); load(clean, "input-clean")
  printf "| dry utterances (%d) | STOI | ESTOI | SI-SDR dB | DNSMOS SIG | BAK | OVRL |\n|---|---|---|---|---|---|---|\n", cnt["ours", "dry"]
  row("noisy input", "noisy", "dry"); row("RNNoise 0.1.1", "rnnoise-0.1.1", "dry"); row("RNNoise 0.2", "rnnoise-0.2", "dry")
  row("PercepNet .NET", "ours", "dry")
  printf "\nReverberant utterances (%d), DNSMOS OVRL: noisy %.2f, RNNoise 0.2 %.2f, PercepNet .NET %.2f.\n", cnt["ours", "reverberant"],
    sum["noisy", "reverberant", 6] / cnt["noisy", "reverberant"], sum["rnnoise-0.2", "reverberant", 6] / cnt["rnnoise-0.2", "reverberant"],
    sum["ours", "reverberant", 6] / cnt["ours", "reverberant"]
  t = cnt["through", "dry"] + cnt["through", "reverberant"]
  printf "Clean speech through the model (%d files): STOI %.3f and SI-SDR %.1f dB against the input; DNSMOS OVRL %.2f (input %.2f).\n", t,
    (sum["through", "dry", 1] + sum["through", "reverberant", 1]) / t, (sum["through", "dry", 3] + sum["through", "reverberant", 3]) / t,
    (sum["through", "dry", 6] + sum["through", "reverberant", 6]) / t, (sum["input-clean", "dry", 6] + sum["input-clean", "reverberant", 6]) / t
}
function load(path, cond,    line, n, c, i, hh, g, k) {
  split("stoi estoi si_sdr dnsmos_sig dnsmos_bak dnsmos_ovrl", ks, " ")
  while ((getline line < path) > 0) {
    n = split(line, c, ",")
    if (unq(c[1]) == "file") { for (i = 1; i <= n; i++) hh[unq(c[i])] = i; continue }
    g = group[id_of(c[1])]; cnt[cond, g]++
    for (k = 1; k <= 6; k++) sum[cond, g, k] += c[hh[ks[k]]]
  }
}
function row(name, cond, g) {
  printf "| %s | %.3f | %.3f | %.2f | %.2f | %.2f | %.2f |\n", name, sum[cond, g, 1] / cnt[cond, g], sum[cond, g, 2] / cnt[cond, g],
    sum[cond, g, 3] / cnt[cond, g], sum[cond, g, 4] / cnt[cond, g], sum[cond, g, 5] / cnt[cond, g], sum[cond, g, 6] / cnt[cond, g]
}' /dev/null

# The 48 kHz band fidelity over the fullband dry utterances: speech level against the clean reference (bands inside the
# reference's bandwidth) and pause attenuation of the noisy input (bands where the noise has energy); means over files.
awk -F, -v manifest="$dev/manifest.csv" -v noisy="$work/noisy-bands.csv" \
    -v ours="$work/denoised.csv" '
function unq(s) { gsub(/"/, "", s); return s }
BEGIN {
  nb = split("0_2 2_4 4_8 8_12 12_16 16_20", keys, " "); split("0–2 2–4 4–8 8–12 12–16 16–20", names, " ")
  while ((getline line < manifest) > 0) {
    n = split(line, c, ",")
    if (c[1] == "id") { for (i = 1; i <= n; i++) m[c[i]] = i; continue }
    chosen[c[1]] = (c[m["rir"]] == "none" && c[m["fullband"]] == 1)
    if (chosen[c[1]]) items++
  }
  load(noisy, "noisy"); load(ours, "ours")
  printf "\n| fullband dry utterances (%d) |", items
  for (b = 1; b <= nb; b++) printf " speech %s kHz |", names[b]
  for (b = 4; b <= nb; b++) printf " pause %s kHz |", names[b]
  printf "\n|---|"; for (b = 1; b <= nb + 3; b++) printf "---|"; printf "\n"
  row("noisy input", "noisy"); row("PercepNet .NET", "ours")
  printf "| files counted |"
  for (b = 1; b <= nb; b++) printf " %d |", cnt["ours", "s", b]
  for (b = 4; b <= nb; b++) printf " %d |", cnt["ours", "p", b]
  printf "\n"
}
function load(path, cond,    line, n, c, i, h, id, b) {
  while ((getline line < path) > 0) {
    n = split(line, c, ",")
    if (unq(c[1]) == "file") { for (i = 1; i <= n; i++) h[unq(c[i])] = i; continue }
    id = unq(c[1]); sub(/\.wav$/, "", id)
    if (!chosen[id]) continue
    for (b = 1; b <= nb; b++) {
      v = c[h["speech_db_" keys[b]]]; if (v != "") { sum[cond, "s", b] += v; cnt[cond, "s", b]++ }
      v = c[h["pause_atten_db_" keys[b]]]; if (v != "") { sum[cond, "p", b] += v; cnt[cond, "p", b]++ }
    }
  }
}
function cell(cond, kind, b) { return cnt[cond, kind, b] ? sprintf(" %+.1f |", sum[cond, kind, b] / cnt[cond, kind, b]) : " – |" }
function row(name, cond,    b) {
  printf "| %s |", name
  for (b = 1; b <= nb; b++) printf "%s", cell(cond, "s", b)
  for (b = 4; b <= nb; b++) printf "%s", (cond == "noisy" ? " – |" : cell(cond, "p", b))
  printf "\n"
}' /dev/null
