"""A setting that needs a production extra that is not installed says which, in one line."""

import subprocess
import sys

import pytest

# Each case runs where the module cannot be imported, as in an install without its extra.
CASES = {
    "postgres": (
        "psycopg",
        "from csv_assets.cli import main\n"
        "sys.exit(main(['status', '--database-url', 'postgresql+psycopg://u@127.0.0.1/db']))",
    ),
    "s3": (
        "boto3",
        "from pathlib import Path\n"
        "from csv_assets.storage import RemoteSettings\n"
        "from csv_assets.storage.stores import open_store\n"
        "open_store('s3://bucket/in/', RemoteSettings(Path('spool')))",
    ),
    "sftp": (
        "paramiko",
        "from pathlib import Path\n"
        "from csv_assets.storage import RemoteSettings\n"
        "from csv_assets.storage.stores import open_store\n"
        "open_store('sftp://sftp.acme/out/', RemoteSettings(Path('spool')))",
    ),
    "celery": (
        "dagster_celery",
        "import os\n"
        "os.environ['CSV_ASSETS_EXECUTOR'] = 'celery'\n"
        "from csv_assets.components.csv_source.executors import load_executor\n"
        "load_executor()",
    ),
}


@pytest.mark.parametrize("extra", sorted(CASES))
def test_a_missing_extra_is_named_in_one_line(extra, tmp_path):
    module, code = CASES[extra]
    script = (
        f"import sys\nsys.modules[{module!r}] = None  # not installed\n"
        "from csv_assets.pipeline.extras import MissingExtra\n"
        f"try:\n    exec({code!r})\n"
        "except MissingExtra as error:\n    print(error, file=sys.stderr)\n    sys.exit(2)\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"CSV_ASSETS_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )

    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert f"pip install 'csv_assets[{extra}]'" in line and f"needs {module}" in line
