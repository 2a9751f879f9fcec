from .contacts import Affiliation, Contact
from .imports import ImportBatch
from .interactions import Interaction
from .organisations import Membership, Organisation
from .reference import District, Module, Municipality, PartnerType, Theme

__all__ = [
    "Affiliation",
    "Contact",
    "District",
    "ImportBatch",
    "Interaction",
    "Membership",
    "Module",
    "Municipality",
    "Organisation",
    "PartnerType",
    "Theme",
]
