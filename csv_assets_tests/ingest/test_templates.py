"""A source YAML's ``{{ env... }}`` templates read as Dagster reads them, in the CLI too."""

import pytest
from dagster.components.resolved.context import ResolutionContext

from csv_assets.catalog import CatalogError, load_catalog
from csv_assets.catalog.templates import rendered

TEMPLATES = [
    "{{ env('ORDERS_BUDGET', 5) }}",
    "{{ env.ORDERS_BUDGET }}",
    "inbox/{{ env.ORDERS_PARTNER }}",
    "{{ env('NOT_SET_ANYWHERE', 0.25) }}",
    "{{ env.NOT_SET_ANYWHERE }}",
    "plain text",
]


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_template_renders_to_what_dagster_renders_it(monkeypatch, template):
    monkeypatch.setenv("ORDERS_BUDGET", "7")
    monkeypatch.setenv("ORDERS_PARTNER", "acme")

    assert rendered(template) == ResolutionContext.default().resolve_value(template)


def test_a_templated_source_loads_and_a_missing_variable_is_one_line(monkeypatch, tmp_path):
    path = tmp_path / "orders" / "defs.yaml"
    path.parent.mkdir()
    path.write_text(
        "type: csv_assets.components.CsvSource\nattributes:\n  name: orders\n"
        "  schema_model: csv_assets.schemas.orders:Orders\n"
        '  drop_folder: "inbox/{{ env.ORDERS_PARTNER }}"\n'
        "  max_rejected_rows: \"{{ env('ORDERS_BUDGET') }}\"\n"
    )
    monkeypatch.setenv("ORDERS_PARTNER", "acme")
    monkeypatch.setenv("ORDERS_BUDGET", "7")

    orders = load_catalog(tmp_path)["orders"]
    monkeypatch.delenv("ORDERS_BUDGET")
    with pytest.raises(CatalogError) as missing:
        load_catalog(tmp_path)

    assert (orders.drop_folder, orders.max_rejected_rows) == ("inbox/acme", 7)
    assert str(missing.value) == (
        f"{path}: template \"{{{{ env('ORDERS_BUDGET') }}}}\": environment variable "
        "ORDERS_BUDGET is not set and has no default"
    )
