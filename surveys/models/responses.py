"""Codes and answers, kept apart by construction. A code row holds only its keyed hash and exists until the
code is used: then it is deleted, in a transaction of its own, before the response is stored in another. A
response knows its campaign, the day it was sent and the answers, nothing that leads back to a code (no
foreign key, no time of day, a random primary key). Code rows are inserted in random order, so their ids say
nothing about the order of the address file."""

import uuid

from django.db import models


class InvitationCode(models.Model):
    campaign = models.ForeignKey("surveys.Campaign", on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    # Answers saved halfway, encrypted with a key derived from the code itself: only the holder of the letter
    # can read them, and they are erased when the response is sent.
    draft = models.TextField(blank=True)

    def __str__(self):
        return f"code {self.pk}"


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey("surveys.Campaign", on_delete=models.CASCADE, related_name="responses")
    submitted_on = models.DateField()
    respondent_type = models.CharField(max_length=40, blank=True)
    answers = models.JSONField(default=dict)  # question code -> value or list of values (closed questions)

    class Meta:
        indexes = [models.Index(fields=["campaign", "respondent_type"])]

    def __str__(self):
        return f"response {self.pk}"


class OpenAnswer(models.Model):
    """An answer in the respondent's own words; the secretariat marks the ones fit to quote in the report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="open_answers")
    question = models.ForeignKey("surveys.Question", on_delete=models.CASCADE, related_name="open_answers")
    text = models.TextField(max_length=4000)
    quotable = models.BooleanField(default=False)

    def __str__(self):
        return f"open answer {self.pk}"
