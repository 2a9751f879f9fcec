"""The mixed journey of `make loadtest` (scripts/loadtest/run.py starts it): anonymous readers, partners and
the secretariat, weighted about 60/30/10, on the production server. Partners read, search, vote on articles,
answer their invitation and comment on draft minutes; the secretariat updates action items and records
decisions. Writes are named "<class> write: ..." so that their rate can be reported.

The URLs and the demo users' sessions come from the JSON file in LOADTEST_TARGETS (run.py builds them from the
load-test database). Production mode marks the session and CSRF cookies Secure, so they are sent here in an
explicit Cookie header over plain HTTP. Every page must answer 200 itself: a redirect (to the login page, say)
counts as a failure, as do errors. Request names start with the user class, so that per-class figures can be
made; they are written at the end to LOADTEST_CLASSES_OUT."""

import json
import os
import random
import re
from urllib.parse import urlencode

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.stats import StatsEntry

TARGETS = json.loads(open(os.environ["LOADTEST_TARGETS"]).read()) if "LOADTEST_TARGETS" in os.environ else {}
SEARCHES = ["drugsafval", "schuur", "wietplantage schuur", "hennepkwekerij", "drugsdumpng", "agrarische coach"]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


class Visitor(FastHttpUser):
    abstract = True
    # People read a page before they open the next one; this keeps 50 users a plausible busy hour.
    wait_time = between(0.5, 1.5)
    label = ""
    cookie_pool = ""

    def on_start(self):
        pool = TARGETS.get(self.cookie_pool) or [None]
        self.cookie = pool.pop() if len(pool) > 1 else pool[0]
        self.csrf_cookie = self.form_token = ""

    def _cookie_with_csrf(self) -> str:
        return f"{self.cookie}; csrftoken={self.csrf_cookie}" if self.csrf_cookie else (self.cookie or "")

    def page(self, path: str, name: str):
        headers = {"Cookie": self._cookie_with_csrf()} if self.cookie else {}
        with self.client.get(
            path, name=f"{self.label} {name}", headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
            return response

    def _form_token(self, response) -> str:
        """The form's token, and the CSRF cookie the server set (kept for the next forms, as a browser does)."""
        for value in _set_cookie_values(response):
            match = CSRF_COOKIE.match(value)
            if match:
                self.csrf_cookie = match.group(1)
        match = CSRF_FIELD.search(response.text or "")
        if match:
            self.form_token = match.group(1)
        return self.form_token

    def _post(self, path: str, name: str, data: dict):
        headers = {
            "Cookie": f"{self.cookie}; csrftoken={self.csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        with self.client.post(
            path,
            data=urlencode({"csrfmiddlewaretoken": self.form_token, **data}),
            name=f"{self.label} write: {name}",
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A saved form redirects; a form shown again (200 or 400) or an error did not save.
            if response.status_code != 302:
                response.failure(f"{response.status_code} for POST {path}")


class AnonymousReader(Visitor):
    weight = 60
    label = "anonymous"

    @task(3)
    def home(self):
        self.page("/", "home")

    @task(2)
    def knowledge_index(self):
        self.page("/kennisbank/", "knowledge index")

    @task(4)
    def article(self):
        self.page(random.choice(TARGETS["public_articles"]), "article")

    @task(1)
    def privacy(self):
        self.page(TARGETS["privacy_page"], "privacy statement")


class Partner(Visitor):
    weight = 30
    label = "partner"
    cookie_pool = "partner_cookies"

    @task(1)
    def meetings(self):
        self.page("/platforms/", "platforms")

    @task(3)
    def meeting(self):
        self.page(random.choice(TARGETS["meetings"]), "meeting page")

    @task(2)
    def directory(self):
        self.page("/wie-is-wie/", "directory")

    @task(2)
    def organisation(self):
        self.page(random.choice(TARGETS["organisations"]), "organisation page")

    @task(2)
    def article(self):
        self.page(random.choice(TARGETS["partners_articles"]), "partners article")

    @task(2)
    def search(self):
        self.page("/zoeken/?" + urlencode({"q": random.choice(SEARCHES)}), "search")

    @task(3)
    def bell(self):
        self.page("/meldingen/ongelezen/", "bell poll")

    @task(1)
    def vote(self):
        """Read a partners-only article and say whether it helped (the form's token comes with the page)."""
        self._form_token(self.page(random.choice(TARGETS["partners_articles"]), "partners article"))
        if self.form_token:
            page_id = random.choice(TARGETS["vote_pages"])
            self._post(f"/kennis/{page_id}/nuttig/", "helpful vote", {"helpful": random.choice(["ja", "nee"])})

    @task(1)
    def answer_invitation(self):
        """Open the next meeting and answer the invitation (yes or no in turn, as people change their plans)."""
        self._form_token(self.page(TARGETS["meeting"], "meeting page"))
        if self.form_token:
            meeting_id = TARGETS["invitation_meeting_id"]
            self._post(
                f"/overleg/{meeting_id}/antwoord/",
                "invitation answer",
                {"response": random.choice(["attending", "declined"])},
            )

    @task(1)
    def comment_on_minutes(self):
        minutes = TARGETS.get("comment_minutes")
        if not minutes:
            return
        path = f"/overleg/{minutes['meeting_id']}/notulen/"
        self._form_token(self.page(path, "minutes"))
        if self.form_token:
            item_id = random.choice(minutes["item_ids"])
            self._post(f"{path}reageren/{item_id}/", "minutes comment", {"text": "[loadtest] aanvulling op dit punt"})


class Secretariat(Visitor):
    weight = 10
    label = "secretariat"
    cookie_pool = "secretariat_cookies"

    @task(2)
    def action_list(self):
        self.page("/actiepunten/", "action list")

    @task(3)
    def update_action_item(self):
        """The portal's form for an action item: a new status (open and in progress in turn) with a note."""
        pk = random.choice(TARGETS["action_items"])
        form = self.page(f"/actiepunten/{pk}/", "action item form")
        token = self._form_token(form)
        status = random.choice(["open", "in_uitvoering"])
        if token:
            self._post(
                f"/actiepunten/{pk}/", "action item", {"status": status, "note": "[loadtest] voortgang bijgewerkt"}
            )

    @task(1)
    def add_decision(self):
        """A decision on the latest past Kennemerland meeting (run.py removes them at the next start)."""
        meeting = TARGETS["decision_meeting_id"]
        if not self.form_token:
            self._form_token(self.page(f"/actiepunten/{random.choice(TARGETS['action_items'])}/", "action item form"))
        self._post(f"/overleg/{meeting}/besluit/", "decision", {"text": "[loadtest] besluit", "agenda_item": ""})


def _set_cookie_values(response) -> list[str]:
    """Every Set-Cookie value: geventhttpclient gives a string for one header and a list for several."""
    value = response.headers.get("Set-Cookie") if response.headers else None
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


@events.test_stop.add_listener
def per_class_figures(environment, **kwargs):
    """Figures per user class from locust's own histograms (the request names start with the class)."""
    out = os.environ.get("LOADTEST_CLASSES_OUT")
    if not out:
        return
    stats = environment.stats
    figures = {}
    for label in ("anonymous", "partner", "secretariat"):
        merged = StatsEntry(stats, label, "", use_response_times_cache=False)
        for (name, _method), entry in stats.entries.items():
            if name.startswith(label + " "):
                merged.extend(entry)
        if not merged.num_requests:
            continue
        figures[label] = {
            "rps": merged.total_rps,
            "requests": merged.num_requests,
            "errors": merged.num_failures,
            "p50_ms": merged.get_response_time_percentile(0.5),
            "p95_ms": merged.get_response_time_percentile(0.95),
            "p99_ms": merged.get_response_time_percentile(0.99),
        }
    writes = StatsEntry(stats, "writes", "", use_response_times_cache=False)
    for (name, _method), entry in stats.entries.items():
        if " write: " in name:
            writes.extend(entry)
    figures["writes"] = {
        "rps": writes.total_rps,
        "requests": writes.num_requests,
        "p95_ms": writes.get_response_time_percentile(0.95) if writes.num_requests else None,
    }
    with open(out, "w") as file:
        json.dump(figures, file)
