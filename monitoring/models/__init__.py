from .figures import InformationEvening, PoliceFigures, SurveyResult, Training
from .participation import Participation, ParticipationChange
from .report import ProgressReport
from .settings import TrendThreshold

__all__ = [
    "InformationEvening",
    "Participation",
    "ParticipationChange",
    "PoliceFigures",
    "ProgressReport",
    "SurveyResult",
    "Training",
    "TrendThreshold",
]
