"""Pair mode: one person interviews another from one session, with two views.

    pair = pair_interview(n=6, minutes=20, seed=7)
    pair.candidate_view()      # the question and a countdown, nothing else: the candidate's screen
    pair.interviewer_view()    # the question, the key or the rubric with tick boxes, the model answer,
                               # the follow-ups with their model answers and a mark each, "Record and next"

Without widgets: pair.start() shows the question (and starts its clock); pair.tick([1, 0, 1]) marks an
explain answer's rubric, pair.judge(True) a question with a key; pair.rate_follow_up(2, "partly")
marks the follow-up on rubric item 2 if it was asked; pair.record() logs it all and moves on.

The questions are drawn as the mock interview draws them (mock.py: weighted toward the practice
log's weak topics, numeric questions with fresh numbers). What is logged, one line per question with
"source": "pair" and "interviewer": true: an explain answer as status "marked" with the interviewer's
rubric ticks, `score` (the fraction ticked) and `correct` = score >= 3/4; any other answer as "correct"
or "wrong" by the interviewer's judgement; both with the seconds from start to record and over_time.
Each follow-up marked adds a line like the mock's (question "<id>/follow-up/<k>", mark, score). The
log is the candidate's: run the pair on the candidate's machine, or point HPO_MINI_PRACTICE_LOG at it.
"""

from __future__ import annotations

import html
import time

from . import practice
from .question import FOLLOW_UP_MARKS
from .session import where_taught

__all__ = ["PairInterview", "pair_interview"]


class PairInterview:
    def __init__(self, n=6, minutes=20, question_ids=None, topics=None, difficulty=None, seed=None, records=None,
                 clock=time.monotonic, log=True, fresh=True):
        from .mock import MockInterview

        draw = MockInterview(n=n, minutes=minutes, topics=topics, difficulty=difficulty, seed=seed, records=records,
                             clock=clock, log=False, question_ids=question_ids, fresh=fresh)
        self.questions = [draw.questions[qid] for qid in draw.order]
        self.quiz_of = draw.quiz_of
        self.seconds_per_question = draw.seconds_per_question
        self.minutes, self.clock, self.log = minutes, clock, log
        self.position = 0
        self.shown_at = None
        self.results = []  # what was recorded, one dict per question
        self._views = []  # refresh callbacks of the widgets
        self._reset_marks()

    def __repr__(self):
        return f"<PairInterview: {len(self.questions)} questions, question {self.position + 1}>"

    @property
    def current(self):
        return self.questions[self.position] if self.position < len(self.questions) else None

    def _reset_marks(self):
        q = self.current
        self.marks = [0] * len(q.rubric) if q is not None and q.kind == "explain" else None
        self.judged = None  # True / False for a question with a key
        self.follow_up_marks = {}  # rubric item -> mark

    # -- the two texts --------------------------------------------------------------------------------
    def candidate_text(self) -> str:
        q = self.current
        if q is None:
            return "That was the last question. Thank you!"
        lines = [f"Question {self.position + 1} of {len(self.questions)} · [{q.difficulty}] · "
                 f"{self.seconds_per_question:.0f} s", "", q.prompt]
        if hasattr(q, "options"):
            lines += [""] + [f"  {letter}. {text}" for letter, text in zip(q.letters, q.options)]
        if q.kind == "numeric":
            lines += ["", f"({q.precision_text()})"]
        return "\n".join(lines)

    def interviewer_text(self) -> str:
        q = self.current
        if q is None:
            return "All questions are done: " + self.summary()
        lines = [f"{q.id} · {q.header()} · {where_taught(q)}", "", q.prompt]
        if hasattr(q, "options"):
            lines += [f"  {letter}. {text}" for letter, text in zip(q.letters, q.options)]
        if q.kind == "explain":
            lines += ["", "Rubric (tick what the candidate said):"] + [f"  {i}. {item}" for i, item in enumerate(q.rubric, 1)]
            lines += ["", "Model answer:", q.model_answer]
            for f in q.follow_ups:
                lines += ["", f"Follow-up if item {f.rubric_item} is missed: {f.prompt}", f"  model answer: {f.model_answer}"]
        else:
            lines += ["", "The answer and why (judge right or wrong):", q.explanation]
        return "\n".join(lines)

    # -- the interviewer's marks ---------------------------------------------------------------------------
    def start(self) -> str:
        """Show the current question to the candidate and start its clock."""
        if self.current is not None and self.shown_at is None:
            self.shown_at = self.clock()
        self._refresh()
        return self.candidate_text()

    def tick(self, marks) -> None:
        q = self._need("explain")
        self.marks = list(q.check_marks(marks))

    def judge(self, right: bool) -> None:
        self._need(None)
        if not isinstance(right, bool):
            raise TypeError(f"judge(True) for a right answer, judge(False) for a wrong one, but got {right!r}")
        self.judged = right

    def suggested_follow_up(self):
        """The follow-up the marks so far point to (Explain.follow_up_for), or None."""
        q = self.current
        return q.follow_up_for(self.marks) if q is not None and q.kind == "explain" else None

    def rate_follow_up(self, rubric_item, mark) -> None:
        q = self._need("explain")
        if rubric_item not in {f.rubric_item for f in q.follow_ups}:
            raise ValueError(f"{q.id} has follow-ups on rubric items {[f.rubric_item for f in q.follow_ups]}, "
                             f"not on {rubric_item!r}")
        if mark is not None and mark not in FOLLOW_UP_MARKS:
            raise ValueError(f"a follow-up is marked one of {list(FOLLOW_UP_MARKS)} (or None: not asked), but got {mark!r}")
        self.follow_up_marks[rubric_item] = mark

    def _need(self, kind):
        q = self.current
        if q is None:
            raise RuntimeError("all questions are done")
        if (kind == "explain") != (q.kind == "explain"):
            raise ValueError(f"{q.id} is a {q.kind} question: " + ("use pair.tick(marks)" if q.kind == "explain"
                                                                  else "use pair.judge(True or False)"))
        return q

    def record(self) -> str:
        """Log the interviewer's marks for the current question and move to the next one."""
        q = self.current
        if q is None:
            return "All questions are done."
        if q.kind != "explain" and self.judged is None:
            return "⚠️ judge the answer first: right or wrong (pair.judge(True / False))."
        seconds = self.clock() - (self.shown_at if self.shown_at is not None else self.clock())
        timing = {"seconds": round(seconds, 1), "over_time": bool(seconds > self.seconds_per_question)}
        base = {"source": "pair", "interviewer": True, **timing}
        if q.kind == "explain":
            score = sum(self.marks) / len(self.marks)
            result = {"question": q.id, "status": "marked", "rubric": list(self.marks), "score": round(score, 4),
                      "correct": score >= practice.PASS_FRACTION}
        else:
            result = {"question": q.id, "status": "correct" if self.judged else "wrong", "correct": self.judged}
        result.update(timing)
        self.results.append(result)
        if self.log:
            practice.record(self.quiz_of(q), q, result["status"], extra={**base, **result})
            for item, mark in self.follow_up_marks.items():
                if mark is not None:
                    practice.record(self.quiz_of(q), q, "follow-up", extra={
                        **base, "question": f"{q.id}/follow-up/{item}", "follow_up_of": q.id, "rubric_item": item,
                        "mark": mark, "score": FOLLOW_UP_MARKS[mark], "correct": FOLLOW_UP_MARKS[mark] >= practice.PASS_FRACTION})
        self.position += 1
        self.shown_at = None
        self._reset_marks()
        self._refresh()
        return f"recorded {q.id}: {result['status']}" + (" (over time)" if timing["over_time"] else "")

    def summary(self) -> str:
        right = sum(bool(r["correct"]) for r in self.results)
        return f"{right} of {len(self.results)} answers right (explain answers: at least 3/4 of the rubric)."

    # -- the two views ---------------------------------------------------------------------------------
    def _refresh(self):
        for refresh in self._views:
            refresh()

    def candidate_view(self):
        """The candidate's screen: the question and the countdown only."""
        import ipywidgets as widgets

        from .countdown import Countdown

        text = widgets.HTML()
        timer = Countdown(self.seconds_per_question)
        view = widgets.VBox([widgets.HTML("<b>Candidate</b>"), timer, text])
        view.text, view.countdown = text, timer

        def refresh():
            shown = self.shown_at is not None and self.current is not None
            text.value = ("<pre style='white-space:pre-wrap'>" + html.escape(self.candidate_text()) + "</pre>" if shown
                          else "<i>Waiting for the interviewer to start the question.</i>")
            timer.start() if shown else timer.stop()

        self._views.append(refresh)
        refresh()
        return view

    def interviewer_view(self):
        """The interviewer's screen: the key or rubric with tick boxes, the model answer, the follow-ups."""
        import ipywidgets as widgets

        text, marks, out = widgets.HTML(), widgets.VBox(), widgets.Output()
        start = widgets.Button(description="Show the question", button_style="info")
        record = widgets.Button(description="Record and next", button_style="primary")
        view = widgets.VBox([widgets.HTML("<b>Interviewer</b>"), text, marks, widgets.HBox([start, record]), out])
        view.text, view.marks, view.start, view.record = text, marks, start, record

        def refresh():
            q = self.current
            text.value = "<pre style='white-space:pre-wrap'>" + html.escape(self.interviewer_text()) + "</pre>"
            start.disabled = record.disabled = q is None
            if q is None:
                marks.children = ()
            elif q.kind == "explain":
                boxes = [widgets.Checkbox(value=bool(m), description=f"{i}. {item}", indent=False,
                                          layout=widgets.Layout(width="100%"))
                         for i, (item, m) in enumerate(zip(q.rubric, self.marks), 1)]
                for box in boxes:
                    box.observe(lambda change: self.tick([int(b.value) for b in boxes]), names="value")
                rows = []
                for f in q.follow_ups:
                    toggle = widgets.ToggleButtons(options=["not asked", *FOLLOW_UP_MARKS], value="not asked",
                                                   description=f"item {f.rubric_item}")
                    toggle.observe(lambda change, item=f.rubric_item: self.rate_follow_up(
                        item, None if change["new"] == "not asked" else change["new"]), names="value")
                    rows.append(toggle)
                view.boxes, view.follow_ups = boxes, rows
                marks.children = (widgets.HTML("<b>Tick the rubric items the candidate said:</b>"), *boxes,
                                  *([widgets.HTML("<b>Follow-ups asked:</b>")] + rows if rows else []))
            else:
                judge = widgets.ToggleButtons(options=["not judged", "right", "wrong"], value="not judged")
                judge.observe(lambda change: self.judge(change["new"] == "right") if change["new"] != "not judged"
                              else None, names="value")
                view.judge = judge
                marks.children = (widgets.HTML("<b>The candidate's answer was:</b>"), judge)

        def on_record(button):
            with out:
                out.clear_output()
                print(self.record())

        start.on_click(lambda button: self.start())
        record.on_click(on_record)
        self._views.append(refresh)
        refresh()
        return view


def pair_interview(n=6, minutes=20, **kwargs) -> PairInterview:
    """A pair-mode interview (see the module docstring)."""
    return PairInterview(n=n, minutes=minutes, **kwargs)
