from .contacts import Affiliation, Contact
from .organisations import Membership, Organisation
from .reference import District, Module, Municipality, PartnerType, Theme

__all__ = [
    "Affiliation",
    "Contact",
    "District",
    "Membership",
    "Module",
    "Municipality",
    "Organisation",
    "PartnerType",
    "Theme",
]
