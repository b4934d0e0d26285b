"""Instructor tooling for the course: nbgrader configuration, the ``dlcourse`` command,
and :mod:`grading.checks`, the assertion helpers every notebook test uses."""
