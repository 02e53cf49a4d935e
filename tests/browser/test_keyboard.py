"""The widgets work from the keyboard alone: in JupyterLab, after Run All, focus goes to an explorer's
first control and Tab walks through it; every control is reached by Tab, and each one changes with the
keys a keyboard user has (arrows on a slider or a drop-down, Enter on a toggle button, Space on a check
box), and the explorer's figure redraws after each change.

KEYBOARD_LESSONS lists the lessons walked through (each explorer in them)."""
from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser
KEYBOARD_LESSONS = ["03_grid_and_random.ipynb"]
MAX_TABS = 60
REDRAW_TIMEOUT_S = 20

# Tags every control of the widget (data-kbd = its index) and returns what each one is.
TAG_CONTROLS_JS = """(widget) => {
    const controls = [];
    const add = (el, kind, group) => { el.dataset.kbd = String(controls.length); controls.push({kind, group}); };
    widget.querySelectorAll('.widget-slider').forEach((s, g) => {
        const handle = s.querySelector('.noUi-handle');
        if (handle && !s.classList.contains('mod-disabled')) add(handle, 'slider', 'slider' + g);
    });
    widget.querySelectorAll('.widget-toggle-buttons').forEach((t, g) => {
        t.querySelectorAll('button:not([disabled])').forEach((b) => add(b, 'toggle', 'toggle' + g));
    });
    widget.querySelectorAll('select:not([disabled])').forEach((s, g) => add(s, 'select', 'select' + g));
    widget.querySelectorAll('input[type=checkbox]:not([disabled])').forEach((c, g) => add(c, 'checkbox', 'check' + g));
    return controls;
}"""
ACTIVE_JS = """(widget) => {
    const el = document.activeElement;
    if (!el || !widget.contains(el) || el.dataset.kbd === undefined) return null;
    return {index: Number(el.dataset.kbd), value: el.getAttribute('aria-valuenow') || el.value || '',
            active: el.classList.contains('mod-active'),
            atMax: el.getAttribute('aria-valuenow') !== null && el.getAttribute('aria-valuenow') === el.getAttribute('aria-valuemax')};
}"""
STATE_JS = """(widget) => ({
    images: [...widget.querySelectorAll('img')].map((i) => i.src),
    values: [...widget.querySelectorAll('[data-kbd]')].map((e) =>
        e.getAttribute('aria-valuenow') || (e.tagName === 'BUTTON' ? String(e.classList.contains('mod-active')) : (e.type === 'checkbox' ? String(e.checked) : e.value)))
})"""


def _wait_for_new_figure(lab, widget, before, what):
    deadline = time.monotonic() + REDRAW_TIMEOUT_S
    while True:
        images = widget.evaluate(STATE_JS)["images"]
        if images and images != before:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{lab.path}: {what}, but the figure did not change within {REDRAW_TIMEOUT_S} s")
        lab.page.wait_for_timeout(250)


@pytest.mark.parametrize("notebook", KEYBOARD_LESSONS)
def test_every_control_is_reached_by_tab_and_changed_by_keys(lab, notebook):
    lab.open(f"lessons/{notebook}")
    lab.run_all()
    lab.assert_ran_cleanly()
    widgets = lab.slider_widgets(wait_s=10)
    assert widgets, f"{notebook}: no explorer (a widget with a slider and a figure) on the page"
    for w, widget in enumerate(widgets):
        widget.scroll_into_view_if_needed()
        handle = widget.element_handle()
        controls = handle.evaluate(TAG_CONTROLS_JS)
        groups = {c["group"] for c in controls}
        assert controls, f"{notebook} widget {w}: no enabled control"
        widget.locator('[data-kbd="0"]').focus()
        reached, changed, keys_used = set(), set(), []
        for _ in range(MAX_TABS):
            active = handle.evaluate(ACTIVE_JS)
            if active is not None:
                control = controls[active["index"]]
                reached.add(control["group"])
                key = None
                if control["group"] not in changed:
                    if control["kind"] == "slider":
                        key = "ArrowLeft" if active["atMax"] else "ArrowRight"
                    elif control["kind"] == "toggle" and not active["active"]:
                        key = "Enter"
                    elif control["kind"] == "select":
                        key = "ArrowDown"
                    elif control["kind"] == "checkbox":
                        key = "Space"
                if key:
                    before = handle.evaluate(STATE_JS)
                    lab.page.keyboard.press(key)
                    lab.page.wait_for_timeout(300)
                    after = handle.evaluate(STATE_JS)
                    assert after["values"] != before["values"], (
                        f"{notebook} widget {w}: {key} on {control['kind']} {control['group']} changed nothing")
                    _wait_for_new_figure(lab, handle, before["images"], f"{key} changed {control['group']}")
                    changed.add(control["group"])
                    keys_used.append(f"{control['group']}:{key}")
            if changed == groups:
                break
            lab.page.keyboard.press("Tab")
        widget.screenshot(path=str(lab.artifact(f"{notebook[:-6]}_keyboard_widget{w}")))
        lab.artifact("x").parent.joinpath(f"{notebook[:-6]}_keyboard_widget{w}.txt").write_text(
            f"controls {len(controls)} in {len(groups)} groups; reached by Tab: {sorted(reached)}; keys: {keys_used}\n")
        assert reached == groups, f"{notebook} widget {w}: Tab never reached {sorted(groups - reached)}"
        assert changed == groups, f"{notebook} widget {w}: not changed from the keyboard: {sorted(groups - changed)}"
        assert len(keys_used) == len(groups)
