"""Statements reach a learning record store in the background, and survive its failures."""

import base64
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone
from ralph.models.xapi.base.statements import BaseXapiStatement

from insights import lrs
from insights.models import XapiStatement


class FakeLRS:
    """A tiny LRS on 127.0.0.1: answers the queued status codes in turn (then 204) and keeps
    every statement it accepted."""

    def __init__(self):
        self.answers: list[int] = []
        self.received: list[dict] = []
        self.requests: list[dict] = []
        lrs_ = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                lrs_.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
                status = lrs_.answers.pop(0) if lrs_.answers else 204
                if status < 300:
                    lrs_.received.append(json.loads(body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xAPI/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_lrs(settings):
    with FakeLRS() as server:
        settings.XAPI_LRS_ENDPOINT = server.url
        settings.XAPI_LRS_USERNAME = "academy"
        settings.XAPI_LRS_PASSWORD = "s3cret"
        yield server


def test_outbox_collects_each_attempt_and_session_once(graded_attempt, ended_session):
    assert lrs.outbox_fill() == 2
    assert lrs.outbox_fill() == 0
    kinds = set(XapiStatement.objects.values_list("kind", "object_pk"))
    assert kinds == {("attempt", graded_attempt.pk), ("roleplay", ended_session.pk)}
    for row in XapiStatement.objects.all():
        BaseXapiStatement(**row.payload)


def test_statements_are_put_with_auth_and_version(fake_lrs, graded_attempt, ended_session):
    lrs.outbox_fill()
    assert lrs.outbox_send() == {"sent": 2, "retry": 0, "failed": 0}
    assert XapiStatement.objects.filter(status="sent").count() == 2
    request = fake_lrs.requests[0]
    assert request["path"].startswith("/xAPI/statements?statementId=")
    assert request["headers"]["x-experience-api-version"] == "1.0.3"
    assert request["headers"]["authorization"] == "Basic " + base64.b64encode(b"academy:s3cret").decode()
    assert {s["id"] for s in fake_lrs.received} == set(
        str(i) for i in XapiStatement.objects.values_list("statement_id", flat=True))


def test_a_failure_is_retried_later_with_backoff(fake_lrs, graded_attempt):
    lrs.outbox_fill()
    fake_lrs.answers = [503]
    now = timezone.now()
    assert lrs.outbox_send(now=now) == {"sent": 0, "retry": 1, "failed": 0}
    row = XapiStatement.objects.get()
    assert row.status == "pending" and row.tries == 1 and "503" in row.last_error
    assert row.next_try_at == now + timedelta(seconds=30)
    assert lrs.outbox_send(now=now + timedelta(seconds=10)) == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
    assert lrs.outbox_send(now=now + timedelta(seconds=31)) == {"sent": 1, "retry": 0, "failed": 0}
    row.refresh_from_db()
    assert row.status == "sent" and row.tries == 2 and row.last_error == ""
    assert len(fake_lrs.received) == 1


def test_a_statement_the_lrs_already_has_counts_as_sent(fake_lrs, graded_attempt):
    lrs.outbox_fill()
    fake_lrs.answers = [409]
    assert lrs.outbox_send()["sent"] == 1


def test_unreachable_lrs_is_given_up_after_the_last_try(settings, graded_attempt):
    settings.XAPI_LRS_ENDPOINT = "http://127.0.0.1:9/xAPI"  # nothing listens on the discard port
    lrs.outbox_fill()
    now = timezone.now()
    for _ in range(lrs.MAX_TRIES):
        lrs.outbox_send(now=now)
        now += timedelta(hours=2)
    row = XapiStatement.objects.get()
    assert row.status == "failed" and row.tries == lrs.MAX_TRIES
    assert lrs.outbox_retry_failed() == 1
    assert XapiStatement.objects.get().status == "pending"


def test_retry_delays_grow_to_an_hour():
    assert [lrs.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_worker_command_sends_once(fake_lrs, graded_attempt, ended_session):
    call_command("xapi_send", "--once", verbosity=0)
    assert len(fake_lrs.received) == 2


def test_worker_without_an_lrs_does_nothing(settings, graded_attempt):
    settings.XAPI_LRS_ENDPOINT = ""
    call_command("xapi_send", "--once", verbosity=0)
    assert not XapiStatement.objects.exists()
