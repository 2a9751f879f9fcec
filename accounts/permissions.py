"""Who may manage accounts. The one place views and templates ask."""

from .roles import Role


def user_can_manage_users(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMIN))


def user_can_decide_role_grants(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PRIVACY_OFFICER)


def user_can_invite(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_perm("accounts.invite_user"))
