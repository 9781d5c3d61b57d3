"""What the curriculum tells other apps, so they need not reach into its progress records.

`course_completed` is sent inside the transaction that completes the last module of a course the
officer may read (`curriculum.progress`), with `user`, `course` (the course page the module belongs to)
and `when`. A receiver that fails rolls the completion back, so it records, and sends nothing out.
"""

from django.dispatch import Signal

course_completed = Signal()
