"""The course's grading: the student-facing helpers, and the instructor's tools.

Two modules are for students, and they are all of this package the student edition ships:
:mod:`grading.checks`, the assertion helpers every notebook test cell imports
(``from grading import checks``; it needs only NumPy and loads none of the instructor
tooling), and :mod:`grading.start`, the student's ``dlcourse start``. Everything else is
the instructor's ``dlcourse`` command, found only in the course repository: release,
collect, grade (each student kernel in a sandbox: :mod:`grading.sandbox`,
:mod:`grading.guard`), integrity, accept, feedback, export, merge, demo and
build-student, on top of nbgrader.
"""
