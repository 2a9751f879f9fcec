"""The portal's own search documents: one row per searchable object, with its access rule and facets.

The database engine searches these rows (SQLite FTS5 or PostgreSQL full text, created in the migrations);
they are also the fallback when Elasticsearch is down, so they are written even when it is configured.
Referrals are never stored here (search.documents has no type for them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .access import LEVELS


class SearchDocument(models.Model):
    doc_type = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)
    title = models.TextField()
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    date = models.DateField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    weight = models.FloatField(default=1.0)

    access_level = models.CharField(max_length=10, choices=[(level, level) for level in LEVELS])
    needs_district = models.BooleanField(default=False)
    needs_group = models.BooleanField(default=False)
    scope_changes_on = models.DateField(null=True, blank=True)

    # Analysed text: folded words (autocomplete, parts of words, PostgreSQL's `dutch` vector) and Dutch
    # stems (SQLite's full-text index, which has no Dutch stemmer of its own).
    title_folded = models.TextField(blank=True)
    text_folded = models.TextField(blank=True)
    title_stems = models.TextField(blank=True)
    body_stems = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_document_unique_key")]
        indexes = [models.Index(fields=["access_level"]), models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.doc_type}:{self.object_id} {self.title[:60]}"


class SearchDocumentAccess(models.Model):
    """A district or group that opens a document (only read when the document needs one)."""

    class Kind(models.TextChoices):
        DISTRICT = "district"
        GROUP = "group"

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="access_rows")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["kind", "value", "document"])]

    def __str__(self):
        return f"{self.document_id} {self.kind}={self.value}"


class SearchTag(models.Model):
    """A facet value of a document (theme, district, municipality, module)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="tags")
    facet = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    label = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["facet", "key", "document"]), models.Index(fields=["document", "facet"])]

    def __str__(self):
        return f"{self.document_id} {self.facet}={self.key}"


class SearchTerm(models.Model):
    """The words of the index, for "bedoelde u" suggestions (a trigram index sits beside it)."""

    word = models.CharField(max_length=100, unique=True)
    documents = models.PositiveIntegerField(default=0)
    # The word occurs in a document every signed-in person may read (search.access.open_to_everyone_signed_in).
    # Only such words split compounds (search.analysis.Lexicon): a part known from a hidden document would change
    # what a visible document matches, and so tell anyone who can write a visible one ("kooimanlab" in their own
    # profile) whether a hidden text holds a word.
    public = models.BooleanField(default=False)

    def __str__(self):
        return self.word


class SynonymGroup(models.Model):
    """Words that mean the same to the people searching; the secretariat keeps them in the admin."""

    terms = models.TextField(
        _("woorden"),
        help_text=_(
            "Woorden of woordgroepen met dezelfde betekenis, gescheiden door komma's. "
            "Bijvoorbeeld: hennepkwekerij, wietplantage, kwekerij."
        ),
    )
    note = models.CharField(_("toelichting"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("synoniemengroep")
        verbose_name_plural = _("synoniemen")
        ordering = ["terms"]

    def __str__(self):
        return self.terms

    def members(self) -> list[str]:
        return [member.strip() for member in self.terms.split(",") if member.strip()]

    def clean(self):
        from django.core.exceptions import ValidationError

        from .analysis import words  # here: analysis reads these models

        members = self.members()
        if len(members) < 2:
            raise ValidationError({"terms": _("Noem minstens twee woorden, gescheiden door een komma.")})
        for member in members:
            if not words(member):
                raise ValidationError({"terms": _("‘%(member)s’ bevat geen letters of cijfers.") % {"member": member}})
            if len(member) > 100:
                raise ValidationError({"terms": _("Een woord of woordgroep mag hoogstens 100 tekens hebben.")})
        self.terms = ", ".join(dict.fromkeys(members))


class SearchIndexFailure(models.Model):
    """An Elasticsearch write that failed (attempts >= 1) or is under way (attempts 0, written before the
    database documents change); retried by the worker, reported on /health/ while present. While any row
    exists, searches are answered from the database documents (search.selectors.elasticsearch_lags)."""

    doc_type = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    first_failed_at = models.DateTimeField(auto_now_add=True)
    last_failed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_failure_unique_key")]

    def __str__(self):
        return f"{self.doc_type}:{self.object_id} ({self.attempts})"
