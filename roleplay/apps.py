from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class RoleplayConfig(AppConfig):
    name = "roleplay"
    verbose_name = "Roleplay"

    def ready(self):
        from assessments.models import Competency

        from .services import forget_traits

        post_save.connect(forget_traits, sender=Competency, dispatch_uid="roleplay-forget-traits-save")
        post_delete.connect(forget_traits, sender=Competency, dispatch_uid="roleplay-forget-traits-delete")
