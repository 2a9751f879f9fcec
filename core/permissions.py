from accounts.roles import Role


def user_can_open_cms(user) -> bool:
    """The Wagtail admin is for the secretariat and the Beheerder."""
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.SECRETARIAT, Role.ADMIN))
