"""A checkpointable training task for population-based training: SGD on a noisy quadratic.

A large learning rate is best early (fast progress along the flat directions), a small one late (a
lower noise floor), so the best schedule decays; `NoisyQuadratic.expected_loss` gives the exact expected
loss of any schedule, a reference independent of the simulation.
"""

from __future__ import annotations

import numpy as np

from ..space import Float, Space

__all__ = ["NoisyQuadratic", "noisy_quadratic"]

# --- checkpointable task for population-based training (lesson 08) ---
# SGD on a noisy quadratic: a large learning rate is best early (fast progress along the flat
# directions), a small one late (a lower noise floor). PBT trains on it in steps and copies its state.



class NoisyQuadratic:
    r"""SGD on the noisy quadratic model (Schaul, Zhang & LeCun 2013; Zhang et al. 2019, NeurIPS,
    "Which algorithmic choices matter at which batch sizes?"): a checkpointable training task.

    Loss L(w) = 1/2 sum_i h_i w_i^2 with curvatures h_i log-spaced in [h_min, h_max]. SGD sees the
    gradient plus noise whose variance follows the curvature, g_i = h_i w_i + sigma sqrt(h_i) xi_i with
    xi ~ N(0, 1), and steps w <- w - lr g. Per coordinate the second moment m_i = E[w_i^2] obeys

        m_i <- (1 - lr h_i)^2 m_i + lr^2 sigma^2 h_i,      floor m_i* = lr sigma^2 / (2 - lr h_i),

    so a large lr shrinks the flat directions (small h_i) quickly but leaves a high noise floor
    (E[L] ~ lr sigma^2 sum_i h_i / 4), and a small lr has a low floor but is slow: the best constant lr
    for a fixed number of steps is a compromise, and a decaying schedule beats it. `expected_loss` gives
    E[L] exactly for any schedule (the recursion above), a reference independent of the simulation.

    The PBT seam: `initial_state(rng)` returns w_0 (all ones), `step(config, w, n_steps, rng)` runs
    n_steps of SGD with config["lr"] and returns (L(w), w) without changing its input. The loss is L
    itself, as if measured on infinitely many validation samples. Stable for lr < 2 / h_max.
    """

    def __init__(self, d=20, h_min=0.01, h_max=1.0, sigma=0.1, n_steps=1000, lr_range=(1e-3, 1.0)):
        if not (isinstance(d, (int, np.integer)) and d >= 1):
            raise ValueError(f"d (the number of coordinates) must be an integer >= 1, but got {d!r}")
        if not 0 < h_min <= h_max:
            raise ValueError(f"need 0 < h_min <= h_max, but got h_min={h_min!r}, h_max={h_max!r}")
        if not sigma >= 0:
            raise ValueError(f"sigma (the gradient noise) must be >= 0, but got {sigma!r}")
        self.h = np.geomspace(h_min, h_max, d)
        self.sigma, self.n_steps = float(sigma), int(n_steps)
        self.space = Space({"lr": Float(*lr_range, log=True)})

    def __repr__(self):
        return (f"<NoisyQuadratic: d={len(self.h)}, curvatures {self.h[0]:g}..{self.h[-1]:g}, "
                f"sigma={self.sigma:g}, {self.n_steps} steps>")

    def loss(self, w) -> float:
        return float(0.5 * np.sum(self.h * np.asarray(w) ** 2))

    def initial_state(self, rng=None) -> np.ndarray:
        return np.ones_like(self.h)

    def step(self, config, state, n_steps, rng):
        r"""n_steps of SGD from weights `state` with learning rate config["lr"]: (loss, new weights).

        The T = n_steps updates w_{t+1} = a w_t - lr sigma sqrt(h) xi_t (a = 1 - lr h, per coordinate; the
        update above, rearranged) are a linear recursion, summed in closed form rather than looped over:

            w_T = a^T w_0 - lr sigma sqrt(h) sum_{t<T} a^(T-1-t) xi_t,

        with xi_t the rows of one (T, d) standard-normal draw, as the loop drew them (the same random
        numbers; the result agrees with the loop to rounding, tests/unit/searchers/test_evolution.py)."""
        lr, w = float(config["lr"]), np.array(state, dtype=float)
        n_steps = int(n_steps)
        noise = np.random.default_rng(rng).standard_normal((n_steps, len(self.h)))
        a = 1.0 - lr * self.h
        with np.errstate(over="ignore", invalid="ignore"):
            powers = a ** np.arange(n_steps - 1, -1, -1)[:, None]  # a^(T-1-t) for t = 0..T-1
            w = a**n_steps * w - lr * self.sigma * np.sqrt(self.h) * np.einsum("td,td->d", powers, noise)
            return self.loss(w), w  # a diverging lr (lr h_i > 2) gives inf or nan

    def expected_loss(self, lrs) -> np.ndarray:
        """E[L(w_t)] for t = 0..len(lrs) under the schedule lrs (one learning rate per step), exactly."""
        m = np.ones_like(self.h)  # E[w_0^2]
        out = [0.5 * np.sum(self.h * m)]
        with np.errstate(over="ignore", invalid="ignore"):
            for lr in np.asarray(lrs, dtype=float):
                m = (1 - lr * self.h) ** 2 * m + lr**2 * self.sigma**2 * self.h
                out.append(0.5 * np.sum(self.h * m))
        return np.array(out)

    def __call__(self, config) -> float:
        """A one-shot objective too: the expected final loss after n_steps at the constant config["lr"].
        With a = (1 - lr h_i)^2 the recursion sums to m_i = a^T m_0 + lr^2 sigma^2 h_i (1 - a^T) / (1 - a)."""
        lr, T = float(config["lr"]), self.n_steps
        a = (1 - lr * self.h) ** 2
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            geometric = np.where(a == 1, T, (1 - a**T) / (1 - a))  # sum_{t<T} a^t
            m = a**T + lr**2 * self.sigma**2 * self.h * geometric
        loss = float(0.5 * np.sum(self.h * m))
        return loss if np.isfinite(loss) else float("inf")


def noisy_quadratic(**kwargs) -> NoisyQuadratic:
    """The default noisy quadratic: 20 coordinates, curvatures 0.01..1, gradient noise 0.1, 1000 steps."""
    return NoisyQuadratic(**kwargs)
