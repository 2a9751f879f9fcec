from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from core.roles import REFERRAL_ROLES, Role

from . import mfa, services, throttle
from .forms import (
    EnrolForm,
    GrantDecisionForm,
    InviteForm,
    LoginForm,
    MFAResetForm,
    QueuedPasswordResetForm,
    RoleChangeForm,
    TokenForm,
)
from .models import RoleGrant, User
from .permissions import user_can_decide_role_grants, user_can_invite, user_can_manage_users
from .selectors import pending_role_grants, users_for_management


def _safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


class LoginView(auth_views.LoginView):
    """Password step. Throttled per (account, client address) before any password check."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        wait = throttle.login_wait_seconds(request, username)
        if wait:
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                ngettext(
                    "Te veel mislukte pogingen. Probeer het over %(n)d seconde opnieuw.",
                    "Te veel mislukte pogingen. Probeer het over %(n)d seconden opnieuw.",
                    wait,
                )
                % {"n": wait},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.login_failed(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.login_succeeded(self.request, self.request.POST.get("username", ""))
        response = super().form_valid(form)
        user = form.get_user()
        if user.requires_mfa:
            step = "accounts:mfa_verify" if mfa.user_has_confirmed_device(user) else "accounts:mfa_setup"
            return HttpResponseRedirect(f"{reverse(step)}?next={self.get_success_url()}")
        return response


@login_required
def mfa_verify(request):
    if request.user.is_verified():
        return redirect(_safe_next(request))
    if not mfa.user_has_confirmed_device(request.user):
        return redirect(f"{reverse('accounts:mfa_setup')}?next={_safe_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = mfa.wait_seconds(request.user)
        if wait:
            form.add_error(
                "token", _("Te veel onjuiste codes. Wacht %(n)d seconden en probeer het opnieuw.") % {"n": wait}
            )
        elif (device := mfa.verify_any(request.user, form.cleaned_data["token"])) is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        else:
            form.add_error("token", _("Deze code klopt niet of is verlopen. Probeer de nieuwste code uit uw app."))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _safe_next(request)})


@never_cache
@login_required
def mfa_setup(request):
    """Enrolment. Someone who already has a device must verify first (middleware) and then
    cannot replace it here; a Beheerder resets it instead."""
    if mfa.user_has_confirmed_device(request.user):
        return redirect("accounts:profile")
    device = mfa.totp_device_pending(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.totp_confirm(device, form.cleaned_data["token"]):
            otp_login(request, device)
            codes = mfa.recovery_codes_regenerate(request.user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _safe_next(request)})
        form.add_error(
            "token", _("Deze code klopt niet. Controleer de tijd op uw telefoon en probeer de nieuwste code.")
        )
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_svg": mfa.totp_qr_svg(device),
            "secret": mfa.totp_secret_base32(device),
            "next": _safe_next(request),
        },
    )


@never_cache
@login_required
@require_POST
def recovery_codes_regenerate(request):
    if not request.user.is_verified():
        raise PermissionDenied
    codes = mfa.recovery_codes_regenerate(request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:profile")})


@login_required
def profile(request):
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": [Role(r).label for r in sorted(request.user.roles)],
            "has_mfa": mfa.user_has_confirmed_device(request.user),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class InviteAcceptView(PasswordResetConfirmView):
    """An invitation is a password-reset token for an account without a password yet."""

    template_name = "accounts/invite_accept.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        messages.success(self.request, _("Uw wachtwoord is ingesteld. Log nu in."))
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Uw wachtwoord is gewijzigd."))
        return super().form_valid(form)


# --- Account management (Beheerder, privacy officer, secretariat) ----------------------------


@login_required
def user_list(request):
    if not user_can_manage_users(request.user):
        raise Http404
    return render(
        request, "accounts/manage/user_list.html", {"users": users_for_management(q=request.GET.get("q", ""))}
    )


@login_required
def user_detail(request, pk: int):
    if not user_can_manage_users(request.user):
        raise Http404
    subject = get_object_or_404(User, pk=pk)
    role_form = RoleChangeForm(request.POST or None, prefix="role")
    reset_form = MFAResetForm(request.POST or None, prefix="mfa")
    if request.method == "POST":
        try:
            if "assign" in request.POST and role_form.is_valid():
                role = role_form.cleaned_data["role"]
                if role in REFERRAL_ROLES:
                    services.role_grant_request(
                        actor=request.user, user=subject, role=role, reason=role_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("De aanvraag ligt nu bij de privacy officer."))
                else:
                    services.role_assign(actor=request.user, user=subject, role=role)
                    messages.success(request, _("De rol is toegekend."))
                return redirect("accounts:user_detail", pk=subject.pk)
            if "revoke" in request.POST:
                role = request.POST.get("revoke")
                if role not in Role.values:
                    raise ValidationError(_("Onbekende rol."))
                services.role_revoke(actor=request.user, user=subject, role=role)
                messages.success(request, _("De rol is ingetrokken."))
                return redirect("accounts:user_detail", pk=subject.pk)
            if "reset_mfa" in request.POST and reset_form.is_valid():
                services.mfa_reset(actor=request.user, user=subject, reason=reset_form.cleaned_data["reason"])
                messages.success(
                    request, _("MFA is hersteld. De gebruiker stelt het bij de volgende login opnieuw in.")
                )
                return redirect("accounts:user_detail", pk=subject.pk)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return render(
        request,
        "accounts/manage/user_detail.html",
        {
            "subject": subject,
            "subject_roles": [(r, Role(r).label) for r in sorted(subject.roles)],
            "role_form": role_form,
            "reset_form": reset_form,
            "grants": subject.role_grants.select_related("requested_by", "decided_by")[:20],
            "has_mfa": mfa.user_has_confirmed_device(subject),
        },
    )


@login_required
def role_grant_list(request):
    if not user_can_decide_role_grants(request.user):
        raise Http404
    return render(
        request, "accounts/manage/role_grants.html", {"grants": pending_role_grants(), "form": GrantDecisionForm()}
    )


@login_required
@require_POST
def role_grant_decide(request, pk):
    if not user_can_decide_role_grants(request.user):
        raise Http404
    grant = get_object_or_404(RoleGrant, pk=pk)
    form = GrantDecisionForm(request.POST)
    form.is_valid()
    try:
        services.role_grant_decide(
            actor=request.user, grant=grant, approve="approve" in request.POST, note=form.cleaned_data.get("note", "")
        )
        messages.success(request, _("Uw besluit is vastgelegd."))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("accounts:role_grants")


@login_required
def invite(request):
    if not user_can_invite(request.user):
        raise Http404
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite_contact(actor=request.user, contact=form.cleaned_data["contact"])
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("De uitnodiging is verstuurd naar %(email)s.") % {"email": user.email})
            return redirect("accounts:invite")
    return render(request, "accounts/manage/invite.html", {"form": form})
