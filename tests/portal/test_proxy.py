"""The web edge: deploy/nginx's proxy, run by Debian's nginx, in front of a real gunicorn with one worker."""

import http.client
import json
import random
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from l2_ingest.models import Transmission
from l2_ingest.sender import signed_headers
from l2_ingest.services import partner_secret_create
from l2_ingest.signing import generate_secret
from tests.l2_ingest.helpers import CONTENT_TYPE, ids_file, metadata, multipart, stored_transmission
from tests.servers import gunicorn_log

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/l2/v1/transmissions"
APP_PUSH = f'"POST {URL} HTTP/1.'  # a push in gunicorn's access log


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


def fresh_address() -> str:
    """A loopback address of its own to connect from (Linux routes all of 127/8), for a count of its own."""
    return f"127.{random.randrange(1, 255)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def fresh_client() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def send(proxy, method, path, *, source, body=None, headers=None, chunked=False) -> Answer:
    conn = http.client.HTTPConnection(proxy.host, proxy.port, timeout=30, source_address=(source, 0))
    try:
        if chunked:
            chunks = (body[i : i + 4096] for i in range(0, len(body), 4096))
            conn.request(method, path, body=chunks, headers=headers or {}, encode_chunked=True)
        else:
            conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        conn.close()


def push(proxy, secret, body, *, source, headers=None, chunked=False) -> Answer:
    headers = {"Content-Type": CONTENT_TYPE, **signed_headers(secret, [body]), **(headers or {})}
    return send(proxy, "POST", URL, source=source, body=body, headers=headers, chunked=chunked)


def assert_problem(answer: Answer, status: int, code: str) -> dict:
    assert answer.status == status, answer.body
    assert answer.headers["Content-Type"] == "application/problem+json"
    document = answer.json()
    assert (document["status"], document["code"]) == (status, code)
    assert document["title"] and document["detail"] and document["type"].endswith(code)
    return document


def logged(log: Path, line: str, *, at_least: int) -> int:
    """How often gunicorn logged line, once it has at least `at_least` times (it logs just after answering)."""
    for _ in range(50):
        count = log.read_text().count(line)
        if count >= at_least:
            break
        time.sleep(0.1)
    return count


def files_left(*folders: Path) -> list[Path]:
    """Files under the folders, once none is left (nginx removes its temp file just after answering)."""
    for _ in range(50):
        left = [p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()]
        if not left:
            break
        time.sleep(0.1)
    return left


def stall_a_push(proxy, secret, body: bytes, *, source: str) -> socket.socket:
    """A push whose head and first half arrive, and then nothing more."""
    stalled = socket.create_connection((proxy.host, proxy.port), timeout=30, source_address=(source, 0))
    headers = {"Content-Type": CONTENT_TYPE, "Content-Length": len(body), **signed_headers(secret, [body])}
    head = f"POST {URL} HTTP/1.1\r\nHost: {proxy.host}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    stalled.sendall(head.encode() + body[: len(body) // 2])
    return stalled


def pending(connection: socket.socket) -> bool:
    """Neither answered nor closed yet."""
    connection.setblocking(False)
    try:
        connection.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    finally:
        connection.settimeout(30)
    return False


@pytest.fixture
def l2_secret(db):
    return partner_secret_create(label="L2 test")[1]


@pytest.fixture
def edge(gunicorn_factory, nginx_factory, tmp_path):
    """start(app_env=..., **proxy values) -> (nginx, gunicorn's log): nginx in front of one gunicorn worker."""

    def start(*, app_env: dict | None = None, **values):
        url = gunicorn_factory(
            **{
                "NUM_PROXIES": 1,
                "L2_RATE_LIMIT": "10000/minute",
                "GUNICORN_CMD_ARGS": "--access-logfile -",
                **(app_env or {}),
            }
        )
        return nginx_factory(url, **values), gunicorn_log(tmp_path, url)

    return start


def test_a_stalled_body_waits_in_nginx_while_the_one_gunicorn_worker_serves_others(
    edge, org_a, l2_secret, settings
):
    proxy, app_log = edge(PROXY_BODY_TIMEOUT="8s")
    with stall_a_push(
        proxy, l2_secret, multipart(metadata(), ids_file(50)), source=fresh_address()
    ) as stalled:
        # gunicorn runs one worker: were it waiting for the stalled body, this push would wait until nginx
        # gave up on that one.
        accepted = push(proxy, l2_secret, multipart(metadata(), ids_file(5)), source=fresh_address())
        assert accepted.status == 202, accepted.body
        assert pending(stalled)
        assert list(settings.L2_SPOOL_DIR.iterdir()) == []  # the app holds nothing of the stalled body

        assert stalled.recv(4096) == b""  # nginx gives up on it and closes the connection

    assert f'"POST {URL} HTTP/1.1" 408 ' in proxy.access_log()
    assert logged(app_log, APP_PUSH, at_least=1) == 1  # gunicorn saw only the accepted push
    assert Transmission.objects.count() == 1


def test_a_request_head_sent_drop_by_drop_is_cut_off_at_the_header_timeout(edge):
    proxy, app_log = edge(PROXY_HEADER_TIMEOUT="2s")
    head = f"GET /healthz?via=slowloris HTTP/1.1\r\nHost: {proxy.host}\r\nX-Pad: {'a' * 100}\r\n\r\n".encode()
    with socket.create_connection((proxy.host, proxy.port), source_address=(fresh_address(), 0)) as slow:
        # A byte every 0.2 s: each pause is far below the timeout, the whole head far above it.
        sent = 0
        while sent < len(head) and pending(slow):
            slow.sendall(head[sent : sent + 1])
            sent += 1
            time.sleep(0.2)
        assert sent < len(head)  # the head never completed
        assert slow.recv(4096) == b""  # closed unanswered
    assert "via=slowloris" not in app_log.read_text()


def test_an_address_holds_at_most_its_share_of_connections(edge, l2_secret):
    proxy, _ = edge(PROXY_CONN_PER_ADDRESS="1")
    sender = fresh_address()
    with stall_a_push(proxy, l2_secret, multipart(metadata(), ids_file(50)), source=sender):
        assert_problem(send(proxy, "GET", "/healthz", source=sender), 429, "rate_limited")
        assert send(proxy, "GET", "/healthz", source=fresh_address()).status == 200


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_oversize_body_is_refused_by_nginx_before_gunicorn_sees_it(
    edge, org_a, l2_secret, settings, chunked
):
    # The app keeps its own limit of 1 GiB: a 413 here can only be nginx's.
    proxy, app_log = edge(PROXY_L2_MAX_BODY_SIZE="20000")
    oversize, within = multipart(metadata(), ids_file(5_000)), multipart(metadata(), ids_file(1_000))
    assert len(oversize) > 20_000 > len(within)

    refused = push(proxy, l2_secret, oversize, source=fresh_address(), chunked=chunked)
    assert_problem(refused, 413, "payload_too_large")
    accepted = push(proxy, l2_secret, within, source=fresh_address(), chunked=chunked)
    assert accepted.status == 202, accepted.body

    assert logged(app_log, APP_PUSH, at_least=1) == 1  # only the accepted one reached gunicorn
    assert files_left(proxy.body_temp_dir, settings.L2_SPOOL_DIR) == []


def test_a_forged_rotating_x_forwarded_for_does_not_escape_the_portals_rate_limit(edge, org_a, l2_secret):
    proxy, app_log = edge(app_env={"L2_RATE_LIMIT": "3/minute"})
    body, sender = multipart(metadata(), ids_file(3)), fresh_address()

    answers = [
        push(proxy, l2_secret, body, source=sender, headers={"X-Forwarded-For": fresh_client()})
        for _ in range(4)
    ]

    assert [answer.status for answer in answers[:3]] == [202, 202, 202]
    assert_problem(answers[3], 429, "rate_limited")
    assert int(answers[3].headers["Retry-After"]) > 0
    assert logged(app_log, APP_PUSH, at_least=4) == 4  # the portal's refusal, not the proxy's
    # The count is the connecting address's: another one, forging the same header, is served.
    forged = {"X-Forwarded-For": sender}
    assert push(proxy, l2_secret, body, source=fresh_address(), headers=forged).status == 202


def test_nginx_limits_requests_per_address_but_not_l2s_status_polls(edge, org_a, l2_secret):
    proxy, app_log = edge(PROXY_RATE="1r/m", PROXY_BURST="2")
    sender = fresh_address()
    transmission = stored_transmission(org_a, ids_file(3))

    answers = [send(proxy, "GET", "/healthz?via=proxy", source=sender) for _ in range(4)]
    assert [answer.status for answer in answers[:3]] == [200, 200, 200]  # one at the rate, two of burst
    assert_problem(answers[3], 429, "rate_limited")
    assert answers[3].headers["Retry-After"] == "1"
    assert_problem(
        push(proxy, l2_secret, multipart(metadata(), ids_file(3)), source=sender), 429, "rate_limited"
    )
    assert logged(app_log, "GET /healthz?via=proxy ", at_least=3) == 3
    assert APP_PUSH not in app_log.read_text()

    # L2 polls a transmission's status about once a second: the address's spent budget does not stop it.
    poll = signed_headers(l2_secret, [b""], webhook_id=transmission.webhook_id)
    polls = [send(proxy, "GET", f"{URL}/{transmission.pk}", source=sender, headers=poll) for _ in range(20)]
    assert [answer.status for answer in polls] == [200] * 20
    assert send(proxy, "GET", "/healthz?via=proxy", source=fresh_address()).status == 200


def test_a_refused_push_leaves_nothing_of_its_body_on_disk(edge, org_a, settings):
    proxy, app_log = edge()
    body = multipart(metadata(), ids_file(20_000))  # well past nginx's in-memory buffer: it goes to a file

    refused = push(proxy, generate_secret(), body, source=fresh_address())

    assert_problem(refused, 401, "signature_invalid")
    assert "a client request body is buffered to a temporary file" in proxy.error_log()
    assert logged(app_log, f'{APP_PUSH}0" 401 ', at_least=1) == 1  # the app read it, to check the signature
    assert files_left(proxy.body_temp_dir, settings.L2_SPOOL_DIR, Path(settings.MEDIA_ROOT)) == []
    assert Transmission.objects.count() == 0


def test_behind_a_trusted_load_balancer_its_client_and_scheme_are_believed_and_no_one_elses(
    edge, org_a, l2_secret
):
    balancer = "127.0.0.1"
    proxy, _ = edge(
        app_env={"BEHIND_TLS_PROXY": "true", "L2_RATE_LIMIT": "1/minute"},
        PROXY_TRUSTED_FORWARDER=f"{balancer}/32",
    )
    body, client = multipart(metadata(), ids_file(3)), fresh_client()

    def forwarded_for(address):
        # What a client prepends is kept by a balancer, which appends the address it saw.
        return {"X-Forwarded-For": f"{fresh_client()}, {address}", "X-Forwarded-Proto": "https"}

    first = push(proxy, l2_secret, body, source=balancer, headers=forwarded_for(client))
    assert first.status == 202, first.body
    assert first.json()["status_url"].startswith("https://")
    again = push(proxy, l2_secret, body, source=balancer, headers=forwarded_for(client))
    assert_problem(again, 429, "rate_limited")  # counted as the client, not as the balancer:
    assert push(proxy, l2_secret, body, source=balancer, headers=forwarded_for(fresh_client())).status == 202

    # The same headers from an address that is not the balancer are not believed.
    direct = push(proxy, l2_secret, body, source=fresh_address(), headers=forwarded_for(client))
    assert direct.status == 202, direct.body
    assert direct.json()["status_url"].startswith("http://")
