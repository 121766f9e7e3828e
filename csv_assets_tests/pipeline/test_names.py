"""Header cells as column names: letters spelled out, collisions told apart and named."""

from csv_assets.pipeline.names import collisions, fold, safe_names


def test_letters_outside_ascii_are_spelled_not_dropped():
    header = ["Straße", "Æble", "Łódź", "Øre", "Þing", "Crème brûlée", "Order ID", "1st"]

    assert safe_names(header) == (
        "strasse",
        "aeble",
        "lodz",
        "ore",
        "thing",
        "creme_brulee",
        "order_id",
        "c_1st",
    )
    assert fold("Straße", 1, spell=False) == "strae"  # how 0.2 named it: older models still match


def test_cyrillic_and_greek_are_spelled_as_passports_do_other_scripts_name_the_position():
    header = ["Номер", "клиент", "Дата заказа", "Ёлка", "Πόλη", "Θεσσαλονίκη", "名前", "도시"]

    assert safe_names(header) == (
        "nomer",
        "klient",
        "data_zakaza",
        "elka",
        "poli",
        "thessaloniki",
        "column_7",
        "column_8",
    )
    assert fold("Номер", 1, spell=False) == "column_1"  # how 0.2 named it: older models match


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
