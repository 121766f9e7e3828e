"""A source's dialect pins are typed where the YAML is read: a wrong one is refused, named."""

import pytest
from pydantic import ValidationError

from csv_assets.catalog import DialectPins, SourceSpec, load_catalog

ORDERS = load_catalog()["orders"].model_dump()


@pytest.mark.parametrize(
    ("pins", "says"),
    [
        ({"has_header": "no"}, "dialect.has_header"),  # YAML's quoted "no" is text, not false
        ({"delimiter": ";;"}, "';;' is not one character"),
        ({"preamble_lines": -1}, "-1 is not a number of lines"),
        ({"decimal": ";"}, "dialect.decimal"),
        ({"delimeter": ";"}, "dialect.delimeter"),  # a typo is named, not ignored
        ({"null_tokens": "n.v."}, "dialect.null_tokens"),
    ],
)
def test_a_pin_of_the_wrong_type_is_refused_naming_it(pins, says):
    with pytest.raises(ValidationError, match=says.replace(".", r"\.")):
        SourceSpec.model_validate({**ORDERS, "dialect": pins})


def test_the_stages_get_the_pins_that_were_set_an_explicit_null_included():
    pins = DialectPins.model_validate({"delimiter": ";", "quotechar": None, "has_header": False})

    assert pins.as_pins() == {"delimiter": ";", "quotechar": None, "has_header": False}


def test_a_source_read_back_from_its_dump_pins_what_it_pinned_no_more():
    source = SourceSpec.model_validate({**ORDERS, "dialect": {"delimiter": ";", "quotechar": None}})

    again = SourceSpec.model_validate(source.model_dump())

    assert again.dialect.as_pins() == {"delimiter": ";", "quotechar": None}
