"""nbgrader settings for this repository (read by `nbgrader ...` and `dlcourse ...`).

solutions/ is nbgrader's source folder, course/ its release folder; the gradebook and
the submitted / autograded / feedback folders live under grading/ and are not committed.
"""

import os

from grading.layout import configure

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file
configure(c, root=os.path.dirname(os.path.abspath(__file__)))
