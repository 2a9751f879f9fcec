"""The roles of design section 2. A role is a Django group with a stable (Dutch) name."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARTNER = "partner", _("Partner")
    AOV = "aov", _("AOV")
    SECRETARIAT = "secretariat", _("Secretariaat")
    COACH = "coach", _("Coach")
    COACH_COORDINATOR = "coach_coordinator", _("Coachcoördinator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer (FG)")
    ADMIN = "admin", _("Beheerder")


# Group names are data (never translated): they identify the group in the database.
GROUP_NAMES: dict[str, str] = {
    Role.PARTNER: "Partner",
    Role.AOV: "AOV",
    Role.SECRETARIAT: "Secretariaat",
    Role.COACH: "Coach",
    Role.COACH_COORDINATOR: "Coachcoördinator",
    Role.PRIVACY_OFFICER: "Privacy officer",
    Role.ADMIN: "Beheerder",
}
ROLE_BY_GROUP_NAME = {name: role for role, name in GROUP_NAMES.items()}

# Granting one of these needs the privacy officer's approval (four eyes) and is logged.
REFERRAL_ROLES = frozenset({Role.COACH, Role.COACH_COORDINATOR, Role.PRIVACY_OFFICER})
# Every role except Partner must use MFA.
MFA_EXEMPT_ROLES = frozenset({Role.PARTNER})
# Roles whose holders are scoped by the districts of their organisations.
DISTRICT_SCOPED_ROLES = frozenset({Role.PARTNER, Role.AOV})

# Model permissions per role, kept exact by `roles_ensure_groups`.
GROUP_PERMISSIONS: dict[str, list[str]] = {
    Role.PARTNER: [],
    Role.AOV: [],
    Role.SECRETARIAT: [
        "wagtailadmin.access_admin",
        "stakeholders.add_organisation",
        "stakeholders.change_organisation",
        "stakeholders.view_organisation",
        "stakeholders.add_contact",
        "stakeholders.change_contact",
        "stakeholders.view_contact",
        "knowledgebase.add_jointaction",
        "knowledgebase.change_jointaction",
        "knowledgebase.view_jointaction",
        "meetings.change_actionitem",
        "meetings.view_actionitem",
        "stakeholders.add_membership",
        "stakeholders.change_membership",
        "stakeholders.delete_membership",
        "stakeholders.view_membership",
        "stakeholders.add_affiliation",
        "stakeholders.change_affiliation",
        "stakeholders.delete_affiliation",
        "stakeholders.view_affiliation",
        "stakeholders.add_interaction",
        "stakeholders.change_interaction",
        "stakeholders.view_interaction",
        "accounts.invite_user",
        "portal_search.add_synonymgroup",
        "portal_search.change_synonymgroup",
        "portal_search.delete_synonymgroup",
        "portal_search.view_synonymgroup",
        "notifications.view_sentmail",
    ],
    Role.COACH: [],
    Role.COACH_COORDINATOR: [],
    Role.PRIVACY_OFFICER: [],
    Role.ADMIN: [
        "wagtailadmin.access_admin",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "auth.view_group",
    ],
}
