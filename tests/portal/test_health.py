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
