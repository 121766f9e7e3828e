"""Header cells as column names: letters spelled out, collisions told apart and named."""

import pytest

from csv_assets.pipeline.names import collisions, fold, safe_names

SPELLED = {
    "latin": (
        {"Straße": "strasse", "Æble": "aeble", "Łódź": "lodz", "Øre": "ore", "Þing": "thing",
         "Crème brûlée": "creme_brulee", "Order ID": "order_id", "1st": "c_1st"},
        ("Straße", "strae"),
    ),
    # Cyrillic and Greek as passports spell them; scripts without a short spelling by position.
    "cyrillic_greek_cjk": (
        {"Номер": "nomer", "клиент": "klient", "Дата заказа": "data_zakaza", "Ёлка": "elka",
         "Πόλη": "poli", "Θεσσαλονίκη": "thessaloniki", "名前": "column_7", "도시": "column_8"},
        ("Номер", "column_1"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("script", SPELLED)
def test_letters_outside_ascii_are_spelled_not_dropped(script):
    names, (cell, older) = SPELLED[script]

    assert safe_names(list(names)) == tuple(names.values())
    # How earlier releases named the cell: models written then still match.
    assert fold(cell, 1, spell=False) == older


def test_the_cell_already_named_so_keeps_the_name_wherever_it_stands():
    assert safe_names(["Nöte", "note"]) == ("note_2", "note")
    assert safe_names(["note", "Nöte"]) == ("note", "note_2")
    assert safe_names(["a", "a", "a_2"]) == ("a", "a_3", "a_2")  # never two columns alike


def test_each_collision_is_named_with_who_got_which_name():
    header = ["id", "Nöte", "note"]

    (said,) = collisions(header, safe_names(header))

    assert said == (
        "header cells that read alike as 'note': 'Nöte' (column 2) is note_2, "
        "'note' (column 3) is note"
    )
