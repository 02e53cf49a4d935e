"""The rubric box under an explain question's check: one checkbox per rubric item and a button that
records the marks, a thin layer over `session.mark(question_id, marks)`.

    form = RubricForm(quiz, quiz.questions["q01.explain_lr_first"])
    form.boxes[0].value = True; form.record.click()     # what a learner does; tests do the same

ipywidgets is imported only when a form is made; outside a kernel with a display nothing is shown
and `quiz.mark(...)` does the same job.
"""

from __future__ import annotations

__all__ = ["RubricForm", "show_rubric_form"]


def _form_class():
    import ipywidgets as widgets

    class RubricForm(widgets.VBox):
        def __init__(self, session, question):
            self.session, self.question = session, question
            marks = session.progress[question.id].marks or (0,) * len(question.rubric)
            self.boxes = [widgets.Checkbox(value=bool(m), description=f"{i}. {item}", indent=False,
                                           layout=widgets.Layout(width="100%"))
                          for i, (item, m) in enumerate(zip(question.rubric, marks), 1)]
            self.record = widgets.Button(description="Record my marks", button_style="primary")
            self.out = widgets.Output()
            self.record.on_click(self._record)
            title = widgets.HTML(f"<b>Tick what your answer covers</b> ({question.id})")
            super().__init__(children=[title, *self.boxes, self.record, self.out])

        @property
        def marks(self) -> list:
            return [int(box.value) for box in self.boxes]

        def _record(self, button=None):
            text = self.session.mark_text(self.question.id, self.marks)
            with self.out:
                self.out.clear_output()
                print(text)

    return RubricForm


def RubricForm(session, question):
    """The ipywidgets form for one explain question of a session."""
    return _form_class()(session, question)


def show_rubric_form(session, question) -> None:
    """Display the form in a running kernel; do nothing elsewhere (no IPython, no ipywidgets)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover
        return
    if get_ipython() is None or getattr(get_ipython(), "kernel", None) is None:
        return
    try:
        form = RubricForm(session, question)
    except ImportError:  # pragma: no cover - ipywidgets ships with the course
        return
    display(form)
