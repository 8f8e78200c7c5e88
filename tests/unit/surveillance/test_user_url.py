"""The URL ``db url --user`` prints for an external server: its address and TLS checks
kept, the user replaced, no password and none of the service's own options."""

from surveillance.settings import load_settings
from surveillance.store import user_libpq_url


def test_an_external_server_s_url_keeps_its_address_and_tls_checks_but_no_password() -> None:
    settings = load_settings(
        database_url="postgresql+psycopg://service:s3cret@db.example:6543/cw"
        "?sslmode=verify-full&sslrootcert=/etc/ca.pem&sslcert=/c.pem&sslkey=/k.pem"
        "&application_name=svc&sslpassword=key-secret"
    )
    assert user_libpq_url(settings, "cw.ann") == (
        "postgresql://cw.ann@db.example:6543/cw?sslmode=verify-full&sslrootcert=/etc/ca.pem"
        "&sslcert=/c.pem&sslkey=/k.pem"
    )
