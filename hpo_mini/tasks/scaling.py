r"""Width and the learning rate: the standard parameterization (SP) and a muP-style one.

Under SP every layer gets the same learning rate eta and weights of variance ~ 1/fan_in. Make the
network m times wider and the output layer's update moves the logits about m times further per step
(its input h has m coordinates that all push the same way), so the best eta drifts down as width grows.
The Maximal Update Parameterization (muP; Yang et al. 2022, "Tensor Programs V: Tuning large neural
networks via zero-shot hyperparameter transfer", Table 3) sets each layer's initial variance and rate by
its role so that every layer's update changes its output by O(1), whatever the width; the best eta then
stays put and can be tuned on a narrow model and transferred to a wide one ("muTransfer").

With m = width / base_width (so muP and SP coincide at the base width), for an MLP with weights
W1 .. W{L+1} and biases b1 .. b{L+1}:

    role                          example           init variance     SGD rate     Adam rate
    input  (one width dimension)  W1, b1 .. bL      as SP             eta * m      eta
    hidden (two width dimensions) W2 .. WL          as SP             eta          eta / m
    output (fan_in is the width)  W{L+1}            SP / m            eta / m      eta / m
    fixed  (no width dimension)   b{L+1}            as SP             eta          eta

This is Table 3 of the paper written with a base width; Microsoft's `mup` package reaches the same
training dynamics by a different bookkeeping (an output multiplier 1/m instead of the output layer's
rate and variance).
"""

from __future__ import annotations

__all__ = ["PARAMETERIZATIONS", "SGD_LIKE", "ADAM_LIKE", "width_multiplier", "output_init_factor", "layer_roles",
           "lr_multipliers"]

PARAMETERIZATIONS = ("sp", "mup")
SGD_LIKE = ("sgd",)  # the update is proportional to the gradient
ADAM_LIKE = ("adam", "adamw", "adagrad", "rmsprop")  # the update is normalized entrywise
# muP's rate multiplier per role, as a power of m (Table 3 of Yang et al. 2022)
_RATE_POWER = {"sgd": {"input": 1, "hidden": 0, "output": -1, "fixed": 0},
               "adam": {"input": 0, "hidden": -1, "output": -1, "fixed": 0}}


def _check(parameterization):
    if parameterization not in PARAMETERIZATIONS:
        raise ValueError(f"parameterization must be one of {PARAMETERIZATIONS}, but got {parameterization!r}")


def width_multiplier(width, base_width) -> float:
    """m = width / base_width."""
    if not (width > 0 and base_width > 0):
        raise ValueError(f"width and base_width must be > 0, but got {width!r} and {base_width!r}")
    return width / base_width


def output_init_factor(parameterization, width, base_width) -> float:
    """What multiplies the output layer's SP variance 1/fan_in: 1 under SP, 1/m under muP."""
    _check(parameterization)
    return 1.0 if parameterization == "sp" else 1.0 / width_multiplier(width, base_width)


def layer_roles(params) -> dict:
    """{name: "input" | "hidden" | "output" | "fixed"} for the MLP's W1, b1, ... (softmax regression has no
    width: all "fixed")."""
    if "W" in params:
        return {name: "fixed" for name in params}
    top = sum(name.startswith("W") for name in params)
    roles = {}
    for name in params:
        i = int(name[1:])
        if name.startswith("b"):
            roles[name] = "fixed" if i == top else "input"  # a hidden bias has one width dimension
        else:
            roles[name] = "input" if i == 1 else "output" if i == top else "hidden"
    return roles


def lr_multipliers(params, optimizer, parameterization, width, base_width) -> dict:
    """{name: factor}: each layer's rate is eta * factor. All 1 under SP; under muP, m to the power in
    the table of the module docstring (m = width / base_width), by the optimizer's family."""
    _check(parameterization)
    if parameterization == "sp":
        return {name: 1.0 for name in params}
    family = "sgd" if optimizer in SGD_LIKE else "adam" if optimizer in ADAM_LIKE else None
    if family is None:
        raise ValueError(f"muP rates are given for {SGD_LIKE + ADAM_LIKE}, but got optimizer {optimizer!r}; "
                         "use parameterization='sp' with it")
    m = width_multiplier(width, base_width)
    return {name: m ** _RATE_POWER[family][role] for name, role in layer_roles(params).items()}
