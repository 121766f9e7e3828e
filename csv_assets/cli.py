"""The operator's tool, ``csv-assets``: each command imports only what it needs, when it runs."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

COMMANDS = {
    "sniff": "Show how a file is written (encoding, dialect, shape, types) and how sure that is.",
    "parse": "Write a file as clean RFC 4180 UTF-8 CSV: header first, cell text as is.",
    "init-source": "Draft a new source (component YAML and pandera model) from a sample file.",
    "validate": "Dry run: what loading a file into a source would load, quarantine or reject.",
    "load": "Load one file through a source's pipeline, without Dagster.",
    "status": "List the ledger: which files loaded, how many rows, when, by which run.",
    "replay": "Re-validate a source's quarantined rows and load those that now pass.",
    "schema": "A source's effective contract, its history of widenings, the model's diff.",
    "requeue": "Move a source's rejected files back to its inbox for another try.",
    "backfill": "Load a folder of past files into a source, in key order, each exactly once.",
    "alerts": "Show where alerts go (webhook, e-mail); --test sends one through each.",
    "metrics": "Prometheus metrics: outcomes, load latencies, waiting files (--serve PORT).",
    "migrate": "Upgrade the warehouse's csv_assets tables to this release (--grant a loader).",
}


def build_parser() -> argparse.ArgumentParser:
    """The ``csv-assets`` argument parser, one subcommand per module of ``csv_assets.commands``."""
    parser = argparse.ArgumentParser(
        prog="csv-assets", description="Operate csv_assets sources from a terminal."
    )
    verbosity = argparse.ArgumentParser(add_help=False)
    verbosity.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="Log every step and the full detail of a failure (tracebacks, SQL) to stderr.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, summary in COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary, parents=[verbosity])
        _command(name).add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit code is 0 on success, 2 for a bad file, 1 otherwise."""
    args = build_parser().parse_args(argv)
    from csv_assets.commands.terminal import printable

    # A sender's file name cannot drive the terminal. parse's stdout is the CSV itself (cells
    # as they are, CRLF line ends): only its stderr.
    with printable(stdout=args.command != "parse"):
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    """Run the parsed command, each kind of failure said in one line."""
    import logging

    # A failure reaches the terminal as one line; its trace and the drivers' own warnings
    # (psycopg's about a COPY on a closed connection, say) only with --verbose.
    handler = logging.StreamHandler()
    handler.setLevel(logging.DEBUG if args.verbose else logging.ERROR)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, handlers=[handler]
    )
    from csv_assets.ingest import configure_logging

    configure_logging()  # CSV_ASSETS_LOG_FORMAT=json: delivery events as JSON lines
    import sqlalchemy as sa

    from csv_assets.catalog import CatalogError
    from csv_assets.pipeline.errors import server_reason
    from csv_assets.pipeline.extras import MissingExtra

    try:
        return int(_command(args.command).run(args) or 0)
    except (CatalogError, MissingExtra) as error:
        print(f"csv-assets: {error}", file=sys.stderr)
        return 2
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as error:
        logging.getLogger(__name__).debug("bad database URL", exc_info=True)
        print(f"csv-assets: {bad_url(error)}", file=sys.stderr)
        return 2
    except sa.exc.DBAPIError as error:
        logging.getLogger(__name__).debug("database error", exc_info=True)
        reason = server_reason(error, type(error.orig) if error.orig else sa.exc.DBAPIError)
        print(
            f"csv-assets: database error: {reason}; nothing was changed. Check that the "
            "database is up and that --database-url (CSV_ASSETS_DATABASE_URL) names it",
            file=sys.stderr,
        )
        return 1
    except BrokenPipeError:
        # The reader went away (`| head`): not an error; keep Python from reporting it at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def bad_url(error: Exception) -> str:
    """What is wrong with a database URL SQLAlchemy cannot use, and what to write instead."""
    from csv_assets.ingest import NoSuchFolderError

    if isinstance(error, NoSuchFolderError):
        return str(error)
    if "postgres" in str(error) and "postgresql" not in str(error):
        return "the database URL says postgres://; write postgresql+psycopg://user@host/db"
    return (
        f"the database URL is not one SQLAlchemy can use ({str(error).splitlines()[0]}); "
        "write sqlite:///path/to/warehouse.db or postgresql+psycopg://user@host:5432/db"
    )


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"csv_assets.commands.{name.replace('-', '_')}")


if __name__ == "__main__":
    sys.exit(main())
