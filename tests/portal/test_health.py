def test_healthz_answers_without_touching_the_database(client):
    # No database fixture: any query here would raise, so this also proves the check stays off the database.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_and_broker(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_readyz_names_the_unreachable_broker(client, db, settings):
    # A port nothing listens on: the broker is really unreachable, not simulated.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["status"] == "unavailable"


def test_problem_types_lead_to_a_page_that_explains_the_code(client, db):
    from iqm_portal.problems import problem_body

    page = client.get(problem_body(status=401, code="signature_invalid", detail="x")["type"])
    assert page.status_code == 200 and b"HMAC-SHA256" in page.content
    assert client.get("/problems/no_such_code").status_code == 404


def test_healthz_answers_a_probe_that_asks_by_address(client, settings):
    """Container and load-balancer probes ask http://<address>/healthz: not one of ALLOWED_HOSTS."""
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.7:8000").status_code == 400  # only the liveness probe
