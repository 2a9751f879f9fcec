from .access_log import AccessLogEntry, AccessLogHead, FigureSnapshot
from .locations import VulnerableLocation
from .referrals import Referral, ReferralNote, ReferralStatusChange

__all__ = [
    "AccessLogEntry",
    "AccessLogHead",
    "FigureSnapshot",
    "Referral",
    "ReferralNote",
    "ReferralStatusChange",
    "VulnerableLocation",
]
