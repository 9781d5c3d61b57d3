"""The load test stays runnable: locust loads the locustfile, and the script parses. (The load test
itself is a benchmark: `bash bench/load_test.sh`, figures in docs/benchmarks.md.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def locust_classes(**env: str) -> set[str]:
    # In a separate process: locust patches the standard library with gevent when imported.
    locust = Path(sys.executable).with_name("locust")
    result = subprocess.run(  # noqa: S603 - our own virtualenv's locust, fixed arguments
        [str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--list"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stderr
    return {line.strip() for line in result.stdout.splitlines()[1:] if line.strip()}


def test_locust_loads_the_locustfile_with_and_without_the_writers():
    assert locust_classes(LOADTEST_WRITERS="") == {"Officer"}
    assert locust_classes(LOADTEST_WRITERS="1") == {"Officer", "Editor", "ProgrammeAdmin"}


def test_the_load_test_script_parses():
    bash = shutil.which("bash")
    result = subprocess.run(  # noqa: S603 - bash -n only parses
        [bash, "-n", str(ROOT / "bench" / "load_test.sh")], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
