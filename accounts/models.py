import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.roles import MFA_EXEMPT_ROLES, ROLE_BY_GROUP_NAME, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A portal account. People log in with their e-mail address; roles are groups."""

    username = None
    email = models.EmailField(_("e-mailadres"), unique=True)
    contact = models.OneToOneField(
        "stakeholders.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("contactpersoon"),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        permissions = [("invite_user", _("Mag contactpersonen uitnodigen"))]
        constraints = [
            # Login matches the address case-insensitively: two accounts differing only in case
            # would lock both out.
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("Er bestaat al een account met dit e-mailadres."),
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def roles(self) -> frozenset[str]:
        """Role codes of this user, read once per instance (one query)."""
        if not hasattr(self, "_roles_cache"):
            groups = list(self.groups.values_list("pk", "name")) if self.pk else []
            self._roles_cache = frozenset(ROLE_BY_GROUP_NAME[n] for _, n in groups if n in ROLE_BY_GROUP_NAME)
            # The same query gives the group ids that page restrictions check (core.permissions.group_ids_of).
            self._group_ids_cache = frozenset(pk for pk, _ in groups)
        return self._roles_cache

    @property
    def group_ids(self) -> frozenset[int]:
        """Ids of this user's groups, read with the roles (forgetting the roles forgets these too)."""
        if "_roles_cache" not in self.__dict__:
            self.roles  # noqa: B018 - fills both
        if "_group_ids_cache" not in self.__dict__:  # roles were set in bulk elsewhere
            self._group_ids_cache = frozenset(self.groups.values_list("pk", flat=True)) if self.pk else frozenset()
        return self._group_ids_cache

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def requires_mfa(self) -> bool:
        return self.is_superuser or self.is_staff or bool(self.roles - MFA_EXEMPT_ROLES)


class RoleGrant(models.Model):
    """A request to give someone a referral role; the privacy officer decides. Kept as the log."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("aangevraagd")
        APPROVED = "approved", _("goedgekeurd")
        REJECTED = "rejected", _("afgewezen")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices)
    reason = models.TextField(_("reden"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("toelichting bij het besluit"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("roltoekenning")
        verbose_name_plural = _("roltoekenningen")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(status="requested"),
                name="one_open_role_grant_per_user_role",
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} → {self.user}"


class UserSession(models.Model):
    """Which sessions a user has, so deactivating the user can end all of them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"session of user {self.user_id}"
