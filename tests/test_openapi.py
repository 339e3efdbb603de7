"""The OpenAPI schema describes every endpoint without guesswork."""

from django.core.management import call_command


def test_schema_generates_without_warnings_and_validates(tmp_path, db):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", file=str(out), validate=True, fail_on_warn=True)
    text = out.read_text()
    assert "/api/v1/kitchen/tickets/{ticket_id}/{action}" in text
    assert "kitchenScreen" in text
    assert "guestToken" in text
