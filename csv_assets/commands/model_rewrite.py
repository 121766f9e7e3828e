"""A pandera model's source rewritten to a source's effective contract: a reviewable diff.

Only the annotations and ``dtype_kwargs`` of the widened columns change; every other line, the
rules and the comments stay as they were written.
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
from pathlib import Path

from csv_assets.ingest import SchemaView
from csv_assets.pipeline.validate import ColumnSpec


class RewriteError(ValueError):
    """The model's source is not one the rewrite can change safely; it says why."""


def model_file(reference: str) -> Path:
    """The file a ``package.module:ClassName`` reference's module lives in."""
    spec = importlib.util.find_spec(reference.partition(":")[0])
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise RewriteError(f"{reference}: no Python source file to rewrite")
    return Path(spec.origin)


def rewritten(view: SchemaView, source_text: str) -> str:
    """``source_text`` with the widened columns of ``view`` declared as loads use them."""
    class_name = view.schema_model.partition(":")[2]
    tree = ast.parse(source_text)
    model = next(
        (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name), None
    )
    if model is None:
        raise RewriteError(f"{view.schema_model}: no class {class_name} in its module")
    lines = source_text.splitlines(keepends=True)
    edits: list[tuple[ast.expr | ast.keyword, str]] = []
    for state in view.widened:
        field = _field(model, state.model.name)
        annotation, kwargs = annotation_of(state.effective)
        edits.append((_series_argument(field, view.schema_model), annotation))
        call = field.value
        if not (isinstance(call, ast.Call) and call.args == []):
            raise RewriteError(f"{state.model.name}: not declared as `= pa.Field(...)`")
        found = next((k for k in call.keywords if k.arg == "dtype_kwargs"), None)
        if found is not None:
            edits.append((found, f"dtype_kwargs={kwargs}" if kwargs else "dtype_kwargs=None"))
        elif kwargs:
            edits.append((call, _with_keyword(call, lines, f"dtype_kwargs={kwargs}")))
    text = _apply(lines, edits)
    if "pd." in text and "import pandas as pd" not in text:
        text = text.replace("import pandera", "import pandas as pd\nimport pandera", 1)
    return text


def unified_diff(path: Path, before: str, after: str) -> str:
    """The change as ``git diff`` shows one."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"a/{path.name}",
            f"b/{path.name}",
        )
    )


def annotation_of(column: ColumnSpec) -> tuple[str, str]:
    """The ``Series[...]`` type and ``dtype_kwargs`` that declare ``column``'s type."""
    if column.kind == "decimal":
        digits = f'{{"precision": {column.precision}, "scale": {column.scale or 0}}}'
        return "pa.dtypes.Decimal", digits
    if column.kind == "datetime":
        if column.timezone:
            return "pd.DatetimeTZDtype", '{"unit": "ns", "tz": "UTC"}'
        return "pd.Timestamp", ""
    return {"integer": "int", "float": "float", "boolean": "bool", "date": "pa.dtypes.Date"}.get(
        column.kind, "str"
    ), ""


def _field(model: ast.ClassDef, name: str) -> ast.AnnAssign:
    for node in model.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == name:
            return node
    raise RewriteError(f"{model.name} declares no field {name!r}")


def _series_argument(field: ast.AnnAssign, reference: str) -> ast.expr:
    annotation = field.annotation
    if not (
        isinstance(annotation, ast.Subscript) and getattr(annotation.value, "id", "") == "Series"
    ):
        raise RewriteError(f"{reference}: {ast.unparse(field.target)} is not a Series[...]")
    return annotation.slice


def _with_keyword(call: ast.Call, lines: list[str], keyword: str) -> str:
    """The call's text with ``keyword`` as its first argument."""
    text = _segment(lines, call)
    head, _, rest = text.partition("(")
    separator = "" if rest.strip().startswith(")") else ", "
    if "\n" in rest:
        indent = " " * (call.col_offset + 4)
        return f"{head}(\n{indent}{keyword},{rest}"
    return f"{head}({keyword}{separator}{rest}"


def _segment(lines: list[str], node: ast.expr) -> str:
    segment = ast.get_source_segment("".join(lines), node)
    if segment is None:
        raise RewriteError("the model's source does not match its syntax tree")
    return segment


def _apply(lines: list[str], edits: list[tuple[ast.expr | ast.keyword, str]]) -> str:
    """Replace each node's text with its new text, last first so earlier offsets hold."""
    text = "".join(lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + len(lines[line - 1].encode()[:column].decode())

    spans = []
    for node, new in edits:
        if node.end_lineno is None or node.end_col_offset is None:
            raise RewriteError("the model's source does not say where its fields end")
        start = offset(node.lineno, node.col_offset)
        spans.append((start, offset(node.end_lineno, node.end_col_offset), new))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text
