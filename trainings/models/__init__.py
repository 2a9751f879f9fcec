from .elearning import ELearningEnrolment
from .sessions import Registration, TrainingSession

__all__ = ["ELearningEnrolment", "Registration", "TrainingSession"]
