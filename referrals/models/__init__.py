from .access_log import AccessLogEntry, AccessLogHead
from .locations import VulnerableLocation
from .referrals import Referral, ReferralNote, ReferralStatusChange

__all__ = [
    "AccessLogEntry",
    "AccessLogHead",
    "Referral",
    "ReferralNote",
    "ReferralStatusChange",
    "VulnerableLocation",
]
