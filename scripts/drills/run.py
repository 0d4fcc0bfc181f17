"""`make drills`: the fault and abuse drills against the production stack on loopback.

    .venv/bin/python scripts/drills/run.py [--short] [--only NAME ...] [--keep-going]

Starts its own PostgreSQL cluster and redis-server on free ports of 127.0.0.1, gunicorn
(3 workers, portal.settings.prod with README "Deploying"'s plain-HTTP switches), one
Celery worker and beat; migrates, loads the policies and the demo; runs each drill; prints
a table (drill, PASS/FAIL, figures) and exits 1 if any failed. Everything it started is
stopped and its temporary folder removed, also on a failure, a time-out or Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import traceback
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drills import DRILLS, Context  # noqa: E402
from stack import Stack  # noqa: E402

# --short builds the demo months of two cities only, Huzhou's for its first year (the whole
# demo takes minutes): Lutai is the other city of the cross-scope drill, and Huzhou's later
# months are left for the clerks of the drills to enter.
SHORT_DEMO = [("lutai-sme-cultivation", None), ("huzhou-advanced-manufacturing", "2024-01-01")]
DEADLINE = {True: 12 * 60, False: 40 * 60}  # the whole run, stack included: a safety net


class TimedOut(Exception):
    pass


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(rows: list[tuple[str, str, str, str]]) -> str:
    heads = ("drill", "result", "time", "figures")
    widths = [max(_width(r[i]) for r in [heads, *rows]) for i in range(3)]
    line = "+".join("-" * (w + 2) for w in widths) + "+" + "-" * 60
    out = [" | ".join(_pad(h, w) for h, w in zip(heads, widths, strict=False)) + " | figures", line]
    for r in rows:
        out.append(" | ".join(_pad(c, w) for c, w in zip(r[:3], widths, strict=False)) + " | " + r[3])
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="a few minutes: fewer iterations, a short soak")
    parser.add_argument("--only", action="append", choices=sorted(DRILLS), metavar="NAME", help="run only this drill")
    parser.add_argument("--list", action="store_true", help="list the drills and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, (title, _) in DRILLS.items():
            print(f"{name:20} {title}")
        return 0
    chosen = [n for n in DRILLS if not args.only or n in args.only]

    def on_signal(signum, frame):
        raise TimedOut("interrupted" if signum != signal.SIGALRM else "the whole run took too long")

    signal.signal(signal.SIGALRM, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.alarm(DEADLINE[args.short])
    started = time.monotonic()
    rows: list[tuple[str, str, str, str]] = []
    stack = Stack()
    try:
        timings: dict = {}
        print(
            f"drills: stack in {stack.tmp} (PostgreSQL :{stack.pg_port}, Redis :{stack.redis_port}, "
            f"gunicorn :{stack.web_port})",
            flush=True,
        )
        stack.up(timings, demo=SHORT_DEMO if args.short else None)
        rows.append(
            ("stack", "PASS", f"{sum(timings.values()):.0f}s", ", ".join(f"{k} {v:.0f}s" for k, v in timings.items()))
        )
        ctx = Context(stack=stack, short=args.short)
        ctx.targets = stack.probe("entry-targets")
        ctx.scopes = stack.probe("scopes")
        for name in chosen:
            title, fn = DRILLS[name]
            print(f"drills: {name} …", flush=True)
            t0 = time.monotonic()
            try:
                passed, figures = fn(ctx)
            except TimedOut:
                raise
            except Exception as exc:  # noqa: BLE001 - a drill that breaks is a FAIL with its reason
                traceback.print_exc()
                passed, figures = False, f"error: {type(exc).__name__}: {str(exc)[:200]}"
            took = time.monotonic() - t0
            rows.append((name, "PASS" if passed else "FAIL", f"{took:.0f}s", figures))
            print(f"drills: {name} {'PASS' if passed else 'FAIL'} ({took:.0f}s): {figures}", flush=True)
    except TimedOut as exc:
        rows.append(("(run)", "FAIL", f"{time.monotonic() - started:.0f}s", str(exc)))
    except Exception as exc:  # noqa: BLE001 - the stack did not come up
        traceback.print_exc()
        rows.append(("stack", "FAIL", f"{time.monotonic() - started:.0f}s", f"{type(exc).__name__}: {exc}"[:300]))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.down()
    print()
    print(table(rows))
    failed = [r[0] for r in rows if r[1] == "FAIL"]
    passed = [r[0] for r in rows if r[1] == "PASS" and r[0] != "stack"]
    kind = "short" if args.short else "full"
    print(f"\n{kind} drills: {len(passed)} passed, {len(failed)} failed, {time.monotonic() - started:.0f}s in all")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
