"""The one widget base of the course: controls above a picture that a plain function draws.

An explorer is a row of ipywidgets controls above an image. The picture comes from plain functions
of the topic's module (`coverage_data` and `plot_coverage` in `viz/sampling.py`, ...), which tests and
notebooks call without a browser; the explorer only wires the controls to them. A subclass says:

    key()          what the picture depends on, read from the controls: a hashable tuple; a control that
                   does not matter now (kappa under EI, a disabled slider) is left out: moving it costs nothing
    compute(key)   the data for that key (cache here whatever is slow and does not depend on every control)
    draw(data)     a matplotlib Figure of the data: a call to the module's plain figure function
    caption(data)  optional text shown above the picture (a summary line, a table)
    sync_controls() optional: enable or disable controls for the current setting

A picture with a still part (axes, limits, a background) and a moving part defines instead of draw:
frame_key(key), what the still part depends on (default None: none); draw_frame(data), a Figure with the
still part; draw_moving(figure, data), the moving part drawn on it, returning its artists (titles
included). The still part is rendered once per frame_key; a change within it restores those pixels and
draws only the moving artists (blitting). The plain figure function is draw_frame then draw_moving.
A new frame costs a new figure (new artists and ticks: about twice a redraw), unless the explorer defines
update_frame(figure, data): change the still artists (lines' data, limits, titles) in place, True if it
could; the figure on screen is then drawn again with its layout solved (frame_key None: the whole figure).

When a control changes, `refresh` asks for the key. The same key as on screen: nothing happens. A key
seen recently: its picture is shown again from a small cache. Otherwise: compute, draw, encode the PNG.
After each refresh `data`, `figure`, `png` hold what is shown and `n_draws` counts the pictures shown (for
a picture from the cache, `figure` is drawn again when asked for: figures' many small objects would slow
the garbage collector). The picture's `tooltip` (the <img> title, its accessible name) is `alt_text`.

Feedback while busy: before computing a new key the status line says "computing ..." (a compute may say
more with `busy(message)`), and is emptied when the picture is shown or the compute fails. The kernel runs
one message at a time, but ipywidgets sends each trait change as a comm message at once, through
ipykernel's IOPub thread, which sends while the main thread computes: the line shows during the compute.
Sliders send their value when released (`continuous_update=False`): a drag costs one picture; a change
made during a compute waits in the kernel's queue and is shown next.

Fast (benchmarks/widget_latency.py measures it): one BLAS thread; an Agg canvas per figure at DPI, a low
zlib level; the constrained layout (and the titles' places) solved once per figure shape and reused, solved
again on the same figure when a tick label, axis label or title outgrew it (N_LAYOUTS kept per shape); one
mathtext parser for all canvases (it keeps the parsed 10^k labels of log axes); update_frame in place.

    from hpo_mini.viz.sampling import coverage_explorer
    explorer = coverage_explorer()  # as a cell's last expression: shows the controls and the figure
    explorer.n.value = 25           # the figure redraws; explorer.data / explorer.png hold the result
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
from traitlets import Unicode

__all__ = ["DPI", "alt_text", "figure_png", "empty_axes", "Explorer"]

DPI = 72  # dots per inch of an explorer's picture: a 7.5-inch figure is 540 pixels wide
PNG_COMPRESS_LEVEL = 1  # zlib level: encodes several times faster than the default 6, files ~10% larger
N_CACHED_PICTURES = 24  # pictures kept per explorer, so going back to a setting shows it at once
N_LAYOUTS = 4  # constrained layouts kept per figure shape, each with the text sizes it was solved for
# Small matrices: a second BLAS thread only waits for the first, long on a busy 2-core machine (a GP's
# posterior samples on 301 points: 0.95 s with 2 threads, 0.009 s with 1).
BLAS_THREADS = 1
BUSY = "computing ..."  # the status line while a new key is computed

# Each Agg renderer has its own mathtext parser and matplotlib caches parses per parser: each new figure
# parsed its log axes' 10^k labels again (~10 ms a label). One parser for all canvases keeps the parses.
_MATHTEXT = MathTextParser("path")  # the output type RendererAgg builds its own with


def alt_text(fig) -> str:
    """A text description of a Figure from its titles, the rule of the site's alt text: "Figure: " and the
    suptitle; else each axes' titles (left, centre, right; axes joined by "; "); else, for axes without a
    title, "<y label> against <x label>"; "Figure (untitled)" if there is none. Whitespace collapsed."""
    suptitle = fig.get_suptitle().strip()
    titles, labels = [], []  # per axes
    for ax in fig.get_axes():
        title = " ".join(t for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if t.strip())
        if title:
            titles.append(title)
        elif ax.get_xlabel() or ax.get_ylabel():
            labels.append(f"{ax.get_ylabel() or 'value'} against {ax.get_xlabel() or 'index'}")
    parts = [suptitle] if suptitle else titles or labels
    return " ".join(("Figure: " + "; ".join(parts) if parts else "Figure (untitled)").split())


class _Picture(widgets.Image):
    """An Image whose `tooltip` is the <img> title (its accessible name): ipywidgets 8.1's front end reads the
    model's description, which an Image lacks, and fails without one (jupyter-widgets/ipywidgets#3860)."""

    description = Unicode("").tag(sync=True)


def _canvas(fig) -> FigureCanvasAgg:
    """fig's Agg canvas (a new one if it has none) with a renderer that uses the shared mathtext parser."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
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
    fig.set_dpi(dpi)
    previous, canvas = fig.canvas, _canvas(fig)
    canvas.draw()
    fig.set_canvas(previous)  # a pyplot figure keeps its own canvas
    return _encode(canvas)


def empty_axes(fig) -> list:
    """The axes of `fig`, emptied for a plot function to draw on them again (an explorer's update_frame):
    what plotting added removed (artists, containers, legends, the suptitle), data limits and autoscaling
    reset; the axes, ticks, scales, labels and layout kept. The same calls then draw what a new figure shows
    if the plot function sets every property it changes (scales, limits, titles) unconditionally."""
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
    """The sizes of the texts a constrained layout makes room for (a layout solved for them fits any figure
    of the same shape whose sizes are all <=): characters of the tick labels, axis labels, offset texts and
    side titles; lines of the suptitle and titles; pixels by which a title is wider than its axes. Asking
    for the tick labels formats them, so this works before a draw as well as after one."""
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
        self.status = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))  # always there: nothing jumps
        self.text = widgets.HTML()
        self.image = _Picture(format="png")
        self.data = self._figure = self.png = None
        self.n_draws = 0
        self._controls = tuple(controls)
        self._shown = object()  # the key on screen (none yet)
        self._pictures = OrderedDict()  # key -> (data, png, alt text), the most recent last (no figures: big)
        self._layouts = {}  # shape -> [(axes boxes, _text_sizes solved for, shape, engine, suptitle y, titles' y)]
        self._blas = ThreadpoolController()  # after the topic's imports: it sees numpy's and scipy's BLAS
        self._frame = None  # (frame_key, figure, canvas, background pixels, moving artists, layout solved)
        super().__init__(children=[*rows, self.status, self.text, self.image])
        for control in self._controls:
            if hasattr(control, "continuous_update"):
                control.continuous_update = False  # one redraw when a drag ends, not one per position
            control.observe(self.refresh, names="value")
        self.refresh()

    controls = property(lambda self: self._controls)

    @property
    def figure(self):
        """The Figure on screen (drawn again from `data` if the picture came from the cache)."""
        if self._figure is None and self.data is not None:
            self._figure = self.draw(self.data)
        return self._figure

    # -- what a subclass defines -------------------------------------------------------------------
    def _undefined(self, *args):
        raise NotImplementedError(f"{type(self).__name__} does not define this method (see viz/explorer.py)")

    # key() -> tuple, compute(key) -> data, and (with a frame) draw_frame(data), draw_moving(figure, data)
    key = compute = draw_frame = draw_moving = _undefined

    def draw(self, data):
        """The whole picture; with a frame, draw_frame and draw_moving on it."""
        figure = self.draw_frame(data)
        self.draw_moving(figure, data)
        return figure

    def caption(self, data) -> str | None:  # optional: text above the picture
        return None

    def frame_key(self, key):
        """What the still part of the picture depends on; None (the default): draw(data) draws it whole."""
        return None

    def update_frame(self, figure, data) -> bool:
        """Optional: change `figure`'s still part (the whole figure when frame_key is None), drawn for another
        key, to show `data` as draw_frame(data) (or draw(data)) would: set the artists' data, limits and
        texts in place and return True (no new artists, ticks or layout). Default False: a new figure."""
        return False

    def sync_controls(self):
        """Enable or disable controls for the current setting (default: nothing to do)."""

    # -- the machinery -----------------------------------------------------------------------------
    def busy(self, message: str = BUSY):
        """Say `message` in the status line above the picture until the new picture is shown."""
        self.status.value = f"<i>{html.escape(message)}</i>"

    def refresh(self, change=None):
        """Show the picture for the controls' current values (nothing to do if it is already shown)."""
        self.sync_controls()
        key = self.key()
        if key == self._shown:
            return
        if key in self._pictures:
            self._pictures.move_to_end(key)
            (data, png, alt), figure = self._pictures[key], None
        else:
            self.busy()  # sent to the front end now, before the compute (see the module docstring)
            try:
                with self._blas.limit(limits=BLAS_THREADS, user_api="blas"):
                    data = self.compute(key)
                    figure, png = self._picture(key, data)
            finally:
                self.status.value = ""
            alt = alt_text(figure)
            self._pictures[key] = (data, png, alt)
            if len(self._pictures) > N_CACHED_PICTURES:
                self._pictures.popitem(last=False)
        self.data, self._figure, self.png, self._shown = data, figure, png, key
        text = self.caption(data)
        self.text.value = "" if text is None else f"<pre>{html.escape(text)}</pre>"
        self.image.value, self.image.tooltip = png, alt
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

    def _remove_moving(self):
        titles = [ax.title for ax in self._frame[1].axes]
        for artist in self._frame[4]:
            if not any(artist is title for title in titles):  # a title is set again, not removed
                artist.remove()

    def _blit(self, data) -> bytes | None:
        """Redraw only the moving part on the frame's pixels; None if a text grew out of the frame's layout."""
        frame, figure, canvas, background, _, solved = self._frame
        self._remove_moving()
        self._frame = None  # until drawn
        moving = self.draw_moving(figure, data)
        canvas.restore_region(background)
        _draw_moving(figure, moving)
        if solved is not None and not _fits(_text_sizes(figure), solved[1]):
            return None  # a new frame, laid out for the longer text
        self._frame = (frame, figure, canvas, background, moving, solved)
        return _encode(canvas)

    def _update(self, frame, data, whole) -> bytes | None:
        """Show `data` on the frame's figure: still artists changed in place (`update_frame`), moving ones
        drawn again, the canvas drawn with a solved layout that the texts fit, or with the layout solved
        again for them. None (and no frame) when update_frame cannot: the caller draws a new figure."""
        figure, solved = self._frame[1], self._frame[5]
        self._remove_moving()
        self._frame = None  # half-updated until drawn: no frame unless this succeeds
        if not self.update_frame(figure, data):
            return None
        moving = [] if whole else self.draw_moving(figure, data)
        png, canvas, background, solved = self._render(figure, moving, solved and solved[3])
        self._frame = (frame, figure, canvas, background, moving, solved)
        return png

    def _fitting_layout(self, fig, shape):
        """The most recent layout solved for `shape` that fig's texts fit, applied to fig; None if none fits."""
        for solved in reversed(self._layouts.get(shape, ())):
            for ax, box in zip(fig.axes, solved[0]):
                ax.set_position(box)
                ax.set_in_layout(True)  # set_position takes an axes out of layouts; keep it in for a re-solve
            if fig._suptitle is not None:  # where the layout put it (fig.suptitle(text) puts it back at 0.98)
                fig._suptitle.set_y(solved[4])
            for ax, y in zip(fig.axes, solved[5]):  # the titles where that draw put them, not placed again
                ax._autotitlepos = False  # (placing them measures the y axis: 1/6 of a draw)
                for title in (ax.title, ax._left_title, ax._right_title):
                    title.set_y(y)
            if _fits(_text_sizes(fig), solved[1]):  # the tick labels are known before drawing
                return solved
        return None

    def _render(self, fig, moving=(), engine=None):
        """(PNG, canvas, pixels without the `moving` artists, the layout used) of `fig`, reusing a
        constrained layout solved for an earlier figure of the same shape whose texts were as long, else
        solving it. engine: fig's layout engine, if an earlier _render set it aside (to re-solve in place)."""
        engine = engine or fig.get_layout_engine()
        fig.set_dpi(self.dpi)
        canvas = _canvas(fig)
        solves = engine is not None and not isinstance(engine, PlaceHolderLayoutEngine)  # not layout="none"
        shape = _layout_shape(fig) if solves else None
        if shape in self._layouts:
            fig.set_layout_engine("none")
            solved = self._fitting_layout(fig, shape)
            if solved is not None:
                background = _draw_still_and_moving(canvas, fig, moving)
                if _fixed_boxes(fig) or _fits(_text_sizes(fig), solved[1]):  # an aspect ratio may move ticks
                    return _encode(canvas), canvas, background, solved
        if shape is not None:
            fig.set_layout_engine(engine)  # new, or some text grew: solve the layout (again) for it
            for ax in fig.axes:
                ax._autotitlepos = None  # placed by the draw, above any offset text
        background = _draw_still_and_moving(canvas, fig, moving)
        if shape is None:
            return _encode(canvas), canvas, background, None
        solved = ([ax.get_position(original=True) for ax in fig.axes], _text_sizes(fig), shape, engine,
                  fig._suptitle.get_position()[1] if fig._suptitle is not None else None,
                  [ax.title.get_position()[1] for ax in fig.axes])
        self._layouts[shape] = [*self._layouts.get(shape, [])[-(N_LAYOUTS - 1):], solved]
        fig.set_layout_engine("none")  # solved: keep these positions for the frame's moving parts
        return _encode(canvas), canvas, background, solved


def _fixed_boxes(fig) -> bool:
    """Does drawing leave every axes' box where the layout put it (no aspect ratio to apply)?"""
    return all(ax.get_aspect() == "auto" and ax.get_box_aspect() is None for ax in fig.axes)


def _fits(sizes, solved_for) -> bool:  # every text as long as the layout was solved for, or shorter
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
