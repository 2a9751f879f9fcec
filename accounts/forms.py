from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.tasks import send_templated_mail

from .models import User


class LoginForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("E-mailadres"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    error_messages = {
        "invalid_login": _(
            "Dit e-mailadres en wachtwoord horen niet bij elkaar. Controleer ze en probeer het opnieuw."
        ),
        "inactive": _("Dit account is niet actief."),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("De zescijferige code uit uw authenticator-app, of een van uw herstelcodes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Code uit de app"),
        min_length=6,
        max_length=7,
        help_text=_("Voer de zescijferige code in die uw authenticator-app nu toont."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices)
    reason = forms.CharField(
        label=_("Reden"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht voor Coach, Coachcoördinator en Privacy officer."),
    )


class GrantDecisionForm(forms.Form):
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MFAResetForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), widget=forms.Textarea(attrs={"rows": 2}))


class InviteForm(forms.Form):
    contact = forms.ModelChoiceField(
        label=_("Contactpersoon"),
        queryset=None,
        help_text=_("Alleen contactpersonen met een e-mailadres en nog zonder account."),
        empty_label=_("Kies een contactpersoon"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The CRM's contacts, reached through the user's own link to them: accounts sits below the CRM.
        contact_model = User._meta.get_field("contact").related_model
        self.fields["contact"].queryset = contact_model.objects.filter(user__isnull=True).exclude(email="")

    def clean_contact(self):
        contact = self.cleaned_data["contact"]
        if User.objects.filter(email__iexact=contact.email).exists():
            raise forms.ValidationError(_("Er bestaat al een account met dit e-mailadres."))
        return contact


class QueuedPasswordResetForm(auth_forms.PasswordResetForm):
    """The reset mail goes through the background queue, so a mail server that is down delays it (retried)
    instead of Django logging the failure and dropping the mail."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):  # noqa: E501
        import logging

        from django.template.loader import render_to_string

        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        try:
            send_templated_mail(
                to=[to_email], subject=subject, template=email_template_name.removesuffix(".txt"), context=context
            )
        except Exception:  # noqa: BLE001 - as Django does: the page must not reveal whether the address exists
            logging.getLogger(__name__).exception("Could not queue the password reset mail")
