"""The widgets work from the keyboard alone.

`walk_keyboard(lab, widget, name)` walks one explorer in JupyterLab as a keyboard user would: focus on its
first enabled control, then Tab, Tab, ... until Tab leaves the explorer. Every control Tab reaches is
changed with the keys a keyboard user has (an arrow on a slider; Enter on a toggle button or a button;
Space on a check box; on a drop-down Alt+Down to open its list, an arrow and Enter: a plain Down there is
JupyterLab's "next cell", which takes the focus away). After each change the control's own value must have
changed in the page, the kernel must have handled it (gone idle), and the explorer's figure must be a new
one. A slider may take a few steps for that: a step can leave the picture as it was (under "grid", n trials
19 and 20 give the same 4 x 4 grid).

A control that is disabled when Tab reaches it is passed over: the explorers disable a control that does
nothing in the current setting (their sync_controls sets `disabled`: the seed under "grid" in lesson 03,
kappa under EI/PI and xi under UCB in 05, the noise when the length-scale is fitted in 04, the knobs of the
schedules not chosen in 09). So that such a control is walked too, a pass that leaves one disabled and
unchanged is followed by another, in which a toggle group takes a setting it has not had yet; the walk ends
when every control has been changed or no setting is left to try. It fails naming the control: a kind of
control it does not know, Tab never reached it, a key changed nothing (or another control), no new figure,
or it is enabled at the end and was never changed.

tests/browser/test_lessons.py calls it for every explorer of every lesson, right after the lesson's Run
All (a lesson is opened once for both checks). The test here shows the walk on a planted explorer: it
needs three passes to reach a control enabled by the third toggle setting, and it fails on a control
whose change the picture ignores.
"""
from __future__ import annotations

import json
from collections import defaultdict

import pytest

pytestmark = pytest.mark.browser
MAX_TABS = 60  # per pass: an explorer has at most ~20 tab stops (a slider's readout is one too)
MAX_PASSES = 8  # a pass per toggle setting at most; the explorers' largest toggle group has 5
SLIDER_PRESSES = 12  # steps a slider may take before its figure must have changed (16 -> 25 trials: 9)
KEY_TIMEOUT_S = 2  # a key changes its control's value in the page at once (no kernel involved)
# After the kernel has handled a change, the time the page may take to show the picture it sent: short when
# a slider has steps left (a step may legitimately leave the picture as it was), longer before failing.
STEP_GRACE_S = 0.5
GRACE_S = 3.0
REDRAW_TIMEOUT_S = 20  # a ceiling only (a hang detector): a change redraws in well under a second

# The widget's controls in DOM (= Tab) order, found afresh at each call: a view may build a control's
# element again (a slider when it is disabled or enabled), so no element is remembered between calls.
# A control of a kind the walk does not know is listed by `unknownOf`: a new kind fails the walk.
CONTROLS_JS = """
    const labelOf = (box) => {
        const label = box && box.querySelector('.widget-label');
        return label ? label.textContent.trim() : '';
    };
    const controlsOf = (widget) => {
        const found = [];
        const add = (el, kind, group, label, option) =>
            found.push({el, kind, group, label: label || group, option: option || ''});
        widget.querySelectorAll('.widget-slider').forEach((s, g) => {
            const handle = s.querySelector('.noUi-handle');
            if (handle) add(handle, 'slider', 'slider' + g, labelOf(s));
        });
        widget.querySelectorAll('.widget-toggle-buttons').forEach((t, g) => t.querySelectorAll('button')
            .forEach((b) => add(b, 'toggle', 'toggle' + g, labelOf(t), b.textContent.trim())));
        widget.querySelectorAll('select').forEach((s, g) => add(s, 'select', 'select' + g, labelOf(s.parentElement)));
        widget.querySelectorAll('input[type=checkbox]').forEach((c, g) =>
            add(c, 'checkbox', 'checkbox' + g, labelOf(c.closest('.widget-checkbox'))));
        const known = new Set(found.map((c) => c.el));
        widget.querySelectorAll('button').forEach((b, g) => {
            if (!known.has(b)) add(b, 'button', 'button' + g, b.textContent.trim());
        });
        const order = (a, b) => (a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);
        return found.sort(order);
    };
    const unknownOf = (widget, controls) => {
        const known = new Set(controls.map((c) => c.el));
        return [...widget.querySelectorAll('input, select, textarea, button')]
            .filter((e) => !known.has(e)).map((e) => e.outerHTML.slice(0, 120));
    };
    // A slider is disabled through its noUi target: the handle keeps tabindex 0 but ignores keys.
    const disabled = (el) => el.disabled === true || el.closest('.noUi-target[disabled]') !== null;
    // A slider's exact position, from noUiSlider's API on its target (aria-valuenow is rounded: 1.05 and 1.1
    // both read "1.1" on a FloatSlider with step 0.05).
    const sliderOf = (el) => {
        const target = el.closest('.noUi-target');
        const ui = target && target.noUiSlider;
        if (!ui) return null;
        const first = (x) => (Array.isArray(x) ? x[0] : x);
        return {value: Number(ui.get(true)), min: first(ui.options.range.min), max: first(ui.options.range.max)};
    };
    const valueOf = (c) => {
        const at = c.kind === 'slider' ? sliderOf(c.el) : null;
        if (c.kind === 'slider') return at ? String(at.value) : c.el.getAttribute('aria-valuenow');
        if (c.kind === 'toggle') return String(c.el.classList.contains('mod-active'));
        if (c.kind === 'checkbox') return String(c.el.checked);
        return c.kind === 'select' ? c.el.value : '';  // a button has no value: its action changes others
    };
    const stateOf = (widget) => ({images: [...widget.querySelectorAll('img')].map((i) => i.src),
                                  values: controlsOf(widget).map((c) => [c.group, valueOf(c)])});
"""
INVENTORY_JS = f"""(widget) => {{ {CONTROLS_JS}
    const controls = controlsOf(widget);
    return {{controls: controls.map(({{el, ...c}}) => ({{...c, disabled: disabled(el)}})),
             unknown: unknownOf(widget, controls)}};
}}"""
ACTIVE_JS = f"""(widget) => {{ {CONTROLS_JS}
    const el = document.activeElement;
    if (!el || !widget.contains(el)) return {{where: 'outside'}};
    const control = controlsOf(widget).find((c) => c.el === el);
    if (!control) return {{where: 'untagged'}};
    const at = control.kind === 'slider' ? sliderOf(el) : null;
    const near = (a, b) => at !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(at.max - at.min));
    return {{where: 'control', kind: control.kind, group: control.group, label: control.label,
             option: control.option, disabled: disabled(el), active: el.classList.contains('mod-active'),
             atEnd: el.tagName === 'SELECT' ? el.selectedIndex === el.options.length - 1
                                            : at !== null && near(at.value, at.max),
             atStart: at !== null && near(at.value, at.min),
             range: at === null ? '' : `at ${{at.value}} in [${{at.min}}, ${{at.max}}]`}};
}}"""
STATE_JS = f"(widget) => {{ {CONTROLS_JS} return stateOf(widget); }}"
CHANGED_JS = f"""([widget, before]) => {{ {CONTROLS_JS}
    const now = stateOf(widget);
    return JSON.stringify(now.values) !== JSON.stringify(before.values)
        && now.images.length > 0 && JSON.stringify(now.images) !== JSON.stringify(before.images);
}}"""
# Counts the kernel's "idle" statuses (installed once per page): a change a key sent has been handled, and
# its picture (if any) has arrived, when the kernel has gone idle since (iopub keeps the order).
IDLE_COUNT_JS = """() => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const counter = window.__kbdIdle;
    if (!counter || counter.kernel !== kernel) {
        window.__kbdIdle = {kernel, n: 0};
        kernel.statusChanged.connect((_, status) => { if (status === 'idle') window.__kbdIdle.n += 1; });
    }
    return kernel.status === 'idle' ? {n: window.__kbdIdle.n} : null;
}"""
VALUES_CHANGED_JS = f"""([widget, before]) => {{ {CONTROLS_JS}
    return JSON.stringify(stateOf(widget).values) !== JSON.stringify(before.values);
}}"""
IMAGES_CHANGED_JS = f"""([widget, before]) => {{ {CONTROLS_JS}
    const images = stateOf(widget).images;
    return images.length > 0 && JSON.stringify(images) !== JSON.stringify(before.images);
}}"""
SETTLED_JS = f"""([widget, before, idle]) => {{ {CONTROLS_JS}
    const now = stateOf(widget);
    const images = now.images.length > 0 && JSON.stringify(now.images) !== JSON.stringify(before.images);
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const handled = window.__kbdIdle.n > idle && kernel.status === 'idle';
    return images || handled ? {{images, values: now.values}} : false;
}}"""
FOCUS_FIRST_JS = f"""(widget) => {{ {CONTROLS_JS}
    const first = controlsOf(widget).find((c) => !disabled(c.el));
    if (first) first.el.focus();
    return first !== undefined;
}}"""


def _keys_for(active, group_done, may_toggle, direction=None):
    """The keys that change the focused control, or None to pass it over. A slider steps right (left from
    its right end), or on in `direction` until it reaches that end."""
    if active["disabled"]:
        return None
    kind = active["kind"]
    if kind == "toggle":
        return ("Enter",) if may_toggle and not active["active"] else None
    if group_done:
        return None
    if kind == "slider":
        if direction == "ArrowLeft":
            return ("ArrowRight",) if active["atStart"] else ("ArrowLeft",)
        return ("ArrowLeft",) if active["atEnd"] else ("ArrowRight",)
    if kind == "select":  # open the list, the next option, choose it (ArrowDown alone is JupyterLab's: next cell)
        return ("Alt+ArrowDown", "ArrowUp" if active["atEnd"] else "ArrowDown", "Enter")
    return {"checkbox": ("Space",), "button": ("Enter",)}[kind]


def _idle_count(lab, timeout_s):
    """The kernel's idle count, once it is idle (the previous change handled to the end)."""
    counted = lab.page.wait_for_function(f"() => ({IDLE_COUNT_JS})()", polling=50, timeout=timeout_s * 1000)
    return counted.json_value()["n"]


def _figure_changes(lab, handle, before, grace_s) -> bool:
    """Does the figure change within grace_s? (The kernel is idle: a new picture has arrived, but the page
    decodes its bytes asynchronously before the <img> shows it.)"""
    try:
        lab.page.wait_for_function(IMAGES_CHANGED_JS, arg=[handle, before], polling=50, timeout=grace_s * 1000)
        return True
    except Exception:
        return False


def _change(lab, handle, active, what, group_done, may_toggle, timeout_s):
    """Change the focused control with keys until the figure redraws; returns the keys pressed.
    A slider gets up to SLIDER_PRESSES presses (each a step; at an end it turns back): a step may legitimately
    leave the picture as it was (n trials 19 -> 20 under "grid": the same 4 x 4 grid). Other controls: one."""
    pressed = []
    n_presses = SLIDER_PRESSES if active["kind"] == "slider" else 1
    for i in range(n_presses):
        keys = _keys_for(active, group_done, may_toggle, pressed[-1] if pressed else None)
        idle = _idle_count(lab, timeout_s)
        before = handle.evaluate(STATE_JS)
        for key in keys:
            lab.page.keyboard.press(key)
        pressed += keys
        if active["kind"] != "button":  # a button changes values through the kernel; the others at once
            try:
                lab.page.wait_for_function(VALUES_CHANGED_JS, arg=[handle, before], polling=50,
                                           timeout=KEY_TIMEOUT_S * 1000)
            except Exception as exc:
                raise AssertionError(f"{what}: {' '.join(keys)} changed nothing {active['range']}") from exc
        try:
            settled = lab.page.wait_for_function(SETTLED_JS, arg=[handle, before, idle], polling=50,
                                                 timeout=timeout_s * 1000).json_value()
        except Exception as exc:
            raise AssertionError(f"{what}: after {' '.join(keys)} the kernel did not answer within {timeout_s} s"
                                 ) from exc
        if settled["values"] == before["values"]:
            raise AssertionError(f"{what}: {' '.join(keys)} changed nothing")
        if active["kind"] != "button":
            mine = [(b, a) for b, a in zip(before["values"], settled["values"]) if b[0] == active["group"]]
            assert any(b != a for b, a in mine), f"{what}: {' '.join(keys)} changed another control, not this one"
        if settled["images"] or _figure_changes(lab, handle, before, STEP_GRACE_S if i < n_presses - 1 else GRACE_S):
            return pressed
        active = handle.evaluate(ACTIVE_JS)  # where the slider is now: at an end it turns back
    raise AssertionError(f"{what}: {' '.join(pressed)} changed the value, but the kernel redrew no new figure")


def walk_keyboard(lab, widget, name: str, timeout_s: float = REDRAW_TIMEOUT_S) -> dict:
    """Tab through `widget` (a Playwright locator of an explorer's output), changing every control with the
    keyboard and waiting for its figure to redraw; raises AssertionError naming the control that fails.
    A slider, a drop-down, a button, a toggle group (all its buttons) count as one control each. Returns
    {"controls": n, "changed": ["label[=option]: keys", ...], "n_changed": n, "skipped": labels of controls
    disabled whenever Tab reached them, "passes": n, "summary": one line}."""
    widget.scroll_into_view_if_needed()
    handle = widget.element_handle()
    inventory = handle.evaluate(INVENTORY_JS)
    assert not inventory["unknown"], f"{name}: controls the keyboard walk does not know: {inventory['unknown']}"
    assert inventory["controls"], f"{name}: no control"
    groups = {c["group"]: c["label"] for c in inventory["controls"]}
    reached, changed, keys = set(), set(), []
    tried = defaultdict(set)  # toggle group -> the settings Enter chose so far
    passes = 0
    while passes < MAX_PASSES and changed != set(groups):
        passes += 1
        # controls still to change that are disabled now: a toggle may take a new setting to enable them
        waiting = {c["group"] for c in handle.evaluate(INVENTORY_JS)["controls"] if c["disabled"]} - changed
        toggled, progress, inside = set(), False, False
        assert handle.evaluate(FOCUS_FIRST_JS), f"{name}: every control is disabled"
        for _ in range(MAX_TABS):
            active = handle.evaluate(ACTIVE_JS)
            if active["where"] == "outside" and inside:
                break  # Tab left the explorer: the pass is over
            inside = inside or active["where"] != "outside"
            if active["where"] == "control":
                group = active["group"]
                reached.add(group)
                may_toggle = (group not in toggled and active["option"] not in tried[group]
                              and (group not in changed or bool(waiting)))
                if _keys_for(active, group in changed, may_toggle):
                    option = f"={active['option']}" if active["option"] else ""
                    what = f"{name}: {active['kind']} {active['label']!r}{option}"
                    press = _change(lab, handle, active, what, group in changed, may_toggle, timeout_s)
                    changed.add(group)
                    progress = True
                    keys.append(f"{active['label']}{option}: {' '.join(press)}")
                    if active["kind"] == "toggle":
                        toggled.add(group)
                        tried[group].add(active["option"])
            lab.page.keyboard.press("Tab")
        if not progress:
            break
    enabled = {c["group"] for c in handle.evaluate(INVENTORY_JS)["controls"] if not c["disabled"]}
    assert enabled <= reached, f"{name}: Tab never reached {sorted(groups[g] for g in enabled - reached)}"
    assert enabled <= changed, (
        f"{name}: enabled but not changed from the keyboard: {sorted(groups[g] for g in enabled - changed)}")
    skipped = sorted(groups[g] for g in set(groups) - changed)
    summary = (f"{name}: {len(changed)}/{len(groups)} controls changed in {passes} pass(es): {'; '.join(keys)}"
               + (f" | disabled whenever reached: {skipped}" if skipped else ""))
    return {"controls": len(groups), "changed": keys, "n_changed": len(changed), "skipped": skipped,
            "passes": passes, "summary": summary}


PLANTED_EXPLORER = '''
import ipywidgets as widgets
from matplotlib.figure import Figure
from hpo_mini.viz.explorer import Explorer


class Planted(Explorer):
    """b does something only under mode "three" (disabled otherwise); `ignore_pick`: the picture ignores pick."""

    def __init__(self, ignore_pick=False):
        self.ignore_pick = ignore_pick
        self.a = widgets.IntSlider(value=0, min=0, max=3, description="a")
        self.mode = widgets.ToggleButtons(options=("one", "two", "three"), description="mode")
        self.b = widgets.IntSlider(value=5, min=0, max=5, description="b")
        self.pick = widgets.Dropdown(options=("x", "y"), description="pick")
        self.step = widgets.Button(description="step")
        self.step.on_click(lambda _: setattr(self.a, "value", (self.a.value + 1) % 4))
        self._setup([widgets.HBox([self.a, self.mode]), widgets.HBox([self.b, self.pick, self.step])],
                    [self.a, self.mode, self.b, self.pick])

    def sync_controls(self):
        self.b.disabled = self.mode.value != "three"

    def key(self):
        b = () if self.b.disabled else (self.b.value,)
        return (self.a.value, self.mode.value, None if self.ignore_pick else self.pick.value) + b

    def compute(self, key):
        return key

    def draw(self, data):
        fig = Figure(figsize=(3, 1))
        fig.text(0.05, 0.4, repr(data))
        return fig
'''


def _notebook(*sources):
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
              "source": source} for i, source in enumerate(sources)]
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}}}


def test_the_walk_reaches_a_control_enabled_by_a_later_setting_and_fails_on_one_the_figure_ignores(lab):
    path = lab.server.root_dir / "keyboard_planted.ipynb"
    path.write_text(json.dumps(_notebook(PLANTED_EXPLORER, "Planted()", "Planted(ignore_pick=True)")))
    lab.open(path.name)
    lab.run_all()
    lab.assert_ran_cleanly()
    good, bad = lab.slider_widgets(wait_s=10)
    walk = walk_keyboard(lab, good, "planted")
    # pass 1 sets mode "two" (b stays disabled), pass 2 "one", pass 3 "three": b enabled, changed
    assert walk["passes"] == 3 and walk["skipped"] == [], walk["summary"]
    assert [k.split(":")[0] for k in walk["changed"]] == [
        "a", "mode=two", "pick", "step", "mode=one", "mode=three", "b"], walk["summary"]
    with pytest.raises(AssertionError, match=r"select 'pick'.*changed the value, but the kernel redrew no new figure"):
        walk_keyboard(lab, bad, "planted, pick ignored")
