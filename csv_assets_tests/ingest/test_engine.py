"""What a warehouse URL shows: never a password, whichever way the URL carries it."""

import sqlalchemy as sa

from csv_assets.ingest import redacted_url


def test_a_password_in_the_user_part_or_the_query_is_never_shown():
    url = sa.make_url(
        "postgresql+psycopg://loader:hunter2@db.internal:5432/warehouse"
        "?password=s3cret&sslpassword=k3y&sslmode=require&application_name=csv-assets"
    )

    shown = redacted_url(url)

    assert "hunter2" not in shown and "s3cret" not in shown and "k3y" not in shown
    assert shown == (
        "postgresql+psycopg://loader:***@db.internal:5432/warehouse?application_name=csv-assets"
        "&password=***&sslmode=require&sslpassword=***"
    )
