"""Who may manage accounts. The one place views and templates ask."""

from core.roles import GROUP_PERMISSIONS, Role


def user_awaits_second_factor(user) -> bool:
    """Passed the password but not yet the code their role needs: logged in for no purpose yet (no menu,
    bell, notifications or links; MFARequiredMiddleware sends every other request to the code step)."""
    if not (user.is_authenticated and user.requires_mfa):
        return False
    is_verified = getattr(user, "is_verified", None)  # set by django-otp's middleware; without it, not verified
    return not (is_verified and is_verified())


def user_can_manage_users(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMIN))


def user_can_decide_role_grants(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PRIVACY_OFFICER)


def _roles_may_grant(user, permission: str) -> bool:
    """Whether any of the user's roles carries the permission at all. The menu asks on every page; for
    most people (Partners, AOVs, coaches) this answers no without the two permission queries."""
    return any(permission in GROUP_PERMISSIONS.get(role, ()) for role in user.roles)


def user_can_invite(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or (_roles_may_grant(user, "accounts.invite_user") and user.has_perm("accounts.invite_user"))
    )
