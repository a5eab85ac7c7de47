"""RFC 9457 problem documents, shared by every API of the portal."""

from http import HTTPStatus

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_type(code: str) -> str:
    return f"/problems/{code}"


def problem_body(*, status: int, code: str, detail: str, title: str | None = None, **extra) -> dict:
    return {
        "type": problem_type(code),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }


# What each code means and how to fix it: the page a problem document's "type" leads to.
CATALOGUE: dict[str, tuple[int, str]] = {
    "signature_missing": (401, "A webhook-id, webhook-timestamp or webhook-signature header is missing."),
    "signature_invalid": (
        401,
        "No signature matches an active signing secret: sign “{id}.{timestamp}.{body}” with HMAC-SHA256 and "
        "the secret IQM gave you, exactly as sent.",
    ),
    "timestamp_out_of_tolerance": (401, "webhook-timestamp is more than 300 s from the server's clock."),
    "malformed_request": (
        400,
        "A part is missing, metadata is not a JSON object, or a required field is absent.",
    ),
    "payload_too_large": (413, "The body is over the size limit (1 GiB unless configured otherwise)."),
    "unsupported_media_type": (415, "Send transmissions as multipart/form-data."),
    "invalid_universe_name": (
        422,
        "Name the universe IQM_<account ID>_<segment>, e.g. IQM_123456_CustomSegment.",
    ),
    "unknown_account": (422, "No organization has that ID; use the ID under My Profile › Organizations."),
    "account_not_accepting": (422, "The organization does not accept L2 universes at the moment."),
    "webhook_id_reused": (
        409,
        "The webhook-id was used before for a different body; give every transmission its own.",
    ),
    "rate_limited": (429, "Too many requests; wait for the number of seconds in Retry-After."),
    "invalid": (400, "The request's data is invalid; “errors” names each field and what to fix."),
    "parse_error": (
        400,
        "The body cannot be read: send one JSON object, with Content-Type: application/json.",
    ),
    "not_found": (404, "Nothing with that ID in your organization."),
    "not_authenticated": (401, "Sign in, or send a token: Authorization: Token <key>."),
    "authentication_failed": (401, "The credentials are wrong."),
    "permission_denied": (403, "You are not a member of that organization, or your role cannot change it."),
    "audience_in_use": (
        409,
        "Campaigns use the audience; take it off their Allowlists and Blocklists first.",
    ),
    "audience_not_found": (400, "No audience with that ID in your organization."),
    "audience_not_loaded": (409, "The audience has no voters loaded yet; wait until it is Ready."),
    "audiences_changed": (
        409,
        "An audience switched to a new version while it was being compared, again and again; compare again.",
    ),
    "audience_awaiting_approval": (
        409,
        "The audience came from an L2 customer the organization has not named; an admin or manager must "
        "approve it first.",
    ),
    "no_pending_refresh": (404, "Nothing waits for approval on that audience (any more)."),
    "l2_customer_exists": (409, "That L2 customer is already named by the organization."),
    "duplicate_campaign_name": (
        400,
        "The organization has a campaign of that name (in any case); choose another.",
    ),
    "status_change_not_allowed": (
        400,
        "An advertiser moves a campaign Draft ↔ Pending and Running ↔ Paused only; the system sets Running on "
        "approval, Expired and Rejected; Delete deletes. A new campaign is Draft or Pending.",
    ),
    "insertion_order_not_active": (400, "Campaigns can only be added to an active insertion order."),
    "pg_campaign": (
        400,
        "PG campaigns take no audience targeting; create an Advanced campaign to target audiences.",
    ),
    "unknown_time_zone": (
        400,
        "Choose one of the time zones the portal offers (the schema's time_zone lists them).",
    ),
}
