import factory
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.services import _allow_role_change
from core.roles import GROUP_NAMES

PASSWORD = "Een-Goed-Wachtwoord-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with `roles=[...]` as groups (bypassing the approval flow, which tests cover elsewhere)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"gebruiker{n}@example.nl")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            with _allow_role_change():
                self.groups.add(*Group.objects.filter(name__in=[GROUP_NAMES[r] for r in extracted]))
            self.__dict__.pop("_roles_cache", None)
            self.__dict__.pop("_group_ids_cache", None)


def confirmed_totp_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def current_totp(device: TOTPDevice) -> str:
    """A code the device accepts now. It accepts one step either side (tolerance 1) but never a step it
    has already used (``last_t``): a second login of the same user within 30 seconds needs the next
    step's code, and waits for the clock if even that one is spent."""
    import time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    step = max(totp.t(), device.last_t + 1)
    while step > totp.t() + device.tolerance:
        time.sleep(0.2)
    totp.time = device.t0 + (step - device.drift) * device.step
    return f"{totp.token():0{device.digits}d}"
