"""The 60-second answer: a question, your notes, then the model answer and its rubric, scored by you.

    from .drill import sixty_second_drill
    drill = sixty_second_drill(seed=3)        # an "explain" question from the whole bank
    drill.show()                               # the prompt, where it is taught, and the time budget
    drill.answer("my notes ...")               # your time and length, then the model answer and rubric
    drill.assess([1, 1, 0, 1])                 # 1 per rubric item your answer covered -> practice log
    drill.widget()                             # the same in JupyterLab: a countdown, a text box, checkboxes

Which question: the pool is every bank question with a model answer and a rubric (the "explain"
kind). One is drawn with mock.draw_questions, so a topic your practice log shows as weak comes up more
often; the same seed and the same log give the same question.

Timing: the clock starts when the question is shown. A spoken answer runs at about 150 words a
minute (a steady presenting pace; the figure lesson 00 uses), so the budget in words is
150 * seconds / 60, and the notes are compared with it.

What is logged: one line per `assess`, with status "drill", the rubric marks, `score` = the covered
fraction, `seconds` and `over_time` (the notes came after the budget), and `correct` = score >= PASS_FRACTION, so that mock_interview's weighting (which reads
`correct`) counts a drill like any other answer. HPO_MINI_PRACTICE_LOG=off turns it off.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from numbers import Real

from . import practice
from .practice import PASS_FRACTION
from .bank import all_questions, find_question
from .kinds import Explain
from .question import is_placeholder
from .mock import draw_questions
from .session import _wrap, where_taught

__all__ = ["WORDS_PER_MINUTE", "PASS_FRACTION", "drill_pool", "DrillResult", "SixtySecondDrill", "sixty_second_drill"]

WORDS_PER_MINUTE = 150  # a steady speaking pace


def _has_model_answer(q) -> bool:
    return isinstance(q, Explain) and bool(q.model_answer) and len(q.rubric) > 0


def drill_pool(topics=None, lessons=None) -> list:
    """Every bank question with a model answer and a rubric, optionally only those whose topics
    contain one of `topics` (substring, case-insensitive) or whose lesson is in `lessons` ("05", 5)."""
    pool = [q for q in all_questions() if _has_model_answer(q)]
    if topics is not None:
        wanted = [topics.lower()] if isinstance(topics, str) else [t.lower() for t in topics]
        pool = [q for q in pool if any(w in t.lower() for w in wanted for t in q.topics)]
    if lessons is not None:
        wanted = [lessons] if isinstance(lessons, (str, int)) else list(lessons)
        wanted = {f"{int(x):02d}" for x in wanted}
        pool = [q for q in pool if q.lesson in wanted]
    if not pool:
        raise ValueError(f"no question with a model answer matches topics={topics!r}, lessons={lessons!r}")
    return pool


def _quiz_id_of(question) -> str:
    bank, _ = find_question(question.id)
    return bank.quiz_id if bank is not None else "custom"


def _clock_text(seconds) -> str:
    s = max(int(round(seconds)), 0)
    return f"{s // 60}:{s % 60:02d}"


@dataclass
class DrillResult:
    """What `assess` recorded: one mark per rubric item, the covered fraction, time and length."""

    question: str
    marks: tuple
    score: float
    correct: bool
    seconds: float
    words: int

    def missed(self, rubric) -> list:
        return [point for point, mark in zip(rubric, self.marks) if not mark]


class SixtySecondDrill:
    """One question with a model answer, drilled against a time budget (see the module docstring)."""

    def __init__(self, question=None, seconds=60, seed=None, topics=None, lessons=None, records=None,
                 clock=time.monotonic, log=True, log_path=None):
        if not isinstance(seconds, Real) or isinstance(seconds, bool) or seconds <= 0:
            raise ValueError(f"seconds (the time budget) must be a number > 0, but got {seconds!r}")
        if question is None:
            pool = drill_pool(topics, lessons)
            records = practice.read_log() if records is None else records
            question = draw_questions(pool, 1, records, seed)[0]
        elif isinstance(question, str):
            matches = [q for q in drill_pool() if q.id == question]
            if not matches:
                raise ValueError(f"{question!r} is not a bank question with a model answer; "
                                 f"choose one of {[q.id for q in drill_pool()]}")
            question = matches[0]
        elif not _has_model_answer(question):
            raise TypeError(f"the question must have a model_answer and a rubric (an Explain), but got {question!r}")
        self.question = question
        self.quiz_id = _quiz_id_of(question)
        self.seconds = float(seconds)
        self.clock = clock
        self.log = log
        self.log_path = log_path
        self.started = None  # set when the question is first shown
        self.notes = None
        self.elapsed = None  # seconds from show() to answer()
        self.result = None

    def __repr__(self):
        return f"<SixtySecondDrill {self.question.id}: {self.seconds:g} s>"

    @property
    def word_budget(self) -> int:
        return int(WORDS_PER_MINUTE * self.seconds / 60)

    # -- the three steps ------------------------------------------------------------------------------
    def prompt_text(self) -> str:
        q = self.question
        return (
            f"60-second answer · {q.id} · [{q.difficulty}] · {where_taught(q)}\n\n{_wrap(q.prompt, '')}\n\n"
            f"Budget: {_clock_text(self.seconds)} spoken, about {self.word_budget} words. Jot your notes, say the "
            "answer aloud, then run drill.answer(notes)."
        )

    def show(self) -> None:
        """Print the question and start the clock (showing it again does not restart it)."""
        if self.started is None:
            self.started = self.clock()
        print(self.prompt_text())

    def reveal_text(self) -> str:
        q = self.question
        rubric = "\n".join(f"   {i}. {point}" for i, point in enumerate(q.rubric, 1))
        return f"Model answer:\n{_wrap(q.model_answer)}\nRubric (one point each):\n{rubric}"

    def answer_text(self, notes) -> str:
        """Take the notes, stop the clock, and return the feedback `answer` prints."""
        if not (isinstance(notes, str) or notes is Ellipsis):
            raise TypeError(f'notes must be text, e.g. drill.answer("""my notes"""), but got {type(notes).__name__}')
        if self.started is None:
            self.started = self.clock()
        self.elapsed = self.clock() - self.started
        if is_placeholder(notes):
            self.notes = ""
            head = "⏳ not answered: no notes. Here is the model answer anyway; say it aloud in your own words."
        else:
            self.notes = notes
            words = len(notes.split())
            spoken = words / WORDS_PER_MINUTE * 60
            head = (
                f"📝 {words} words of notes in {_clock_text(self.elapsed)} (budget {_clock_text(self.seconds)}); "
                f"spoken at {WORDS_PER_MINUTE} words a minute they take about {spoken:.0f} s"
            )
            if spoken > self.seconds:
                head += ": too long, cut to the parts the rubric asks for"
            if self.elapsed > self.seconds:
                head += f"\n⏰ over time by {_clock_text(self.elapsed - self.seconds)}"
        n = len(self.question.rubric)
        return (f"{head}\n{self.reveal_text()}\n"
                f"Score yourself: drill.assess([...]) with {n} marks, 1 if your answer covered the item, else 0.")

    def answer(self, notes) -> None:
        print(self.answer_text(notes))

    def assess(self, marks) -> DrillResult:
        """Record one mark (0 or 1) per rubric item in the practice log; print and return the result."""
        if self.notes is None:
            raise RuntimeError("answer first: drill.answer(notes) shows the model answer and the rubric to score against")
        marks = self.question.check_marks(marks)  # one 0/1 per rubric item (kinds.Explain)
        score = sum(marks) / len(marks)
        result = DrillResult(self.question.id, marks, score, score >= PASS_FRACTION, float(self.elapsed),
                             len(self.notes.split()))
        if self.log:
            extra = {"source": "drill", "kind": "drill", "rubric": list(marks), "score": score, "correct": result.correct,
                     "seconds": round(result.seconds, 1), "over_time": bool(result.seconds > self.seconds),
                     "words": result.words}
            practice.record(self.quiz_id, self.question, "drill", extra=extra, path=self.log_path)
        self.result = result
        print(self.result_text())
        return result

    def result_text(self) -> str:
        r = self.result
        lines = [f"{'✅' if r.correct else '❌'} {sum(r.marks)} of {len(r.marks)} rubric items ({r.score:.0%})"
                 + ("" if self.log else "; not logged (log=False)")]
        missed = r.missed(self.question.rubric)
        if missed:
            lines.append("Say next time:")
            lines += [f"  - {point}" for point in missed]
            lines.append(f"Reread: {where_taught(self.question)}")
        return "\n".join(lines)

    # -- JupyterLab -------------------------------------------------------------------------------------
    def widget(self):
        """The drill as a form: the question, a countdown that runs in the browser, a text box for
        notes, a button that reveals the model answer with one checkbox per rubric item, and a
        button that records the marks. `form.notes.value = ...; form.reveal.click()` drives it in tests."""
        return DrillForm(self)


def _drill_form_class():
    import ipywidgets as widgets
    from IPython.display import display

    class _DrillForm(widgets.VBox):
        def __init__(self, drill):
            self.drill = drill
            q = drill.question
            budget = int(drill.seconds)
            self.prompt = widgets.HTML(
                f"<b>60-second answer</b> · {q.id} · [{q.difficulty}] · {where_taught(q)}<br>{q.prompt}"
            )
            # Play ticks in the browser (no kernel thread); the progress bar shows the seconds left.
            self.timer = widgets.Play(value=0, min=0, max=budget, step=1, interval=1000, description="start")
            self.left = widgets.IntProgress(value=budget, min=0, max=budget, description="time left",
                                            bar_style="info")
            self.timer.observe(self._tick, names="value")
            self.notes = widgets.Textarea(placeholder=f"Your notes (about {drill.word_budget} words spoken)",
                                          layout=widgets.Layout(width="100%", height="120px"))
            self.reveal = widgets.Button(description="Reveal model answer", button_style="primary")
            self.record = widgets.Button(description="Record my marks", disabled=True)
            self.checks = []
            self.out = widgets.Output()
            self.reveal.on_click(self._reveal)
            self.record.on_click(self._record)
            super().__init__(children=[self.prompt, widgets.HBox([self.timer, self.left]), self.notes,
                                       self.reveal, self.out, self.record])
            if drill.started is None:
                drill.started = drill.clock()

        def _tick(self, change):
            self.left.value = max(self.left.max - change["new"], 0)
            self.left.bar_style = "danger" if self.left.value == 0 else "info"

        def _reveal(self, button=None):
            self.timer.playing = False
            text = self.drill.answer_text(self.notes.value)
            self.checks = [widgets.Checkbox(value=False, description=f"{i}. {point}", indent=False,
                                            layout=widgets.Layout(width="100%"))
                           for i, point in enumerate(self.drill.question.rubric, 1)]
            with self.out:
                self.out.clear_output()
                print(text.rsplit("\nScore yourself", 1)[0])
                display(widgets.HTML("<b>Tick what your answer covered:</b>"), widgets.VBox(self.checks))
            self.record.disabled = False

        def _record(self, button=None):
            with self.out:
                self.drill.assess([c.value for c in self.checks])
            self.record.disabled = True

    return _DrillForm


def DrillForm(drill):
    """The ipywidgets form of a drill (ipywidgets is imported only when a form is made)."""
    return _drill_form_class()(drill)


def sixty_second_drill(question=None, seconds=60, seed=None, topics=None, lessons=None, records=None, **kwargs):
    """A 60-second-answer drill; with no `question`, one drawn from the bank (see the module docstring)."""
    drill = SixtySecondDrill(question, seconds=seconds, seed=seed, topics=topics, lessons=lessons, records=records,
                             **kwargs)
    return drill
