from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Stored as a Fernet token; Python sees the plain text. Not searchable, not orderable, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def to_python(self, value):
        return value
