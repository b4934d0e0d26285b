"""The course's grading: the student-facing test helpers, and the instructor's tools.

- :mod:`grading.checks` — the assertion helpers every test cell of every chapter uses.
  Students import it (``from grading import checks``); it needs only NumPy and loads none
  of the instructor tooling.
- Everything else is the instructor's ``dlcourse`` command: release, collect, grade (each
  student kernel in a sandbox: :mod:`grading.sandbox`, :mod:`grading.guard`), integrity,
  feedback, export, merge and demo, on top of nbgrader.
"""
