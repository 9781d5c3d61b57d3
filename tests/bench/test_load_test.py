"""The load test stays runnable: locust loads the locustfile, and the script parses. (The load test
itself is a benchmark: `bash bench/load_test.sh`, figures in docs/benchmarks.md.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_locust_loads_the_locustfile():
    # In a separate process: locust patches the standard library with gevent when imported.
    locust = Path(sys.executable).with_name("locust")
    result = subprocess.run(  # noqa: S603 - our own virtualenv's locust, fixed arguments
        [str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--list"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "Officer" in result.stdout


def test_the_load_test_script_parses():
    bash = shutil.which("bash")
    result = subprocess.run(  # noqa: S603 - bash -n only parses
        [bash, "-n", str(ROOT / "bench" / "load_test.sh")], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
