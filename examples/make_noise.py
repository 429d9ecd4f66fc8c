#!/usr/bin/env python3
"""Writes a reproducible synthetic noise (48 kHz, 16-bit mono WAV) for the bundled example: pink noise, a
50 Hz mains hum with harmonics, and a slowly swelling fan-like band of noise. Standard library only."""
import math
import random
import struct
import sys
import wave

RATE = 48000


def main(path: str, seconds: float, seed: int) -> None:
    rng = random.Random(seed)
    n = int(seconds * RATE)
    # Pink noise by the Voss-McCartney method: 16 random rows updated at octave-spaced rates.
    rows = [rng.uniform(-1, 1) for _ in range(16)]
    total = sum(rows)
    # Fan: white noise through a two-pole resonator at 900 Hz, its level swelling at 0.3 Hz.
    r, theta = 0.995, 2 * math.pi * 900 / RATE
    a1, a2 = 2 * r * math.cos(theta), -r * r
    y1 = y2 = 0.0
    out = []
    for i in range(n):
        changed = (i & -i).bit_length() - 1 if i else 0
        if changed < 16:
            total -= rows[changed]
            rows[changed] = rng.uniform(-1, 1)
            total += rows[changed]
        pink = total / 16
        y = rng.gauss(0, 1) * 0.01 + a1 * y1 + a2 * y2
        y2, y1 = y1, y
        fan = y * (0.6 + 0.4 * math.sin(2 * math.pi * 0.3 * i / RATE))
        t = i / RATE
        hum = 0.05 * sum(math.sin(2 * math.pi * 50 * h * t) / h for h in (1, 2, 3, 5))
        out.append(0.5 * pink + 0.3 * fan + hum)
    peak = max(abs(v) for v in out)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(32767 * 0.9 * v / peak)) for v in out))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 8.0, int(sys.argv[3]) if len(sys.argv) > 3 else 1)
