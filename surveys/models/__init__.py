from .campaign import Campaign, CampaignLogEntry, Question
from .responses import InvitationCode, OpenAnswer, Response

__all__ = ["Campaign", "CampaignLogEntry", "InvitationCode", "OpenAnswer", "Question", "Response"]
