"""A bounded load run of the light pages against a local server (loopback only).

    gunicorn -w 2 -b 127.0.0.1:8777 --env DJANGO_SETTINGS_MODULE=scripts.bench_settings portal.wsgi
    python scripts/load.py http://127.0.0.1:8777 --seconds 10 --clients 10

Logs each account in through the login form, then for each page runs `--clients` clients
that request it back to back for `--seconds` (ApacheBench when `ab` is installed, whose
clients cost the machine almost nothing; else Python threads, which compete with the
server for the CPU), and prints requests per second and the median and 95th-percentile latency, next to the empty authenticated page
(scripts/bench_urls.py) measured the same way: a light page should serve at least a third
of the empty page's rate. Refuses any host but the loopback.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import threading
import time
from urllib.parse import urlsplit

import requests

# (account, path): the pages a reporter and a reviewer open every day, on the demo data.
PAGES = [
    ("huzhou-reporter", "/bench/empty/", "empty authenticated page"),
    ("huzhou-reporter", "/", "reporter's home"),
    ("huzhou-reporter", "/targets/huzhou-advanced-manufacturing/huzhou-wuxing/{month}/", "entry page"),
    ("huzhou-reviewer", "/", "reviewer's home"),
    ("huzhou-reviewer", "/targets/review/huzhou-advanced-manufacturing/?month={month}", "review queue"),
]


def login(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/")
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"login as {username} failed ({response.status_code})")
    return session


def hammer(base: str, cookies, path: str, clients: int, seconds: float) -> tuple[float, list[float], int]:
    """`clients` threads, each with its own connection, for `seconds`; returns rate, latencies, errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def run():
        session = requests.Session()
        session.cookies.update(cookies)
        mine, bad = [], 0
        while time.perf_counter() < stop:
            t = time.perf_counter()
            response = session.get(base + path, allow_redirects=False)
            mine.append(time.perf_counter() - t)
            bad += response.status_code != 200
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=run) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), latencies, errors[0]


def hammer_ab(base: str, cookies, path: str, clients: int, seconds: float) -> tuple[float, float, float, int]:
    """ApacheBench for `seconds` (at most 50,000 requests): rate, median and p95 ms, failures."""
    cookie = "; ".join(f"{c.name}={c.value}" for c in cookies)
    out = subprocess.run(
        ["ab", "-q", "-t", str(int(seconds)), "-n", "50000", "-c", str(clients), "-C", cookie, base + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def number(pattern):
        found = re.search(pattern, out, re.M)
        return float(found.group(1)) if found else 0.0

    failed = number(r"^Failed requests:\s+(\d+)") + number(r"^Non-2xx responses:\s+(\d+)")
    return (
        number(r"^Requests per second:\s+([\d.]+)"),
        number(r"^\s+50%\s+(\d+)"),
        number(r"^\s+95%\s+(\d+)"),
        int(failed),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--password", default="demo1234")
    parser.add_argument("--month", default=None, help="YYYY-MM of the open month (default: last month)")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("load.py only runs against the loopback")
    args.seconds = min(args.seconds, 60)
    args.clients = min(args.clients, 20)
    if args.month is None:
        today = time.localtime()
        year, month = (today.tm_year, today.tm_mon - 1) if today.tm_mon > 1 else (today.tm_year - 1, 12)
        args.month = f"{year}-{month:02d}"
    sessions = {}
    print(f"{args.clients} clients × {args.seconds:.0f} s per page against {base}\n")
    print(f"{'page':<28} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'errors':>7} {'of empty':>9}")
    empty_rate = None
    for user, path, name in PAGES:
        if user not in sessions:
            sessions[user] = login(base, user, args.password)
        path = path.format(month=args.month)
        sessions[user].get(base + path)  # warm
        if shutil.which("ab"):
            rate, median, p95, errors = hammer_ab(base, sessions[user].cookies, path, args.clients, args.seconds)
        else:
            rate, latencies, errors = hammer(base, sessions[user].cookies, path, args.clients, args.seconds)
            latencies.sort()
            median = statistics.median(latencies) * 1000
            p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0
        empty_rate = empty_rate or rate
        print(f"{name:<28} {rate:>8.1f} {median:>10.1f} {p95:>8.1f} {errors:>7} {rate / empty_rate:>8.0%}")


if __name__ == "__main__":
    main()
