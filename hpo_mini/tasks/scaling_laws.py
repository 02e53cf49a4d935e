r"""Compute-optimal model and data size: the arithmetic of Kaplan et al. (2020) and Hoffmann et al. (2022).

Training a dense transformer of N parameters on D tokens costs about C = 6 N D floating-point
operations (2 N per token forward, 4 N backward; Kaplan et al. 2020, "Scaling laws for neural language
models", section 2.1). For a budget C, how should N and D share it?

- Hoffmann et al. (2022, "Training compute-optimal large language models", "Chinchilla") fit the loss
  as L(N, D) = E + A / N^alpha + B / D^beta with E = 1.69, A = 406.4, B = 410.7, alpha = 0.34,
  beta = 0.28 (their Approach 3, eq. 10). Minimizing it under C = 6 N D gives (their eq. 4)

      N_opt = G (C / 6)^a,  D_opt = (C / 6)^b / G,  a = beta / (alpha + beta),  b = alpha / (alpha + beta),
      G = (alpha A / (beta B))^(1 / (alpha + beta)),

  and their headline rule: N and D grow about equally with C, roughly 20 tokens per parameter.
- Kaplan et al. (2020) had found N_opt growing as C^0.73 and data much more slowly: for a 10x larger
  budget, a 5x larger model. Chinchilla's rule says about 3x each.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CHINCHILLA", "KAPLAN_N_EXPONENT", "train_flops", "chinchilla_loss", "compute_optimal",
           "tokens_per_param_split"]

CHINCHILLA = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}  # Hoffmann et al. 2022, eq. 10
KAPLAN_N_EXPONENT = 0.73  # Kaplan et al. 2020: compute-efficient model size N ~ C^0.73


def train_flops(n_params, n_tokens):
    """C = 6 N D."""
    return 6.0 * np.asarray(n_params, dtype=float) * np.asarray(n_tokens, dtype=float)


def chinchilla_loss(n_params, n_tokens, law=CHINCHILLA):
    """L(N, D) = E + A / N^alpha + B / D^beta."""
    N, D = np.asarray(n_params, dtype=float), np.asarray(n_tokens, dtype=float)
    return law["E"] + law["A"] / N ** law["alpha"] + law["B"] / D ** law["beta"]


def compute_optimal(flops, law=CHINCHILLA) -> tuple:
    """(N_opt, D_opt) minimizing L(N, D) subject to 6 N D = flops (the closed form of the docstring)."""
    a_, b_ = law["alpha"], law["beta"]
    G = (a_ * law["A"] / (b_ * law["B"])) ** (1 / (a_ + b_))
    x = np.asarray(flops, dtype=float) / 6.0
    return G * x ** (b_ / (a_ + b_)), x ** (a_ / (a_ + b_)) / G


def tokens_per_param_split(flops, tokens_per_param=20.0) -> tuple:
    """(N, D) with D = r N and 6 N D = flops: N = sqrt(flops / (6 r)), the "20 tokens per parameter" rule."""
    N = np.sqrt(np.asarray(flops, dtype=float) / (6.0 * tokens_per_param))
    return N, tokens_per_param * N
