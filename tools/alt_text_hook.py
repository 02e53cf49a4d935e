"""IPython startup file for the site build's kernels (tools/execute.py copies it into their profile).

A matplotlib figure shown inline gets alt text in its output's metadata: {"alt": "Figure: <title>"},
from the figure's suptitle, else its axes' titles, else its axes' labels. IPython's PNG formatter
accepts a (data, metadata) pair from the function registered for Figure; this wraps that function
(IPython.core.pylabtools.print_figure, which the inline backend registers when pyplot is first used).
Only the site build loads this file: the lessons and the library do not change.
"""
import IPython.core.pylabtools as _pylabtools

_print_figure = _pylabtools.print_figure


def _alt_text(fig) -> str:
    from hpo_mini.viz.explorer import alt_text  # the course's one rule (the explorers' pictures use it too);
    return alt_text(fig)                        # imported when a figure is shown: importing hpo_mini.viz at
                                                # start-up would set the palette before a lesson asks for it


def _print_figure_with_alt(fig, *args, **kwargs):
    data = _print_figure(fig, *args, **kwargs)
    if data is None or kwargs.get("fmt", "png") != "png":
        return data
    return data, {"alt": " ".join(_alt_text(fig).split())}


_pylabtools.print_figure = _print_figure_with_alt
