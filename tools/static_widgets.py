"""Widgets on a static page: each widget output becomes the picture it showed, its controls' starting
values, and a note to run it in JupyterLab.

An executed notebook with widget state (nbclient's store_widget_state) keeps every widget model in
nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]: a VBox lists its children as
"IPY_MODEL_<id>", a slider its description and value, an Image its PNG bytes in a base64 buffer at
path ["value"], an HTML widget its text. No JavaScript widget manager is needed to show any of that.
"""
from __future__ import annotations

import html

import nbformat

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STATE_MIME = "application/vnd.jupyter.widget-state+json"
NOTE = "Run this in JupyterLab to turn the knobs: here it shows its starting settings."


def _state(nb) -> dict:
    return nb.metadata.get("widgets", {}).get(STATE_MIME, {}).get("state", {})


def _walk(models: dict, model_id: str, seen=None):
    """The models under `model_id`, depth first, in the order the widget shows them."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in models:
        return
    seen.add(model_id)
    model = models[model_id]
    yield model
    for child in model.get("state", {}).get("children", []):
        if isinstance(child, str) and child.startswith("IPY_MODEL_"):
            yield from _walk(models, child[len("IPY_MODEL_"):], seen)


def _control_text(model) -> str | None:
    """'description = value' for a control, None for a container, picture or text."""
    state = model.get("state", {})
    name = model.get("model_name", "")
    description = html.unescape(state.get("description", "")).strip() or name.replace("Model", "")
    if "index" in state and "_options_labels" in state:  # selection sliders, dropdowns, toggle buttons
        index = state["index"]
        labels = state["_options_labels"]
        if isinstance(index, (list, tuple)):
            value = ", ".join(labels[i] for i in index)
        else:
            value = labels[index] if index is not None and 0 <= index < len(labels) else "none"
        return f"{description} = {value}"
    if name.endswith(("SliderModel", "TextModel", "CheckboxModel")) or name in {"BoundedIntTextModel",
                                                                                   "BoundedFloatTextModel"}:
        return f"{description} = {state.get('value')}"
    return None


def static_widget_html(models: dict, model_id: str) -> tuple[str, int]:
    """HTML for one widget output; and how many pictures it holds."""
    controls, texts, images = [], [], []
    for model in _walk(models, model_id):
        name = model.get("model_name", "")
        if name == "ImageModel":
            for buffer in model.get("buffers", []):
                if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
                    fmt = model.get("state", {}).get("format", "png")
                    described = (model.get("state", {}).get("tooltip") or "").strip()  # the explorer's alt_text
                    images.append((f"data:image/{fmt};base64,{buffer['data']}", described))
        elif name in {"HTMLModel", "HTMLMathModel", "LabelModel"}:
            value = model.get("state", {}).get("value", "")
            if value.strip():
                texts.append(value if name != "LabelModel" else html.escape(value))
        else:
            text = _control_text(model)
            if text:
                controls.append(text)
    settings = "; ".join(controls)
    alt = "Figure drawn by the interactive widget" + (f" at its starting settings: {settings}" if settings else "")
    parts = ['<div class="static-widget" role="group" aria-label="interactive widget, shown as a still picture">',
             f'<p class="static-widget-note">{html.escape(NOTE)}</p>']
    if controls:
        parts.append('<ul class="static-widget-controls">' +
                     "".join(f"<li>{html.escape(c)}</li>" for c in controls) + "</ul>")
    parts += [f'<div class="static-widget-text">{t}</div>' for t in texts]
    parts += [f'<img src="{src}" alt="{html.escape(described + ". " + alt if described else alt)}">'
              for src, described in images]
    parts.append("</div>")
    return "\n".join(parts), len(images)


def replace_widget_outputs(nb) -> dict:
    """Replace every widget output of `nb` (in place) by its static HTML. Returns counts:
    widgets, pictures, and missing (widget outputs whose model is not in the stored state)."""
    models = _state(nb)
    counts = {"widgets": 0, "pictures": 0, "missing": 0}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for i, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get(WIDGET_MIME)
            if view is None:
                continue
            counts["widgets"] += 1
            model_id = view.get("model_id")
            if model_id not in models:
                counts["missing"] += 1
                body, n_pictures = f'<p class="static-widget-note">{html.escape(NOTE)}</p>', 0
            else:
                body, n_pictures = static_widget_html(models, model_id)
            counts["pictures"] += n_pictures
            cell.outputs[i] = nbformat.v4.new_output("display_data", data={"text/html": body})
    nb.metadata.pop("widgets", None)
    return counts
