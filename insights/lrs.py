"""Sending statements to a learning record store: an outbox table and a worker.

`outbox_fill` finds graded attempts and ended trainer-led sessions that have no outbox row yet
and stores their statements; `outbox_send` PUTs each due statement to
`<XAPI_LRS_ENDPOINT>/statements?statementId=<id>`. A statement the LRS accepts (200/204) or
already has (409) is sent; anything else (an error status, a timeout, a refused connection) is
tried again later, waiting 30 s, 1 min, 2 min … up to an hour between tries, and given up
(status `failed`) after MAX_TRIES. `manage.py xapi_send` runs both in a loop.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessments.models import Attempt
from roleplay.models import RoleplaySession

from . import xapi
from .models import XapiStatement

logger = logging.getLogger(__name__)

MAX_TRIES = 10
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
TIMEOUT_SECONDS = 10


def is_configured() -> bool:
    return bool(settings.XAPI_LRS_ENDPOINT)


def retry_delay(tries: int) -> timedelta:
    """The wait after the n-th failed try: 30 s, 60 s, 120 s … at most an hour."""
    return timedelta(seconds=min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** max(0, tries - 1)))


def outbox_fill(*, limit: int = 500, now=None) -> int:
    """Queue statements for attempts and sessions that have none yet; returns how many."""
    now = now or timezone.now()
    queued_attempts = XapiStatement.objects.filter(kind=XapiStatement.Kind.ATTEMPT).values("object_pk")
    queued_sessions = XapiStatement.objects.filter(kind=XapiStatement.Kind.ROLEPLAY).values("object_pk")
    attempt_ids = list(
        Attempt.objects.filter(state=Attempt.State.GRADED).exclude(pk__in=queued_attempts)
        .order_by("graded_at", "id").values_list("pk", flat=True)[:limit]
    )
    session_ids = list(
        RoleplaySession.objects.filter(status=RoleplaySession.Status.ENDED, kind=RoleplaySession.Kind.TRAINER_LED)
        .exclude(pk__in=queued_sessions).order_by("ended_at", "id").values_list("pk", flat=True)[:limit]
    )
    rows = [(XapiStatement.Kind.ATTEMPT, pk, statement)
            for pk, statement in xapi.attempt_statement_pairs(Attempt.objects.filter(pk__in=attempt_ids))]
    rows += [(XapiStatement.Kind.ROLEPLAY, pk, statement)
             for pk, statement in xapi.session_statement_pairs(RoleplaySession.objects.filter(pk__in=session_ids))]
    objects = [
        XapiStatement(
            statement_id=statement["id"], kind=kind, object_pk=pk,
            learner_id=int(statement["actor"]["account"]["name"]), payload=statement, next_try_at=now,
        )
        for kind, pk, statement in rows
    ]
    XapiStatement.objects.bulk_create(objects, ignore_conflicts=True)
    return len(objects)


def _request(statement: dict) -> urllib.request.Request:
    endpoint = settings.XAPI_LRS_ENDPOINT.rstrip("/")
    headers = {
        "Content-Type": "application/json",
        "X-Experience-API-Version": xapi.VERSION,
    }
    if settings.XAPI_LRS_USERNAME:
        token = f"{settings.XAPI_LRS_USERNAME}:{settings.XAPI_LRS_PASSWORD}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
    return urllib.request.Request(
        f"{endpoint}/statements?statementId={statement['id']}",
        data=json.dumps(statement).encode(), headers=headers, method="PUT",
    )


def send_one(statement: dict) -> tuple[bool, str]:
    """PUT one statement; (delivered, error message)."""
    try:
        with urllib.request.urlopen(_request(statement), timeout=TIMEOUT_SECONDS) as response:
            return 200 <= response.status < 300, f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        if error.code == 409:  # the LRS already has a statement with this id
            return True, ""
        body = error.read(300).decode(errors="replace")
        return False, f"HTTP {error.code}: {body}"
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        return False, str(getattr(error, "reason", error))


def outbox_send(*, limit: int = 100, now=None) -> dict:
    """Send the statements that are due; returns counts of sent, retried and failed."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not is_configured():
        return counts
    due = list(XapiStatement.objects.filter(status=XapiStatement.Status.PENDING, next_try_at__lte=now)
               .order_by("next_try_at", "id")[:limit])
    for row in due:
        delivered, error = send_one(row.payload)
        row.tries += 1
        if delivered:
            row.status, row.sent_at, row.last_error = XapiStatement.Status.SENT, timezone.now(), ""
            counts["sent"] += 1
        else:
            row.last_error = error[:1000]
            if row.tries >= MAX_TRIES:
                row.status = XapiStatement.Status.FAILED
                counts["failed"] += 1
                logger.warning("xAPI statement %s given up after %s tries: %s", row.statement_id, row.tries, error)
            else:
                row.next_try_at = now + retry_delay(row.tries)
                counts["retry"] += 1
        with transaction.atomic():
            XapiStatement.objects.filter(pk=row.pk).update(
                status=row.status, sent_at=row.sent_at, last_error=row.last_error, tries=row.tries,
                next_try_at=row.next_try_at,
            )
    return counts


def outbox_retry_failed(*, learners=None) -> int:
    """Give statements that were given up another series of tries."""
    rows = XapiStatement.objects.filter(status=XapiStatement.Status.FAILED)
    if learners is not None:
        rows = rows.filter(learner__in=learners)
    return rows.update(status=XapiStatement.Status.PENDING, tries=0, next_try_at=timezone.now())
