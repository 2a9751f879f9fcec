"""The reference data and the page tree every installation starts from (`seed_reference_data`): the composition
of what each app puts in place, in the order they depend on each other."""

from accounts.services import roles_ensure_groups
from core.audience import page_audience_rebuild
from core.services import cms_permissions_ensure, site_pages_ensure
from knowledgebase.services import knowledge_pages_ensure, knowledge_workflow_ensure
from meetings.services.platforms import platform_pages_ensure
from search.synonyms import default_synonyms_ensure
from stakeholders.services import reference_data_seed


def platform_seed() -> dict[str, int]:
    """Everything `seed_reference_data` puts in place: reference facts, role groups, pages, CMS rights."""
    counts = reference_data_seed()
    roles_ensure_groups()
    home = site_pages_ensure()
    knowledge_pages_ensure(home)
    platform_pages_ensure(home)
    cms_permissions_ensure(home)
    knowledge_workflow_ensure()
    counts["pages"] = page_audience_rebuild()
    counts["synonym groups"] = default_synonyms_ensure()
    return counts
