from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portaal")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from django.db.models.signals import post_migrate, pre_migrate

        from . import navigation, page_cache, signals  # noqa: F401

        pre_migrate.connect(page_cache.migration_started, dispatch_uid="page_cache_migration_started")
        post_migrate.connect(page_cache.migration_finished, dispatch_uid="page_cache_migration_finished")

        navigation.register_core_items()
