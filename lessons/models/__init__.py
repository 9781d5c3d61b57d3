from lessons.models.lessons import Lesson, LessonTransition, Status

__all__ = ["Lesson", "LessonTransition", "Status"]
