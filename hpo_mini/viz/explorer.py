"""The one widget base of the course: controls above a picture that a plain function draws.

An explorer is a row of ipywidgets controls above an image. The picture comes from plain functions
of the topic's module (`coverage_data` and `plot_coverage` in `viz/sampling.py`, ...), which tests and
notebooks call without a browser; the explorer only wires the controls to them. A subclass says:

    key()          what the picture depends on, read from the controls: a hashable tuple. A control
                   that does not matter in the current setting (kappa under EI, a disabled slider)
                   is left out, so moving it costs nothing.
    compute(key)   the data for that key (cache here whatever is slow and does not depend on every control)
    draw(data)     a matplotlib Figure of the data: a call to the module's plain figure function
    caption(data)  optional text shown above the picture (a summary line, a table)
    sync_controls() optional: enable or disable controls for the current setting

An explorer whose picture has a still part (axes, limits, labels, a background) and a moving part
defines instead of draw(data):

    frame_key(key)            what the still part depends on (default None: no still part)
    draw_frame(data)          a Figure with the still part
    draw_moving(figure, data) the moving part drawn on it; returns the artists it drew (titles included)

The still part is rendered once per frame_key; a change within the frame restores those pixels and
draws only the moving artists on them (matplotlib's blitting). The module's plain figure function is
draw_frame followed by draw_moving, so the lesson's figure and the explorer's are one drawing.

A new frame costs a new figure: new artists, new ticks, all of it drawn for the first time (about twice a
redraw of the same figure). An explorer may define

    update_frame(figure, data)  change the frame's still artists (lines' data, limits, titles) in place
                                to show `data`; True if it could (the default: False, draw a new figure)

and a change of frame then updates the figure on screen and draws it again with the layout already
solved. With frame_key None, update_frame updates the whole figure that draw(data) drew.

When a control changes, `refresh` asks for the key. The same key as on screen: nothing happens. A key
seen recently: its picture is shown again from a small cache. Otherwise: compute, draw, encode the PNG.
After each refresh `data`, `figure`, `png` hold what is shown and `n_draws` counts the pictures shown
(with a frame, `figure` is the frame's figure, with the moving part last drawn on it; for a picture
from the cache, `figure` is drawn again when asked for: the cache keeps data and PNGs, not figures,
whose many small objects would slow Python's garbage collector). A slow compute
calls `busy(message)`: the message shows above the picture until the new picture replaces it.

What keeps an interaction fast (benchmarks/widget_latency.py measures it):
- sliders send their value when released (`continuous_update=False`), not at every pixel of a drag;
- computing and drawing run with one BLAS thread (BLAS_THREADS);
- the figure is rendered on its own Agg canvas at DPI dots per inch and encoded with a low zlib level,
  not through `savefig`, which runs a constrained layout twice before drawing;
- the constrained layout is solved once per figure shape and reused: it costs as much as drawing the
  figure. It is solved again when a tick label or axis label has grown longer than the ones it was
  solved for, or a title no longer fits above its axes, so growing text never runs into a neighbour
  or off the edge; the last N_LAYOUTS solutions are kept, and the most recent one the texts fit is used;
- all canvases share one mathtext parser, whose cache keeps the parsed 10^k labels of log axes;
- a new key updates the figure on screen in place when the explorer defines update_frame.

    from hpo_mini.viz.sampling import coverage_explorer
    explorer = coverage_explorer()
    explorer                      # last expression of a notebook cell: shows the controls and figure
    explorer.n.value = 25         # the figure redraws; explorer.data / explorer.png hold the result
"""

from __future__ import annotations

import html
import io
from collections import OrderedDict

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import imsave
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.mathtext import MathTextParser
from matplotlib.transforms import Bbox
from threadpoolctl import ThreadpoolController

__all__ = ["DPI", "figure_png", "empty_axes", "Explorer"]

DPI = 72  # dots per inch of an explorer's picture: a 7.5-inch figure is 540 pixels wide
PNG_COMPRESS_LEVEL = 1  # zlib level: encodes several times faster than the default 6, files ~10% larger
N_CACHED_PICTURES = 24  # pictures kept per explorer, so going back to a setting shows it at once
N_LAYOUTS = 4  # constrained layouts kept per figure shape, each with the text sizes it was solved for
# The matrices behind a picture are small: a second BLAS thread only waits for the first, and on a busy
# 2-core machine it waits long (a GP's posterior samples on 301 points: 0.95 s with 2 threads, 0.009 s with 1).
BLAS_THREADS = 1


# Each Agg renderer has its own mathtext parser and matplotlib caches parses per parser: each new figure
# parsed its log axes' 10^k labels again (~10 ms a label). One parser for all canvases keeps the parses.
_MATHTEXT = MathTextParser("path")  # the output type RendererAgg builds its own with


def _canvas(fig) -> FigureCanvasAgg:
    """An Agg canvas for `fig` whose renderer uses the shared mathtext parser (same pixels, parsed once)."""
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    if hasattr(renderer, "mathtext_parser"):
        renderer.mathtext_parser = _MATHTEXT
    return canvas


def _encode(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's pixels as PNG bytes (drawn already: no second draw, unlike savefig)."""
    buffer = io.BytesIO()
    imsave(buffer, np.asarray(canvas.buffer_rgba()), format="png", pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return buffer.getvalue()


def figure_png(fig, dpi: int = DPI) -> bytes:
    """A Figure as PNG bytes (what an explorer shows as an <img>): drawn once with Agg at `dpi`."""
    previous = fig.canvas
    fig.set_dpi(dpi)
    canvas = _canvas(fig)
    canvas.draw()
    png = _encode(canvas)
    if not isinstance(previous, FigureCanvasAgg):  # give a pyplot figure its own canvas back
        fig.set_canvas(previous)
    return png


def empty_axes(fig) -> list:
    """The axes of `fig`, emptied for a plot function to draw on them again (an explorer's update_frame).

    Removes what plotting added (lines, collections, patches, texts, images, containers, legends, the
    figure's legends and suptitle) and resets each axes' data limits and autoscaling; keeps the axes, their ticks, scales,
    labels and layout. Drawing the same calls on them then gives the picture a new figure would give, if
    the plot function sets unconditionally every property it changes (scales, limits, labels, titles).
    """
    for ax in fig.axes:
        for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.images, *ax.artists]:
            artist.remove()
        if ax.legend_ is not None:
            ax.legend_.remove()
        ax.containers.clear()  # a bar chart's containers, which a legend would still list
        ax.dataLim.set_points(Bbox.null().get_points())
        ax.ignore_existing_data_limits = True
        ax.set_autoscale_on(True)
    for legend in list(fig.legends):
        legend.remove()
    if fig.get_suptitle():
        fig.suptitle("")
    return list(fig.axes)


def _layout_shape(fig) -> tuple:
    """What a constrained layout's solution depends on, apart from the text: size, grid, suptitle."""
    grids = []
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        grid = spec.get_gridspec() if spec is not None else None
        grids.append(None if spec is None else (spec.get_geometry(), tuple(grid.get_width_ratios() or ()),
                                                 tuple(grid.get_height_ratios() or ())))
    return tuple(fig.get_size_inches()), tuple(grids), bool(fig.get_suptitle())


def _text_sizes(fig) -> tuple:
    """The sizes of the texts a constrained layout makes room for, one number each: a layout solved for
    these sizes fits any figure of the same shape whose sizes are all <= them.

    Characters of the tick labels, axis labels, offset texts and side titles; lines of the suptitle and
    of each title; and by how many pixels a title is wider than its axes (0 when it fits above it).
    Asking for the tick labels formats them, so this works before a draw as well as after one.
    """
    def longest(texts):
        return max((len(t.get_text()) for t in texts if t.get_visible()), default=0)

    sizes = [fig.get_suptitle().count("\n")]
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            sizes += [longest(axis.get_ticklabels()), longest(axis.get_ticklabels(minor=True)),  # formats the ticks,
                      len(axis.get_label_text()), len(axis.get_major_formatter().get_offset())]  # and so the offset
        title = ax.title
        overflow = title.get_window_extent().width - ax.bbox.width if title.get_text() else 0.0
        sizes += [len(ax.get_title("left")), len(ax.get_title("right")), title.get_text().count("\n"),
                  max(0, int(np.ceil(overflow)))]
    return tuple(sizes)


class Explorer(widgets.VBox):
    """Controls above a picture; subclasses define key, compute and draw (see the module docstring)."""

    dpi = DPI

    def _setup(self, rows, controls):
        """Lay out `rows` (boxes of controls) above the picture, observe `controls`, draw the first picture."""
        self.status = widgets.HTML(layout=widgets.Layout(display="none"))
        self.text = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.data = self._figure = self.png = None
        self.n_draws = 0
        self._controls = tuple(controls)
        self._shown = object()  # the key on screen (none yet)
        self._pictures = OrderedDict()  # key -> (data, png), the most recent last (no figures: they are big)
        self._layouts = {}  # figure shape -> [(axes positions, the _text_sizes they were solved for, shape)]
        self._blas = ThreadpoolController()  # after the topic's imports: it sees numpy's and scipy's BLAS
        self._frame = None  # (frame_key, figure, canvas, background pixels, moving artists, layout shape)
        super().__init__(children=[*rows, self.status, self.text, self.image])
        for control in self._controls:
            if hasattr(control, "continuous_update"):
                control.continuous_update = False  # one redraw when a drag ends, not one per position
            control.observe(self.refresh, names="value")
        self.refresh()

    @property
    def controls(self) -> tuple:
        return self._controls

    @property
    def figure(self):
        """The Figure on screen (drawn again from `data` if the picture came from the cache)."""
        if self._figure is None and self.data is not None:
            self._figure = self.draw(self.data)
        return self._figure

    # -- what a subclass defines -------------------------------------------------------------------
    def key(self) -> tuple:
        raise NotImplementedError

    def compute(self, key):
        raise NotImplementedError

    def draw(self, data):
        """The whole picture; with a frame, draw_frame and draw_moving on it."""
        figure = self.draw_frame(data)
        self.draw_moving(figure, data)
        return figure

    def caption(self, data) -> str | None:
        return None

    def frame_key(self, key):
        """What the still part of the picture depends on; None (the default): draw(data) draws it whole."""
        return None

    def draw_frame(self, data):
        raise NotImplementedError

    def draw_moving(self, figure, data) -> list:
        raise NotImplementedError

    def update_frame(self, figure, data) -> bool:
        """Optional: change `figure`'s still part (the whole figure when frame_key is None), drawn for another
        key, to show `data` as draw_frame(data) (or draw(data)) would: set the artists' data, limits and
        texts in place and return True (no new artists, ticks or layout). Default False: a new figure."""
        return False

    def sync_controls(self):
        """Enable or disable controls for the current setting (default: nothing to do)."""

    # -- the machinery -----------------------------------------------------------------------------
    def busy(self, message: str = "computing ..."):
        """Show `message` above the picture until the next picture is shown (for slow computations)."""
        self.status.value = f"<i>{html.escape(message)}</i>"
        self.status.layout.display = None

    def refresh(self, change=None):
        """Show the picture for the controls' current values (nothing to do if it is already shown)."""
        self.sync_controls()
        key = self.key()
        if key == self._shown:
            return
        if key in self._pictures:
            self._pictures.move_to_end(key)
            (data, png), figure = self._pictures[key], None
        else:
            with self._blas.limit(limits=BLAS_THREADS, user_api="blas"):
                data = self.compute(key)
                figure, png = self._picture(key, data)
            self._pictures[key] = (data, png)
            if len(self._pictures) > N_CACHED_PICTURES:
                self._pictures.popitem(last=False)
        self.data, self._figure, self.png, self._shown = data, figure, png, key
        text = self.caption(data)
        self.status.layout.display = "none"  # before the picture, so nothing says "computing" beside it
        self.text.value = "" if text is None else f"<pre>{html.escape(text)}</pre>"
        self.image.value = png
        self.n_draws += 1

    def _picture(self, key, data):
        """(figure, PNG) for `data`: its moving part drawn on the current frame, the frame's data updated
        in place, or drawn whole."""
        frame = self.frame_key(key)
        whole = frame is None
        if whole:
            if type(self).update_frame is Explorer.update_frame:  # no in-place update: a new figure each time
                figure = self.draw(data)
                return figure, self._render(figure)[0]
            frame = ("whole", key)  # the whole picture is the frame; nothing moves on it
        if self._frame is not None and self._frame[0] == frame:
            png = self._blit(data)
            if png is not None:
                return self._frame[1], png
        elif self._frame is not None:
            png = self._update(frame, data, whole)
            if png is not None:
                return self._frame[1], png
        figure = self.draw(data) if whole else self.draw_frame(data)
        moving = [] if whole else self.draw_moving(figure, data)
        png, canvas, background, solved = self._render(figure, moving)
        self._frame = (frame, figure, canvas, background, moving, solved)
        return figure, png

    def _blit(self, data) -> bytes | None:
        """Redraw only the moving part on the frame's pixels; None if a text grew out of the frame's layout."""
        frame, figure, canvas, background, moving, solved = self._frame
        titles = [ax.title for ax in figure.axes]
        for artist in moving:
            if not any(artist is title for title in titles):  # a title is set again, not removed
                artist.remove()
        moving = self.draw_moving(figure, data)
        canvas.restore_region(background)
        _draw_moving(figure, moving)
        self._frame = (frame, figure, canvas, background, moving, solved)
        if solved is not None and not _fits(_text_sizes(figure), solved[1]):
            self._frame = None  # a new frame, laid out for the longer text
            return None
        return _encode(canvas)

    def _update(self, frame, data, whole) -> bytes | None:
        """Show `data` on the frame's figure: still artists changed in place (`update_frame`), moving ones
        drawn again, the canvas drawn with a solved layout that the texts fit. None (and no frame) when
        update_frame cannot or no solved layout fits: the caller draws a new figure."""
        _, figure, canvas, _, moving, solved = self._frame
        titles = [ax.title for ax in figure.axes]
        for artist in moving:
            if not any(artist is title for title in titles):
                artist.remove()
        self._frame = None  # half-updated until drawn: no frame unless this succeeds
        if not self.update_frame(figure, data):
            return None
        moving = [] if whole else self.draw_moving(figure, data)
        if solved is not None:
            solved = self._fitting_layout(figure, solved[2])
            if solved is None:
                return None
        background = _draw_still_and_moving(canvas, figure, moving)
        if solved is not None and not _fits(_text_sizes(figure), solved[1]):
            return None
        self._frame = (frame, figure, canvas, background, moving, solved)
        return _encode(canvas)

    def _fitting_layout(self, fig, shape):
        """The most recent layout solved for `shape` that fig's texts fit, applied to fig; None if none fits."""
        for boxes, sizes, _ in reversed(self._layouts.get(shape, ())):
            for ax, box in zip(fig.axes, boxes):
                ax.set_position(box)
                ax.set_in_layout(True)  # set_position takes an axes out of layouts; keep it in for a re-solve
            if _fits(_text_sizes(fig), sizes):  # the tick labels are known before drawing
                return boxes, sizes, shape
        return None

    def _render(self, fig, moving=()):
        """(PNG, canvas, pixels without the `moving` artists, the layout used) of `fig`, reusing a
        constrained layout solved for an earlier figure of the same shape whose texts were as long.
        N_LAYOUTS are kept per shape: texts that take turns at being the longest re-solve only once."""
        engine = fig.get_layout_engine()
        fig.set_dpi(self.dpi)
        canvas = _canvas(fig)
        shape = _layout_shape(fig) if _solves_layout(fig) else None
        if shape in self._layouts:
            fig.set_layout_engine("none")
            solved = self._fitting_layout(fig, shape)
            if solved is not None:
                background = _draw_still_and_moving(canvas, fig, moving)
                if _fits(_text_sizes(fig), solved[1]):  # ...and after (an aspect ratio may move ticks)
                    return _encode(canvas), canvas, background, solved
            fig.set_layout_engine(engine)  # some text grew: solve the layout again for it
        background = _draw_still_and_moving(canvas, fig, moving)
        if shape is None:
            return _encode(canvas), canvas, background, None
        solved = ([ax.get_position(original=True) for ax in fig.axes], _text_sizes(fig), shape)
        self._layouts[shape] = [*self._layouts.get(shape, [])[-(N_LAYOUTS - 1):], solved]
        fig.set_layout_engine("none")  # solved: keep these positions for the frame's moving parts
        return _encode(canvas), canvas, background, solved


def _solves_layout(fig) -> bool:
    """Does `fig` have a layout engine to solve (not none, nor the placeholder that layout="none" leaves)?"""
    engine = fig.get_layout_engine()
    return engine is not None and not isinstance(engine, PlaceHolderLayoutEngine)


def _fits(sizes, solved_for) -> bool:
    return all(new <= old for new, old in zip(sizes, solved_for))


def _draw_moving(figure, moving):
    for artist in sorted(moving, key=lambda a: a.get_zorder()):  # stable: same zorder, drawing order
        figure.draw_artist(artist)


def _draw_still_and_moving(canvas, figure, moving):
    """Draw the figure without `moving`, copy those pixels (the frame's background), draw `moving` on them."""
    for artist in moving:
        artist.set_animated(True)  # canvas.draw() leaves animated artists out
    canvas.draw()
    background = canvas.copy_from_bbox(figure.bbox) if moving else None
    for artist in moving:
        artist.set_animated(False)  # the figure stays whole for anyone who draws it later
    _draw_moving(figure, moving)
    return background
