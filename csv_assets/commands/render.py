"""What a load and a dry run look like on a terminal: a few lines, the counts, the top rules."""

from __future__ import annotations

from csv_assets.ingest import IngestReport, Verdict


def report_text(report: IngestReport) -> str:
    """What happened to a delivery, its counts, and the rules its quarantined rows broke."""
    if report.status == "duplicate":
        done = f"{report.file}: already loaded as {report.duplicate_of} (same content)"
        return f"{done}; {report.pending}" if report.pending else f"{done}; nothing to do"
    lines = [
        f"{report.file} -> {report.database} table {report.table} ({report.load_mode})",
        f"  read {report.rows_read:,}  loaded {report.rows_loaded:,}  "
        f"quarantined {report.rows_rejected:,}  replaced {report.rows_replaced:,}  "
        f"table now {report.table_rows:,} rows  in {report.seconds:.2f}s",
    ]
    lines.extend(
        f"  {rule.count:>7,} x {rule.rule}: {rule.example.message}"
        for rule in report.failures.top()
    )
    lines.extend(_changes(report, "added", "widened", "rescued"))
    if report.drift.changes:
        changes = "; ".join(change.detail for change in report.drift.changes)
        lines.append(f"  drift since {report.drift.against}: {changes}")
    lines.extend(f"  note: {note}" for note in report.dialect.notes)
    if report.set_aside:
        lines.append(f"  set aside, not loaded: {report.set_aside}")
    if report.pending:
        lines.append(f"  pending: {report.pending}")
    return "\n".join(lines)


def verdict_text(verdict: Verdict) -> str:
    """The verdict first, then counts, budget, and each broken rule with its first lines."""
    lines = [
        f"{verdict.file} as source {verdict.source} (dry run: nothing was written)",
        f"  {verdict.headline}",
    ]
    if verdict.rows_read and verdict.outcome == "reject":
        lines.append(f"  {verdict.rows_rejected:,} row(s) break the schema: {verdict.budget}")
    elif verdict.rows_read:
        lines.append(f"  would quarantine {verdict.rows_rejected:,} row(s): {verdict.budget}")
    if verdict.blocking:
        lines.append(f"  blocking rules: {verdict.blocking}")
    if verdict.report is not None:
        lines.extend(_changes(verdict.report, "would add", "would widen", "would rescue"))
    for rule in verdict.rules:
        where = ", ".join(str(example.line) for example in rule.examples)
        more = ", ..." if rule.count > len(rule.examples) else ""
        lines.append(
            f"  {rule.count:>7,} x {rule.rule} (lines {where}{more}): {rule.example.message}"
        )
    return "\n".join(lines)


def _changes(report: IngestReport, added: str, widened: str, rescued: str) -> list[str]:
    """What the delivery does to the table's columns, and the cells it keeps aside."""
    lines = []
    if report.added_columns:
        lines.append(f"  {added} column(s): {', '.join(report.added_columns)}")
    if report.widened:
        lines.append(f"  {widened}: {'; '.join(c.detail for c in report.widened)}")
    if report.rescued:
        cells = ", ".join(f"{n} cell(s) of {name}" for name, n in report.rescued.items())
        lines.append(f"  {rescued} into _rescued_data: {cells}")
    return lines
