"""What the load test's officers ask for, shared by bench/locustfile.py and bench/request_cpu.py (which
replays the same mix in one process without importing locust and its gevent patches)."""

import re

QUERIES = [
    "planning",
    "cyber",
    "intelligence",
    "doctrine",
    "mission",
    "threat",
    "culture",
    "التخطيط",
    "exercise",
]
COURSE = re.compile(r'href="(/curriculum/[^/"]+/)"')
MODULE = re.compile(r'href="(/curriculum/[^/"]+/(?!pdf/)[^/"]+/)"')  # a module, not a course's PDF
