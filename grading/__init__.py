"""The course's grading package.

Two modules are for students and are all of this package that the student edition ships:
:mod:`grading.checks`, the assertion helpers every notebook test cell imports
(``from grading import checks``), and :mod:`grading.start`, the student's
``dlcourse start``. Everything else here is the instructor's tooling, found only in the
course repository: the ``dlcourse`` command (release, collect, grade, feedback, export,
build-student) and nbgrader's settings.
"""
