from .feedback import ContentFlag, HelpfulVote
from .joint_actions import FINDING_FIELDS, JointAction
from .pages import (
    BestPracticePage,
    KnowledgeIndexPage,
    KnowledgePage,
    LessonPage,
    MaterialPage,
    MaterialsIndexPage,
    Visibility,
)

__all__ = [
    "FINDING_FIELDS",
    "BestPracticePage",
    "ContentFlag",
    "HelpfulVote",
    "JointAction",
    "KnowledgeIndexPage",
    "KnowledgePage",
    "LessonPage",
    "MaterialPage",
    "MaterialsIndexPage",
    "Visibility",
]
