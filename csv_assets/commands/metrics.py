"""``csv-assets metrics [--serve [HOST:]PORT | --textfile PATH]``: Prometheus metrics."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from csv_assets.commands.common import add_location_arguments

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``metrics``."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--serve",
        metavar="[HOST:]PORT",
        help="Answer Prometheus' scrapes of http://HOST:PORT/metrics, read afresh each time "
        "(HOST defaults to 127.0.0.1).",
    )
    where.add_argument(
        "--textfile",
        type=Path,
        metavar="PATH",
        help="Write them to PATH (replaced whole, for node_exporter's textfile collector).",
    )
    add_location_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print (or serve, or write) every metric: outcomes, latencies, waiting files."""
    from csv_assets.catalog import load_catalog

    sources = list(load_catalog().values())
    if args.serve:
        host, _, port = args.serve.rpartition(":")
        serve(host or "127.0.0.1", int(port), lambda: scrape(sources, args))
        return 0
    text = scrape(sources, args)
    if args.textfile:
        partial = args.textfile.with_name(f".{args.textfile.name}.{os.getpid()}")
        partial.write_text(text)
        partial.replace(args.textfile)
    else:
        sys.stdout.write(text)
    return 0


def scrape(sources: list[Any], args: argparse.Namespace) -> str:
    """The metrics as they are now, in Prometheus' text format."""
    from csv_assets.ingest import create_warehouse_engine, exposition, gather_metrics, reader
    from csv_assets.storage import RemoteSettings

    engine = create_warehouse_engine(args.database_url)
    try:
        settings = RemoteSettings.from_env(args.data_dir)
        return exposition(gather_metrics(sources, reader(engine), args.data_dir, settings))
    finally:
        engine.dispose()


def serve(host: str, port: int, read: Any) -> None:
    """Answer GET /metrics with ``read()`` until interrupted."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # only when serving

    class Scrape(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404, "csv_assets serves /metrics")
                return
            body = read().encode()
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per scrape would drown the operator's log

    server = ThreadingHTTPServer((host, port), Scrape)
    print(f"serving metrics on http://{host}:{server.server_port}/metrics", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
