"""A source YAML's templates, rendered as Dagster renders a component's: ``{{ env.NAME }}``.

Dagster renders every string of a component's attributes with Jinja's native types and an
``env`` scope (``env.NAME``, or ``env('NAME', 'default')``); the catalog does the same before
it checks a source, so ``dg check defs``, the runs and every ``csv-assets`` command read one
YAML alike. Dagster's other scopes (``dg``, ``datetime``) build Dagster objects, which no
setting of a source takes: they are refused in one line.
"""

from __future__ import annotations

import os
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.nativetypes import NativeEnvironment

_JINJA = NativeEnvironment(undefined=StrictUndefined)


class _Env:
    """``env`` in a template: ``env.NAME`` (None if unset) or ``env('NAME', default)``."""

    def __call__(self, name: str, default: Any = ...) -> Any:
        value = os.environ.get(name, default)
        if value is ...:
            raise TemplateError(f"environment variable {name} is not set and has no default")
        return value

    def __getattr__(self, name: str) -> str | None:
        if name.startswith("jinja"):
            raise AttributeError(name)
        return os.environ.get(name)


def rendered(value: Any) -> Any:
    """``value`` with every template in its strings rendered (lists and mappings walked).

    Raises:
        ValueError: A template does not render: its reason, in one line.
    """
    if isinstance(value, dict):
        return {key: rendered(item) for key, item in value.items()}
    if isinstance(value, list):
        return [rendered(item) for item in value]
    if not isinstance(value, str) or ("{{" not in value and "{%" not in value):
        return value
    try:
        return _JINJA.from_string(value).render(env=_Env())
    except TemplateError as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(f"template {value!r}: {reason}") from None
