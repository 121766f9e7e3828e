"""The rows a delivery broke rules with: typed samples, counts per rule, and their running tally."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any

from csv_assets.pipeline.validate import RejectedRow, rule_key

SAMPLE_LIMIT = 20
RULE_SAMPLE_LIMIT = 5


@dataclass(frozen=True)
class FailureSample:
    """One broken rule on one row, as a reader fixing the file needs it."""

    file: str
    line: int
    column: str | None
    rule: str
    """The rule's key, ``<column>__<check>`` (``frame__<check>`` for a rule over a row)."""
    value: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for metadata and reports."""
        return asdict(self)


@dataclass(frozen=True)
class RuleCount:
    """A broken rule: how many rows broke it, and the first few of them."""

    rule: str
    count: int
    examples: tuple[FailureSample, ...]

    @property
    def example(self) -> FailureSample:
        """The first row that broke it."""
        return self.examples[0]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, in the shape rejection reports have always had."""
        examples = [sample.as_dict() for sample in self.examples]
        return {
            "rule": self.rule,
            "count": self.count,
            "example": examples[0],
            "examples": examples,
        }


@dataclass(frozen=True)
class Failures:
    """What a delivery's quarantined rows broke: counts per rule, with the first examples.

    Attributes:
        by_rule: Failures per rule key; a row may break several rules.
        samples: The first failures overall, for the report's headline table.
        examples: The first few failures of each rule, for that rule's check.
    """

    by_rule: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    samples: tuple[FailureSample, ...] = ()
    examples: Mapping[str, tuple[FailureSample, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def top(self, limit: int = 10) -> tuple[RuleCount, ...]:
        """The most broken rules, most broken first."""
        ranked = sorted(self.by_rule.items(), key=lambda item: -item[1])[:limit]
        return tuple(RuleCount(rule, count, self.examples[rule]) for rule, count in ranked)


@dataclass
class FailureTally:
    """The running count of rejected rows and broken rules across a file's chunks."""

    rows: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    samples: list[FailureSample] = field(default_factory=list)
    examples: dict[str, list[FailureSample]] = field(default_factory=dict)

    def add(self, rejected: list[RejectedRow], file: str = "") -> None:
        """Count a chunk's rejected rows and keep examples until the samples are full."""
        self.rows += len(rejected)
        for row in rejected:
            for failure in row.failures:
                key = rule_key(failure.column, failure.rule)
                self.by_rule[key] += 1
                value = None if failure.value is None else str(failure.value)
                sample = FailureSample(
                    file, failure.line, failure.column, key, value, failure.message
                )
                if len(self.samples) < SAMPLE_LIMIT:
                    self.samples.append(sample)
                kept = self.examples.setdefault(key, [])
                if len(kept) < RULE_SAMPLE_LIMIT:
                    kept.append(sample)

    def freeze(self) -> Failures:
        """The tally as it stands, frozen for a report."""
        return Failures(
            by_rule=MappingProxyType(dict(self.by_rule.most_common())),
            samples=tuple(self.samples),
            examples=MappingProxyType({k: tuple(v) for k, v in self.examples.items()}),
        )

    def as_details(self) -> dict[str, Any]:
        """The rules and samples a rejection report (JSON) carries."""
        failures = self.freeze()
        return {
            "top_rules": [rule.as_dict() for rule in failures.top()],
            "failure_samples": [sample.as_dict() for sample in failures.samples],
        }


def broken_rules(details: Mapping[str, Any]) -> tuple[RuleCount, ...]:
    """The broken rules a rejection's details carry (``FailureTally.as_details``), typed again."""
    return tuple(
        RuleCount(
            rule["rule"],
            rule["count"],
            tuple(FailureSample(**example) for example in rule["examples"]),
        )
        for rule in details.get("top_rules", ())
    )
