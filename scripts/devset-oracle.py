#!/usr/bin/env python3
"""The ceiling of the signal chain on the development set: oracle gains from the clean references, scored like a model.

    scripts/devset-oracle.py [--work DIR] [--data DATA] [--lab CLI]

For each oracle condition, runs `percepnet-lab oracle` on every devset file (ideal values computed from its clean
reference, as in docs/ORACLES.md), scores the outputs with `percepnet-lab eval` (DNSMOS included) and prints the means
for the dry and the reverberant utterances. This is an upper bound for any network driving the chain, not a model
and not a selection criterion: nothing is tuned on it. Results are cached per condition in DIR (delete DIR/LABEL.csv
to score a condition again). About 2 minutes per condition on 2 cores.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONDITIONS = [
    ("bands", ["--mode", "bands"]),
    ("bands+comb+postfilter, noisy pitch, least-squares r (the network's targets)",
     ["--mode", "bands+comb+postfilter", "--pitch", "noisy", "--strength", "least-squares"]),
    ("magnitude (clean magnitude of every bin)", ["--mode", "magnitude"]),
]
BANDS = ["0–2", "2–4", "4–8", "8–12", "12–16", "16–20"]
METRICS = [("stoi", "STOI", 3), ("estoi", "ESTOI", 3), ("si_sdr", "SI-SDR dB", 2), ("dnsmos_sig", "SIG", 2),
           ("dnsmos_bak", "BAK", 2), ("dnsmos_ovrl", "OVRL", 2)]


def run(args):
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stderr}{result.stdout}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", help="where outputs and per-condition CSVs go (default: a new temporary folder)")
    parser.add_argument("--data", default=os.environ.get("PERCEPNET_DATA", os.path.join(ROOT, "..", "shared", "data")))
    parser.add_argument("--lab", default=os.path.join(ROOT, "src/PercepNet.Lab/bin/Release/net10.0/percepnet-lab"),
                        help="the percepnet-lab tool to run (build it with: dotnet build -c Release src/PercepNet.Lab)")
    args = parser.parse_args()
    devset = os.path.join(args.data, "devset")
    manifest = {row["id"]: row for row in csv.DictReader(open(os.path.join(devset, "manifest.csv")))}
    args.work = args.work or tempfile.mkdtemp(prefix="devset-oracle-")
    os.makedirs(args.work, exist_ok=True)

    print("| condition | utterances | " + " | ".join(h for _, h, _ in METRICS) + " |")
    print("|---" * (len(METRICS) + 2) + "|")
    fidelity = []
    for index, (label, options) in enumerate(CONDITIONS):
        table = os.path.join(args.work, f"oracle{index}.csv")
        if not os.path.exists(table):
            out = os.path.join(args.work, f"oracle{index}")
            os.makedirs(out, exist_ok=True)
            for name in sorted(manifest):
                wav = name + ".wav"
                run([args.lab, "oracle", "--clean", os.path.join(devset, "clean", wav),
                     "--noisy", os.path.join(devset, "noisy", wav), "-o", os.path.join(out, wav), *options])
            run([args.lab, "eval", "--reference", os.path.join(devset, "clean"), "--degraded", out,
                 "--noisy", os.path.join(devset, "noisy"), "--manifest", os.path.join(devset, "manifest.csv"),
                 "--dnsmos-dir", os.path.join(args.data, "dnsmos"), "--csv", table])
        rows = list(csv.DictReader(open(table)))
        for group, dry in (("dry", True), ("reverberant", False)):
            chosen = [r for r in rows if (manifest[r["file"].removesuffix(".wav")]["rir"] == "none") == dry]
            cells = [f"{sum(float(r[key]) for r in chosen) / len(chosen):.{digits}f}" for key, _, digits in METRICS]
            print(f"| {label} | {group} ({len(chosen)}) | " + " | ".join(cells) + " |")
        fidelity.append((label, rows))

    # The band fidelity (speech level against the clean reference; pause attenuation) of the fullband dry utterances.
    print("\n| condition | " + " | ".join(f"speech {b} kHz" for b in BANDS) + " | "
          + " | ".join(f"pause {b} kHz" for b in BANDS[3:]) + " |")
    print("|---" * (len(BANDS) + 4) + "|")
    for label, rows in fidelity:
        chosen = [r for r in rows if manifest[r["file"].removesuffix(".wav")]["rir"] == "none"
                  and manifest[r["file"].removesuffix(".wav")]["fullband"] == "1"]
        cells = []
        for column in [f"speech_db_{b.replace('–', '_')}" for b in BANDS] + [f"pause_atten_db_{b.replace('–', '_')}" for b in BANDS[3:]]:
            values = [float(r[column]) for r in chosen if r.get(column)]
            cells.append(f"{sum(values) / len(values):+.1f}" if values else "–")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
