r"""Low-precision numbers and why mixed-precision training scales the loss.

float16 has 5 exponent and 10 fraction bits: it holds magnitudes up to 65504, normal numbers down to
2^-14 ~ 6.1e-5 and subnormal ones (with fewer significant bits) down to 2^-24 ~ 6.0e-8; anything smaller
becomes 0. Small gradients fall below that range and vanish. Micikevicius et al. (2018, "Mixed
precision training", section 3.2) multiply the loss by a scale S before the backward pass, so every
gradient is S times larger and stays representable, then divide by S in float32 before the update; a
dynamic scaler halves S when a gradient overflows to inf and raises it after a run of good steps.

bfloat16 keeps float32's 8 exponent bits (range to ~3.4e38, so no loss scaling is needed) but only 7
fraction bits: between 1 and 2 its numbers are 2^-7 ~ 0.008 apart, so rounding errs by up to 2^-8 ~ 0.4%
(2 to 3 significant decimal digits). So a small update
added to a bfloat16 weight can round away to nothing, which is why the update goes to a float32 master
copy of the weights. numpy has no bfloat16; `to_bfloat16` rounds a float32 to it (nearest, ties to
even) and returns it as float32.
"""

from __future__ import annotations

import numpy as np

__all__ = ["to_bfloat16", "round_to", "underflow_fraction", "lost_update_fraction"]


def to_bfloat16(x) -> np.ndarray:
    """x rounded to bfloat16 (round to nearest, ties to even), as float32: keep the top 16 of float32's
    32 bits. Infinities stay; NaN stays NaN."""
    x = np.asarray(x, dtype=np.float32)
    bits = x.view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000  # add half an ulp (ties to even), truncate
    out = rounded.astype(np.uint32).view(np.float32)
    return np.where(np.isnan(x), np.float32(np.nan), out)


def round_to(x, fmt) -> np.ndarray:
    """x stored in fmt ("fp32", "fp16", "bf16") and read back as float64."""
    if fmt == "fp32":
        return np.asarray(x, dtype=np.float32).astype(np.float64)
    if fmt == "fp16":
        with np.errstate(over="ignore"):
            return np.asarray(x, dtype=np.float16).astype(np.float64)
    if fmt == "bf16":
        return to_bfloat16(x).astype(np.float64)
    raise ValueError(f"fmt must be 'fp32', 'fp16' or 'bf16', but got {fmt!r}")


def underflow_fraction(values, fmt="fp16", scale=1.0) -> float:
    """Share of the non-zero `values` that become 0 when `scale * values` is stored in fmt."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[v != 0]
    return float(np.mean(round_to(scale * v, fmt) == 0)) if v.size else 0.0


def lost_update_fraction(weights, updates, fmt="bf16") -> float:
    """Share of the non-zero updates that leave the weight unchanged when w + u is computed and stored in
    fmt: the update is below half the spacing of the numbers of fmt around w."""
    w = round_to(np.asarray(weights, dtype=np.float64).ravel(), fmt)
    u = np.asarray(updates, dtype=np.float64).ravel()
    keep = u != 0
    return float(np.mean(round_to(w[keep] + u[keep], fmt) == w[keep])) if keep.any() else 0.0
