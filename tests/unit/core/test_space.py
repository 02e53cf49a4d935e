"""Search spaces: the unit encoding, sampling distributions, grids and validation messages."""

import math

import numpy as np
import pytest
from scipy import stats

from hpo_mini import Categorical, Float, Int, Space, optimize
from hpo_mini.searchers import TPE, GridSearch, RandomSearch
from hpo_mini.space import as_space, check_count, config_key


# ---------------------------------------------------------------- unit encoding round trips


@pytest.mark.parametrize(
    "dim, atol",
    # a very narrow range loses digits to cancellation: (v - lo) / (hi - lo) with hi - lo = 1e-5
    [(Float(-3.0, 7.5), 1e-12), (Float(1e-4, 1e2, log=True), 1e-12), (Float(0.5, 0.50001), 1e-9)],
)
def test_float_round_trip_unit_to_value_to_unit(dim, atol):
    u = np.random.default_rng(0).random(1000)
    assert np.allclose(dim.to_unit(dim.from_unit(u)), u, rtol=0, atol=atol)


@pytest.mark.parametrize("dim", [Float(-3.0, 7.5), Float(1e-4, 1e2, log=True)])
def test_float_round_trip_value_to_unit_to_value(dim):
    values = dim.from_unit(np.random.default_rng(1).random(1000))
    back = dim.from_unit(dim.to_unit(values))
    assert np.allclose(back, values, rtol=1e-12, atol=0)


def test_float_unit_ends_are_the_bounds():
    for dim in (Float(-2.0, 3.0), Float(1e-3, 10.0, log=True)):
        assert dim.from_unit(0.0) == pytest.approx(dim.lo, rel=1e-12)
        assert dim.from_unit(1.0) == pytest.approx(dim.hi, rel=1e-12)
    # the log encoding puts the geometric mean in the middle
    assert Float(1e-4, 1.0, log=True).from_unit(0.5) == pytest.approx(1e-2, rel=1e-12)


@pytest.mark.parametrize("dim", [Int(-3, 9), Int(1, 1000, log=True), Int(0, 1)])
def test_int_round_trip_is_exact_for_every_integer(dim):
    values = np.arange(dim.lo, dim.hi + 1)
    back = dim.from_unit(dim.to_unit(values))
    assert back.dtype.kind == "i"
    assert back.tolist() == values.tolist()


def test_int_unit_slices_cover_the_whole_interval():
    dim = Int(2, 5)
    assert dim.from_unit(0.0) == 2 and dim.from_unit(1.0) == 5
    # four integers, four equal slices of [0, 1]
    assert [int(dim.from_unit(u)) for u in (0.01, 0.24, 0.26, 0.49, 0.51, 0.74, 0.76, 0.99)] == [2, 2, 3, 3, 4, 4, 5, 5]


def test_categorical_round_trip_is_exact():
    dim = Categorical(["rbf", 3, None, 2.5, True])
    units = dim.to_unit(dim.choices)
    assert np.allclose(units, (np.arange(5) + 0.5) / 5)
    back = list(dim.from_unit(units))
    assert back == dim.choices
    assert [type(v) for v in back] == [type(v) for v in dim.choices]


def test_space_round_trip_with_mixed_dimensions():
    space = Space(
        {
            "lr": Float(1e-5, 1e-1, log=True),
            "momentum": Float(0.0, 0.99),
            "layers": Int(1, 8),
            "width": Int(16, 1024, log=True),
            "opt": Categorical(["adam", "sgd", "rmsprop"]),
        }
    )
    configs = space.sample(np.random.default_rng(3), 200)
    U = space.to_unit(configs)
    assert U.shape == (200, 5)
    assert np.all((U >= 0) & (U <= 1))
    back = space.from_unit(U)
    for c, b in zip(configs, back):
        assert b["layers"] == c["layers"] and b["width"] == c["width"] and b["opt"] == c["opt"]
        assert b["lr"] == pytest.approx(c["lr"], rel=1e-12)
        assert b["momentum"] == pytest.approx(c["momentum"], rel=1e-12, abs=1e-15)
        assert type(b["layers"]) is int and type(b["lr"]) is float and type(b["opt"]) is str


def test_from_unit_rejects_the_wrong_number_of_coordinates():
    space = Space({"a": Float(0, 1), "b": Float(0, 1)})
    with pytest.raises(ValueError, match="2 coordinates"):
        space.from_unit(np.zeros((4, 3)))


# ---------------------------------------------------------------- sampling distributions


def test_samples_stay_in_range_and_have_python_types():
    space = Space({"x": Float(-1.0, 1.0), "lr": Float(1e-6, 1e-1, log=True), "n": Int(3, 7), "c": Categorical(["a", "b"])})
    configs = space.sample(0, 5000)
    assert len(configs) == 5000
    for c in configs:
        space.validate(c)  # raises if anything is out of range or of the wrong type
    assert {c["n"] for c in configs} == {3, 4, 5, 6, 7}
    assert {c["c"] for c in configs} == {"a", "b"}


def test_uniform_float_is_uniform():
    x = np.array([c["x"] for c in Space({"x": Float(-2.0, 6.0)}).sample(11, 20000)])
    assert stats.kstest(x, stats.uniform(loc=-2.0, scale=8.0).cdf).pvalue > 1e-3


def test_log_float_is_log_uniform():
    lo, hi = 1e-5, 1e-1
    x = np.array([c["lr"] for c in Space({"lr": Float(lo, hi, log=True)}).sample(12, 20000)])
    logs = np.log(x)
    assert stats.kstest(logs, stats.uniform(loc=math.log(lo), scale=math.log(hi / lo)).cdf).pvalue > 1e-3
    # and it is NOT uniform on the raw scale: most draws sit in the lowest decades
    assert stats.kstest(x, stats.uniform(loc=lo, scale=hi - lo).cdf).pvalue < 1e-10
    assert np.mean(x < 1e-2) == pytest.approx(0.75, abs=0.02)


def test_int_gives_each_integer_equal_frequency():
    n = Space({"n": Int(-2, 7)}).sample(13, 20000)
    counts = np.bincount([c["n"] + 2 for c in n], minlength=10)
    assert counts.sum() == 20000 and len(counts) == 10  # nothing outside [-2, 7]
    assert stats.chisquare(counts).pvalue > 1e-3


def test_log_int_gives_each_integer_its_share_of_log_space():
    dim = Int(1, 20, log=True)
    draws = np.array([c["n"] for c in Space({"n": dim}).sample(14, 20000)])
    ks = np.arange(1, 21)
    # integer k owns [k - 0.5, k + 0.5] of the log-uniform interval [0.5, 20.5]
    p = (np.log(ks + 0.5) - np.log(ks - 0.5)) / (np.log(20.5) - np.log(0.5))
    counts = np.array([(draws == k).sum() for k in ks])
    assert counts.sum() == 20000
    assert stats.chisquare(counts, p * 20000).pvalue > 1e-3


def test_categorical_gives_each_choice_equal_frequency():
    draws = [c["c"] for c in Space({"c": Categorical(["a", "b", "c", "d", "e"])}).sample(15, 20000)]
    counts = [draws.count(v) for v in "abcde"]
    assert sum(counts) == 20000
    assert stats.chisquare(counts).pvalue > 1e-3


def test_sampling_is_reproducible_with_a_seed():
    space = Space({"x": Float(0, 1), "n": Int(0, 100)})
    assert space.sample(42, 10) == space.sample(42, 10)
    assert space.sample(42, 10) != space.sample(43, 10)


# ---------------------------------------------------------------- grids


def test_log_float_grid_is_geometric():
    assert Float(1e-3, 1e1, log=True).grid(5) == pytest.approx([1e-3, 1e-2, 1e-1, 1.0, 10.0], rel=1e-12)


def test_linear_float_grid_includes_both_ends():
    assert Float(-1.0, 1.0).grid(5) == pytest.approx([-1.0, -0.5, 0.0, 0.5, 1.0], rel=0, abs=1e-15)
    assert Float(0.0, 4.0).grid(1) == [2.0]


def test_int_grid_never_repeats_and_never_exceeds_the_range():
    assert Int(0, 3).grid(10) == [0, 1, 2, 3]
    assert Int(0, 8).grid(5) == [0, 2, 4, 6, 8]
    assert Int(1, 100, log=True).grid(3) == [1, 10, 100]
    for dim in (Int(1, 1000, log=True), Int(-5, 5)):
        g = dim.grid(7)
        assert g == sorted(set(g)) and g[0] == dim.lo and g[-1] == dim.hi
        assert all(type(v) is int for v in g)


def test_space_grid_is_the_product_of_the_axes():
    space = Space({"a": Float(0, 1), "b": Int(1, 3), "c": Categorical(["x", "y"])})
    grid = space.grid(4)
    assert len(grid) == 4 * 3 * 2
    assert len({tuple(sorted(g.items())) for g in grid}) == len(grid)
    assert {g["a"] for g in grid} == set(Float(0, 1).grid(4))
    sized = space.grid({"a": 2, "b": 2})
    assert len(sized) == 2 * 2 * 2
    with pytest.raises(ValueError, match="unknown dimensions.*'z'"):
        space.grid({"z": 3})


@pytest.mark.parametrize("n", [0, -2, 2.5, "3", True, None])
def test_grid_needs_an_integer_number_of_points(n):
    for dim in (Float(0, 1), Int(0, 5)):
        with pytest.raises(ValueError, match=r"n \(grid points per dimension\) must be an integer >= 1"):
            dim.grid(n)
    with pytest.raises(ValueError, match="must be an integer >= 1"):
        Space({"a": Float(0, 1)}).grid(n)


@pytest.mark.parametrize("value, low", [(0, 1), (-1, 0), (2.0, 1), (2.5, 1), ("3", 1), (True, 0), (None, 0)])
def test_check_count_raises_value_error_naming_the_setting(value, low):
    with pytest.raises(ValueError, match=rf"population must be an integer >= {low}, but got {value!r}"):
        check_count(value, "population", low=low)


def test_check_count_returns_a_plain_int():
    for value in (3, np.int64(3)):
        out = check_count(value, "n")
        assert out == 3 and type(out) is int


# ---------------------------------------------------------------- the categorical slice rule


def test_categorical_slice_index_and_centre_are_the_encoding():
    dim = Categorical(["a", "b", "c", "d"])
    u = np.array([0.0, 0.2499, 0.25, 0.5, 0.74, 0.999, 1.0, -0.1, 1.3])
    np.testing.assert_array_equal(dim.slice_index(u), [0, 0, 1, 2, 2, 3, 3, 0, 3])  # clipped at both ends
    np.testing.assert_allclose(dim.slice_centre([0, 1, 2, 3]), [0.125, 0.375, 0.625, 0.875])
    # from_unit, to_unit and snap are written with them: every u decodes to the choice of its slice
    assert list(dim.from_unit(u)) == [dim.choices[i] for i in dim.slice_index(u)]
    np.testing.assert_allclose(dim.snap(u), dim.slice_centre(dim.slice_index(u)))
    np.testing.assert_allclose(dim.to_unit(["a", "d"]), dim.slice_centre([0, 3]))


def test_every_dimension_says_its_kind():
    assert [Float(0, 1).kind, Int(0, 3).kind, Categorical(["x"]).kind] == ["float", "int", "categorical"]


# ---------------------------------------------------------------- errors a learner meets


@pytest.mark.parametrize("cls", [Float, Int])
def test_lo_must_be_below_hi(cls):
    with pytest.raises(ValueError, match=r"lo=5, hi=5\): lo must be < hi"):
        cls(5, 5)
    with pytest.raises(ValueError, match="lo must be < hi"):
        cls(7, 2)


@pytest.mark.parametrize("lo", [0, -1])
def test_log_scale_needs_positive_lo(lo):
    with pytest.raises(ValueError, match="log scale needs lo > 0"):
        Float(lo, 10.0, log=True)
    with pytest.raises(ValueError, match="log scale needs lo > 0"):
        Int(lo, 10, log=True)


def test_bounds_must_be_finite_numbers_and_int_bounds_integers():
    with pytest.raises(ValueError, match="finite"):
        Float(0.0, math.inf)
    with pytest.raises(ValueError, match="finite"):
        Float("0", 1.0)
    with pytest.raises(ValueError, match="must be integers"):
        Int(0, 2.5)


def test_categorical_needs_distinct_nonempty_choices():
    with pytest.raises(ValueError, match="non-empty list of choices"):
        Categorical([])
    with pytest.raises(ValueError, match="non-empty list of choices"):
        Categorical("abc")  # a string is not a list of choices
    with pytest.raises(ValueError, match="distinct"):
        Categorical(["adam", "adam"])


@pytest.mark.parametrize("bad", [None, [Float(0, 1)], {}, "x"])
def test_space_must_be_a_nonempty_dict(bad):
    with pytest.raises(ValueError, match="non-empty dict"):
        Space(bad)


def test_space_rejects_things_that_are_not_dimensions():
    with pytest.raises(ValueError, match=r"dimension 'lr' is \(0, 1\)"):
        Space({"lr": (0, 1)})
    with pytest.raises(ValueError, match="names must be strings"):
        Space({1: Float(0, 1)})


SPACE = Space({"lr": Float(1e-4, 1e-1, log=True), "depth": Int(2, 12), "kernel": Categorical(["rbf", "poly"])})


def test_validate_names_the_missing_key():
    with pytest.raises(ValueError, match=r"missing \['depth'\]"):
        SPACE.validate({"lr": 0.01, "kernel": "rbf"})


def test_validate_names_the_extra_key():
    with pytest.raises(ValueError, match=r"unknown keys \['dropout'\]"):
        SPACE.validate({"lr": 0.01, "depth": 3, "kernel": "rbf", "dropout": 0.5})


@pytest.mark.parametrize(
    "key, value, rule",
    [
        ("lr", 0.5, r"config\['lr'\] = 0.5 is out of range: it must be a number in \[0.0001, 0.1\] \(log scale\)"),
        ("depth", 13, r"config\['depth'\] = 13 is out of range: it must be an integer in \[2, 12\]"),
        ("depth", 3.0, r"config\['depth'\] = 3.0 is out of range: it must be an integer in \[2, 12\]"),
        ("kernel", "linear", r"config\['kernel'\] = 'linear' is out of range: it must be one of \['rbf', 'poly'\]"),
        ("lr", "0.01", r"config\['lr'\] = '0.01' is out of range"),
    ],
)
def test_validate_names_the_key_and_its_range(key, value, rule):
    config = {"lr": 0.01, "depth": 3, "kernel": "rbf", key: value}
    with pytest.raises(ValueError, match=rule):
        SPACE.validate(config)


def test_validate_rejects_non_dicts_and_returns_plain_python_values():
    with pytest.raises(ValueError, match="a config is a dict"):
        SPACE.validate([0.01, 3, "rbf"])
    out = SPACE.validate({"lr": np.float64(0.01), "depth": np.int64(3), "kernel": np.str_("rbf")})
    assert out == {"lr": 0.01, "depth": 3, "kernel": "rbf"}
    assert [type(v) for v in out.values()] == [float, int, str]


# ---------------------------------------------------------------- a plain dict is a space


def test_plain_dict_is_accepted_wherever_a_space_is():
    dims = {"x": Float(0, 1), "n": Int(1, 4)}
    assert as_space(dims) == Space(dims)
    assert Space(Space(dims)) == Space(dims)
    assert RandomSearch(dims, seed=0).space == Space(dims)
    assert GridSearch(dims, n_per_dim=3).points == Space(dims).grid(3)
    from_dict, from_space = RandomSearch(dims, seed=5), RandomSearch(Space(dims), seed=5)
    assert [from_dict.ask().config for _ in range(5)] == [from_space.ask().config for _ in range(5)]


# ---------------------------------------------------------------- no silent wrong samples (issue 24)


def test_int_bounds_a_float_cannot_hold_exactly_are_refused_with_the_fix():
    # Int(0, 10**30) used to sample -2**63 (a float past int64 cast to int) every time
    for lo, hi in ((0, 10**30), (-(2**60), 0), (0, 2**53 + 1)):
        with pytest.raises(ValueError, match=r"within \+-2\*\*53.*Float\(lo, hi, log=True\)"):
            Int(lo, hi)
    widest = Int(-(2**53), 2**53)
    values = [c["n"] for c in Space({"n": widest}).sample(0, 200)]
    assert all(type(v) is int and -(2**53) <= v <= 2**53 for v in values)
    assert len(set(values)) == 200 and min(values) < 0 < max(values)


def test_a_float_range_wider_than_a_float_samples_all_of_it():
    # Float(-1e308, 1e308): hi - lo overflows to inf, and every sample used to be 1e308
    dim = Float(-1e308, 1e308)
    values = np.array([c["x"] for c in Space({"x": dim}).sample(0, 400)])
    assert np.all((values >= -1e308) & (values <= 1e308)) and np.isfinite(values).all()
    assert values.min() < -5e307 and values.max() > 5e307 and len(set(values)) == 400
    assert abs(np.mean(values > 0) - 0.5) < 0.1  # both halves of the range
    u = dim.to_unit(values)
    assert np.all((u >= 0) & (u <= 1))
    np.testing.assert_allclose(dim.from_unit(u), values, rtol=1e-12, atol=1e295)
    assert dim.from_unit(0.0) == -1e308 and dim.from_unit(1.0) == 1e308 and dim.to_unit(0.0) == 0.5
    assert dim.grid(3) == [-1e308, 0.0, 1e308]


def test_tuple_choices_are_sampled_whole_and_validated():
    # Categorical([(64, 32), (128, 64)]) crashed with "truth value of an array ... is ambiguous"
    dim = Categorical([(64, 32), (128, 64)])
    space = Space({"layers": dim})
    configs = space.sample(0, 50)
    assert {c["layers"] for c in configs} == {(64, 32), (128, 64)}
    assert all(space.validate(c) == c for c in configs)
    np.testing.assert_array_equal(space.to_unit(configs)[:, 0], [0.25 if c["layers"] == (64, 32) else 0.75
                                                                  for c in configs])
    assert dim.to_unit((128, 64)) == 0.75 and dim.to_unit([(64, 32)]).tolist() == [0.25]
    assert dim.index([128, 64]) == 1  # what a journal gives back for the tuple (JSON has lists only)


@pytest.mark.parametrize("searcher", ["random", "tpe"])
def test_tuples_of_different_lengths_work_in_every_searcher(searcher):
    # ragged tuples worked in RandomSearch and crashed in TPE
    space = {"layers": Categorical([(64,), (128, 64), (256, 128, 64)]), "x": Float(0, 1)}
    made = RandomSearch(space, seed=0) if searcher == "random" else TPE(space, seed=0, n_startup=3)
    study = optimize(lambda c: len(c["layers"]) + c["x"], made, n_trials=12, progress=False)
    assert all(t.state == "complete" for t in study.trials)
    assert {t.config["layers"] for t in study.trials} <= {(64,), (128, 64), (256, 128, 64)}


def test_a_nan_choice_can_be_sampled_and_validated():
    # Categorical([None, nan]) could not sample nan: "nan is not one of the choices"
    dim = Categorical([None, math.nan])
    values = [c["v"] for c in Space({"v": dim}).sample(0, 40)]
    assert sum(v is None for v in values) + sum(isinstance(v, float) and math.isnan(v) for v in values) == 40
    assert any(v is None for v in values) and any(v is not None for v in values)
    assert dim.index(float("nan")) == 1 and dim.contains(float("nan")) and math.isnan(dim.python_value(np.nan))


def test_a_grid_too_big_to_list_is_refused_naming_its_size_and_the_fix():
    # GridSearch over 20 float dimensions built 5**20 points until MemoryError
    space = Space({f"x{i}": Float(0, 1) for i in range(20)})
    with pytest.raises(ValueError, match=r"95,367,431,640,625 points.*MAX_GRID_POINTS = 1,000,000.*n_per_dim=2"):
        space.grid()
    with pytest.raises(ValueError, match="95,367,431,640,625 points"):
        GridSearch(space)
    assert len(GridSearch(space, n_per_dim={f"x{i}": 2 if i < 10 else 1 for i in range(20)})) == 2**10
    with pytest.raises(ValueError, match=r"10,000,000 points"):
        Float(0, 1).grid(10**7)
    with pytest.raises(ValueError, match=r"4,000,000 points"):  # a grid given as lists is checked too
        GridSearch({"a": Int(0, 2000), "b": Int(0, 2000)}, grid={"a": list(range(2000)), "b": list(range(2000))})


def test_config_key_is_the_same_for_a_tuple_and_the_list_a_journal_makes_of_it():
    assert config_key({"a": (64, 32), "b": 1}) == config_key({"b": 1, "a": [64, 32]})
    assert config_key({"a": {"k": [1, 2]}}) == config_key({"a": {"k": (1, 2)}})
    assert config_key({"a": math.nan}) == config_key({"a": float("nan")})
