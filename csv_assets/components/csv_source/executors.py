"""Where a load job's step runs: in the run's own process, or on Celery workers.

``CSV_ASSETS_EXECUTOR`` picks it, for every source's load job:

* ``in_process`` (default): the run worker loads the deliveries itself; no step subprocess
  imports the code location again.
* ``celery``: the run worker hands the step to the Celery broker and a ``dagster-celery``
  worker runs it; ``CSV_ASSETS_CELERY_BROKER`` and ``CSV_ASSETS_CELERY_BACKEND`` say where
  (RabbitMQ on localhost and the RPC result backend if unset), ``CSV_ASSETS_CELERY_QUEUE``
  on which queue (``dagster``, the one workers listen on unless started with ``-q``). Workers
  need the same instance (``DAGSTER_HOME``), warehouse and drop folders as the run workers.
"""

import os

import dagster as dg

from csv_assets.pipeline.extras import require

DEFAULT_BROKER = "pyamqp://guest:guest@127.0.0.1:5672//"
DEFAULT_BACKEND = "rpc://"
RELIABLE_DELIVERY = {
    # A step is acknowledged when it is done, not when a worker takes it: a worker killed
    # mid-step (SIGKILL, OOM, a lost machine) gives it back to the broker for another worker,
    # where the warehouse's ledger makes what it had committed a duplicate.
    "task_acks_late": True,
    "task_reject_on_worker_lost": True,
    "worker_prefetch_multiplier": 1,
    # A step that hangs past these is ended (soft: an exception in the step; hard: the
    # worker process is replaced), so it cannot hold a worker forever.
    "task_soft_time_limit": 6 * 3600,
    "task_time_limit": 6 * 3600 + 300,
}
"""The Celery settings runs and workers share (``deploy/celery.yaml`` repeats them)."""


def load_executor() -> dg.ExecutorDefinition:
    """The executor ``CSV_ASSETS_EXECUTOR`` names for the load jobs."""
    kind = os.environ.get("CSV_ASSETS_EXECUTOR", "in_process")
    if kind == "in_process":
        return dg.in_process_executor
    if kind == "celery":
        celery = require("dagster_celery", "celery", "CSV_ASSETS_EXECUTOR=celery")
        executor: dg.ExecutorDefinition = celery.celery_executor.configured(
            {
                "broker": os.environ.get("CSV_ASSETS_CELERY_BROKER", DEFAULT_BROKER),
                "backend": os.environ.get("CSV_ASSETS_CELERY_BACKEND", DEFAULT_BACKEND),
                "config_source": {
                    "task_default_queue": os.environ.get("CSV_ASSETS_CELERY_QUEUE", "dagster"),
                    **RELIABLE_DELIVERY,
                },
            },
            name="celery",
        )
        return executor
    raise ValueError(f"CSV_ASSETS_EXECUTOR={kind!r}: expected in_process or celery")
