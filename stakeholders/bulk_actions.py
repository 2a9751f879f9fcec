"""Bulk actions on the CRM lists. Deactivating keeps the history (nothing is hard-deleted)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.log_actions import log
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from .models import Organisation


class DeactivateOrganisationsBulkAction(SnippetBulkAction):
    display_name = _("Deactiveren")
    action_type = "deactivate"
    aria_label = _("Geselecteerde organisaties deactiveren")
    template_name = "stakeholders/admin/confirm_bulk_deactivate.html"
    action_priority = 20
    models = [Organisation]

    def check_perm(self, organisation):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, "change", organisation)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        active = [organisation for organisation in objects if organisation.is_active]
        for organisation in active:
            # Saved one by one (not a queryset update) so that everything listening to saves follows: the
            # search index drops the organisation and its people from partners' results at once.
            organisation.is_active = False
            organisation.save(update_fields=["is_active", "updated_at"])
            log(instance=organisation, action="vbg.crm.deactivated", user=user)
        return len(active), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d organisatie gedeactiveerd.", "%(count)d organisaties gedeactiveerd.", num_parent_objects
        ) % {"count": num_parent_objects}
