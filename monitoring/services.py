"""Writing participation: validated, kept as history, one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Participation, ParticipationChange
from .permissions import user_can_edit_municipality

# The programme began in 2021 (seed text); nothing in it happened before.
PROGRAMME_START = datetime.date(2021, 1, 1)
Status = Participation.Status


def participation_validate(*, status: str, started_on, finished_on) -> None:
    """The same rules for the form and for the service; messages in plain Dutch."""
    today = timezone.localdate()
    errors = {}
    for field, value in (("started_on", started_on), ("finished_on", finished_on)):
        if value and not (PROGRAMME_START <= value <= today):
            errors[field] = _("Kies een datum tussen 1 januari 2021 (de start van het programma) en vandaag.")
    if started_on and finished_on and finished_on < started_on:
        errors.setdefault("finished_on", _("De einddatum ligt vóór de startdatum."))
    if status in (Status.STARTED, Status.DONE) and not started_on:
        errors.setdefault("started_on", _("Vul de startdatum in als de module gestart of afgerond is."))
    if status == Status.DONE and not finished_on:
        errors.setdefault("finished_on", _("Vul de datum in waarop de module is afgerond."))
    if status != Status.DONE and finished_on:
        errors.setdefault("finished_on", _("Een einddatum hoort alleen bij een afgeronde module."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def participation_update(
    *,
    user,
    municipality,
    module,
    status: str,
    started_on=None,
    finished_on=None,
    responsible_aov=None,
    notes: str = "",
) -> Participation:
    if not user_can_edit_municipality(user, municipality):
        raise PermissionError("not allowed to edit this municipality's progress")
    participation_validate(status=status, started_on=started_on, finished_on=finished_on)
    participation, _created = Participation.objects.select_for_update().get_or_create(
        municipality=municipality, module=module
    )
    previous = participation.status if not _created else ""
    participation.status = status
    participation.started_on = started_on
    participation.finished_on = finished_on
    participation.responsible_aov = responsible_aov
    participation.notes = notes
    participation.updated_by = user
    participation.save()
    ParticipationChange.objects.create(
        participation=participation,
        status_from=previous,
        status_to=status,
        started_on=started_on,
        finished_on=finished_on,
        note=notes[:1000],
        changed_by=user,
    )
    return participation
