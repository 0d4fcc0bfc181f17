"""The drills: each one a function of the running stack returning (passed, figures).

Each is bounded (a fixed number of iterations or seconds, and every wait has a timeout),
talks only to 127.0.0.1 and leaves the stack running for the next one.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import io
import json
import os
import random
import re
import signal
import statistics
import subprocess
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import psycopg2
import requests
from client import Client, hidden_fields, messages_of
from stack import PY, ROOT, Stack, rss_kb, wait_for

PAGE_500 = "服务器出错了"
PAGE_503 = "服务暂时不可用"
KEPT = "请求已记录"
FORMULAS = ['=HYPERLINK("http://127.0.0.1/x","点此")', "+1", "-1+2", "@SUM(A1)"]


@dataclass
class Context:
    stack: Stack
    short: bool
    targets: list[dict] = field(default_factory=list)  # editable reports, from probe entry-targets
    scopes: dict = field(default_factory=dict)
    log: object = print

    def db(self):
        env = self.stack.env["DATABASE_URL"]
        return psycopg2.connect(env, connect_timeout=5)

    def sql(self, query: str, args=()) -> list[tuple]:
        with self.db() as conn, conn.cursor() as cur:
            cur.execute(query, args)
            rows = cur.fetchall() if cur.description else []
        conn.close()
        return rows

    def client(self, username: str | None = None) -> Client:
        return Client(self.stack.base_url, username)

    def entry_path(self, t: dict) -> str:
        return f"/targets/{t['policy']}/{t['unit']}/{t['month']}/"


def _is_error_page(response: requests.Response) -> bool:
    return response.status_code >= 500


# -- 1. web workers killed during saves -------------------------------------------------------


def _save_form(page: str, mark: int) -> dict:
    fields = {k: v for k, v in hidden_fields(page).items() if k != "csrfmiddlewaretoken"}
    value = str(mark % 90 + 1)  # every figure of one save the same: a half-written save shows
    fields.update({name: value for name in re.findall(r'name="(v-\d+)"', page)})
    fields.update(progress_text=f"演练保存 #{mark}", problems_text="", next_steps_text="", action="save")
    return fields


def drill_web_kill(ctx: Context):
    """Clients save one report each while a web worker is SIGKILLed every interval."""
    seconds, every = (15, 3.0) if ctx.short else (90, 3.0)
    targets = ctx.targets[1:5]  # the first is kept for the web/Excel conflict
    stop = threading.Event()
    acked: dict[str, list[int]] = {t["unit"]: [] for t in targets}
    tally = {"sent": 0, "lost": 0, "stale": 0, "http_5xx": 0, "kills": 0}
    lock = threading.Lock()

    def writer(t, offset):
        c = ctx.client(t["users"][0])
        path = ctx.entry_path(t)
        mark = offset
        while not stop.is_set():
            try:
                page = c.get(path)
                if page.status_code != 200:
                    with lock:
                        tally["http_5xx"] += _is_error_page(page)
                    continue
                mark += 1
                with lock:
                    tally["sent"] += 1
                answer = c.post(path, _save_form(page.text, mark))
            except requests.RequestException:
                with lock:
                    tally["lost"] += 1
                continue
            with lock:
                if answer.status_code == 302:
                    acked[t["unit"]].append(mark)
                elif answer.status_code == 200 and "此月报已被" in answer.text:
                    tally["stale"] += 1  # an unacknowledged save had been written after all
                else:
                    tally["http_5xx"] += _is_error_page(answer)

    def killer():
        rng = random.Random(17)
        while not stop.wait(every):
            workers = ctx.stack.web_workers()
            if workers:
                try:
                    os.kill(rng.choice(workers), signal.SIGKILL)
                    tally["kills"] += 1
                except ProcessLookupError:
                    pass

    threads = [threading.Thread(target=writer, args=(t, 1000 * i), daemon=True) for i, t in enumerate(targets)]
    threads.append(threading.Thread(target=killer, daemon=True))
    for th in threads:
        th.start()
    try:
        time.sleep(seconds)
    finally:  # also on Ctrl-C: the threads stop with their request under way
        stop.set()
    for th in threads:
        th.join(60)
    wait_for(lambda: len(ctx.stack.web_workers()) == 3, 30)
    # What the database holds: each report's figures all equal and from its last written
    # save; every acknowledged save in the report's history.
    missing, half, behind = 0, 0, 0
    for t in targets:
        rows = ctx.sql(
            """select r.id, r.progress_text, array_agg(distinct v.value) from targets_monthlyreport r
               join policies_unit u on u.id = r.unit_id join policies_policy p on p.id = r.policy_id
               join targets_period pe on pe.id = r.period_id
               left join targets_reportvalue v on v.report_id = r.id
               where u.code = %s and p.code = %s and pe.year = %s and pe.month = %s group by r.id""",
            (t["unit"], t["policy"], *map(int, t["month"].split("-"))),
        )
        if not rows:
            missing += len(acked[t["unit"]])
            continue
        report_id, text, values = rows[0]
        last = int(text.split("#")[1]) if "#" in text else 0
        half += len({float(v) for v in values if v is not None}) != 1 or float(values[0]) != last % 90 + 1
        behind += bool(acked[t["unit"]]) and last < max(acked[t["unit"]])
        history = {
            int(new.split("#")[1])
            for (new,) in ctx.sql(
                "select new from targets_reportevent where report_id = %s and kind = 'text' and new like %s",
                (report_id, "演练保存 #%"),
            )
            if "#" in new
        }
        missing += len(set(acked[t["unit"]]) - history)
    n_acked = sum(len(v) for v in acked.values())
    ok = n_acked > 0 and missing == 0 and half == 0 and behind == 0 and tally["http_5xx"] == 0
    return ok, (
        f"{n_acked}/{tally['sent']} saves acknowledged, {tally['kills']} workers killed, "
        f"{tally['lost']} cut off, {tally['stale']} stale, lost {missing}, half-written {half}, "
        f"5xx {tally['http_5xx']}"
    )


# -- 2. PostgreSQL restart --------------------------------------------------------------------


def drill_postgres_restart(ctx: Context):
    a = ctx.scopes["a"]
    users = [ctx.client(u) for u in a["users"]]
    # A page each role may open: the reporter's home and lists, the overseers' dashboard.
    pages = [["/", "/policies/", "/targets/notifications/"]] + [["/", "/policies/", f"/dashboards/{a['policy']}/"]] * 2
    visits = [(c, p) for c, own in zip(users, pages, strict=True) for p in own]
    for _ in range(4):  # every worker holds a persistent connection
        for c, p in visits:
            c.get(p)
    ctx.stack.pg_stop("fast")
    down = [c.get(p) for c, p in visits]
    health = users[0].get("/healthz")
    t = time.monotonic()
    ctx.stack.pg_start()
    back_in = time.monotonic() - t
    after = [c.get(p) for _ in range(4) for c, p in visits]
    down_codes = sorted({r.status_code for r in down})
    down_page = all(r.status_code == 503 and PAGE_503 in r.text for r in down)
    after_bad = [
        f"{r.request.path_url} {r.status_code} {r.headers.get('Location', '')}" for r in after if r.status_code != 200
    ]
    ok = down_page and health.status_code == 503 and not after_bad
    return ok, (
        f"while down: {len(down)} pages answered {down_codes} "
        f"({'static 503 page' if down_page else 'NOT the 503 page'}), /healthz {health.status_code}; "
        f"back in {back_in:.1f}s; after: {len(after) - len(after_bad)}/{len(after)} pages 200"
        + (f" ({after_bad[0]})" if after_bad else "")
    )


# -- 3. worker killed mid-build ---------------------------------------------------------------


def _run_rows(ctx, policy, label):
    return ctx.sql(
        """select r.id, r.status, r.version, r.attempts, r.file, r.builder, r.progress from reports_reportrun r
           join policies_policy p on p.id = r.policy_id where p.code = %s and r.period_label = %s order by r.id""",
        (policy, label),
    )


def _ask_run(c: Client, policy: str, kind: str, label: str) -> tuple[int, list[str]]:
    data = {"kind": kind, "month" if kind == "dispatch" else "quarter": label}
    answer = c.post(f"/dashboards/{policy}/archive/", data)
    if answer.status_code != 302:
        return answer.status_code, []
    page = c.get(answer.headers["Location"])
    return page.status_code if page.status_code != 200 else 302, messages_of(page.text)


def drill_worker_kill(ctx: Context):
    policy = ctx.scopes["a"]["policy"]
    label = _plan_months(ctx)[1]
    reviewer = ctx.client(ctx.scopes["a"]["users"][1])
    status, _ = _ask_run(reviewer, policy, "dispatch", label)
    if status != 302:
        return False, f"asking for the dispatch {label} answered {status}"
    if not wait_for(lambda: (_run_rows(ctx, policy, label) or [[0, ""]])[-1][1] == "running", 30, 0.1):
        return False, f"the run of {label} never started"
    builder = _run_rows(ctx, policy, label)[-1][5]
    pid = int(builder.rpartition(":")[2])
    if pid not in ctx.stack.worker_children():
        return False, f"the builder {builder} is not the worker's pool process"
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    again, said = _ask_run(reviewer, policy, "dispatch", label)  # the user asks again meanwhile
    finished = wait_for(lambda: all(r[1] in ("done", "failed") for r in _run_rows(ctx, policy, label)), 60, 0.2)
    took = time.monotonic() - killed_at
    rows = _run_rows(ctx, policy, label)
    done = [r for r in rows if r[1] == "done"]
    files = [r for r in done if r[4] and (ctx.stack.tmp / "media" / r[4]).exists()]
    ok = finished and len(rows) == 1 and len(done) == 1 and len(files) == 1 and again == 302
    return ok, (
        f"killed builder pid {pid} mid-build; asked again: {' '.join(said)[:40] or again}; "
        f"{len(done)} finished archive(s) of {len(rows)} run(s) after {took:.1f}s, attempts {rows[-1][3]}, "
        f"{len(files)} archive file(s)"
    )


def _plan_months(ctx) -> list[str]:
    """Months of A's plan before the one the clerks enter, newest first (one per drill)."""
    year, month = map(int, ctx.scopes["a"]["month"].split("-"))
    out = []
    for _ in range(14):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(f"{year}-{month:02d}")
    return out


# -- 4. Redis restart with queued runs -------------------------------------------------------


def drill_redis_restart(ctx: Context):
    policy = ctx.scopes["a"]["policy"]
    months = _plan_months(ctx)
    queued, while_down = months[2:8], months[8:10]
    reviewer = ctx.client(ctx.scopes["a"]["users"][1])
    ctx.stack.worker_stop()  # the runs stay in the queue
    asked = [_ask_run(reviewer, policy, "dispatch", m)[0] for m in queued]
    ctx.stack.redis_stop()  # no persistence: the queue is gone
    down_answers = [_ask_run(reviewer, policy, "dispatch", m) for m in while_down]
    asked_at = time.monotonic()
    health = reviewer.get("/healthz").status_code
    kept = sum(status == 302 and any(KEPT in m for m in said) for status, said in down_answers)
    t = time.monotonic()
    ctx.stack.redis_start()
    ctx.stack.worker_start(REPORTS_BUILD_PAUSE="0")
    labels = queued + while_down

    def all_done():
        return all([r[1] for r in _run_rows(ctx, policy, m)] == ["done"] for m in labels)

    # Beat sends the sweeper every three minutes; here it is sent the same way every 10 s,
    # once the stack's REPORTS_RESEND_AFTER (5 s) has passed since the last request.
    sweeps = []

    def sweep_then_check():
        if not sweeps or time.monotonic() - sweeps[-1] > 10:
            time.sleep(max(0.0, 6 - (time.monotonic() - asked_at)))
            sent = subprocess.run(
                [PY, "-m", "celery", "-A", "portal", "call", "reports.runs_reap_stale"],
                cwd=ROOT,
                env=ctx.stack.env,
                capture_output=True,
                timeout=60,
            )
            if sent.returncode:
                raise RuntimeError(f"celery call failed: {sent.stderr[-300:]}")
            sweeps.append(time.monotonic())
        return all_done()

    finished = wait_for(sweep_then_check, 120, 0.5)
    took = time.monotonic() - t
    rows = {m: _run_rows(ctx, policy, m) for m in labels}
    once = sum(len(r) == 1 and r[0][1] == "done" for r in rows.values())
    ok = finished and once == len(labels) and kept == len(while_down) and all(s == 302 for s in asked)
    ctx.stack.worker_stop()
    ctx.stack.worker_start(REPORTS_BUILD_PAUSE="2")
    return ok, (
        f"{len(queued)} queued runs lost with Redis; {kept}/{len(while_down)} asked while down got the "
        f"kept-request message (no 500), /healthz {health}; {once}/{len(labels)} built once, "
        f"{took:.1f}s after Redis was back ({len(sweeps)} sweeper message(s))"
    )


# -- 5. two beats at once ---------------------------------------------------------------------


def _effects(ctx) -> dict:
    q = {
        "runs": "select count(*) from reports_reportrun",
        "notifications": "select count(*) from targets_notification",
        "locks": "select count(*) from targets_periodlock where locked_at is not null",
        "opened": "select count(*) from targets_periodlock where opened_at is not null",
        "periods": "select count(*) from targets_period",
        "audit": "select count(*) from targets_auditentry",
        "dup_notifications": """select count(*) from (select user_id, key from targets_notification
                                group by user_id, key having count(*) > 1) d""",
        "dup_runs": """select count(*) from (select kind, policy_id, period_label, version from reports_reportrun
                       group by kind, policy_id, period_label, version having count(*) > 1) d""",
        "dup_pending": """select count(*) from (select kind, policy_id, period_label from reports_reportrun
                          where status in ('queued', 'running') group by kind, policy_id, period_label
                          having count(*) > 1) d""",
    }
    return {k: ctx.sql(v)[0][0] for k, v in q.items()}


def drill_two_beats(ctx: Context):
    ctx.stack.beat_start("beat2")  # a second beat beside the first, as after a bad deploy
    try:
        days = ctx.stack.probe("beat-days")
        if ctx.short:
            days = days[:4]
        before = _effects(ctx)
        start_at = time.time() + 4  # both start their jobs at the same moment
        argv = [PY, str(Path(__file__).with_name("probe.py")), "run-beat-jobs", str(start_at), ",".join(days)]
        procs = [
            subprocess.Popen(argv, env=ctx.stack.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=300) for p in procs]

        def settled():  # the runs they queued are built by the worker, which then notifies
            return ctx.sql("select count(*) from reports_reportrun where status in ('queued', 'running')")[0][0] == 0

        wait_for(settled, 120, 0.5)
        pair = _effects(ctx)
        third = ctx.stack.probe("run-beat-jobs", "0", ",".join(days))
        wait_for(settled, 120, 0.5)
        after = _effects(ctx)
    finally:
        ctx.stack.beat_stop("beat2")
    errors = [line for out, _ in outs for line in json.loads(out.strip().splitlines()[-1]) if ":" in line]
    errors += [line for line in third if ":" in line]
    grew = {k: pair[k] - before[k] for k in ("runs", "notifications", "locks", "opened", "periods")}
    again = {k: after[k] - pair[k] for k in grew if after[k] != pair[k]}
    dups = {k: after[k] for k in after if k.startswith("dup") and after[k]}
    ok = not errors and not again and not dups and all(p.returncode == 0 for p in procs)
    return ok, (
        f"{len(days)} days × {len(json.loads(outs[0][0].strip().splitlines()[-1])) // len(days)} jobs, twice at once: "
        + ", ".join(f"{k} +{v}" for k, v in grew.items())
        + f"; a third time: {again or 'nothing new'}; duplicates {dups or 0}; errors {len(errors)}"
        + (f" ({errors[0][:80]})" if errors else "")
    )


# -- 6. web and Excel edits of one report ----------------------------------------------------


def _filled_template(data: bytes, value: str) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows(min_row=1):
            if len(row) >= 10 and row[9].value and row[7].protection.locked is False:
                row[7].value = float(value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def drill_web_excel_conflict(ctx: Context):
    t = ctx.targets[0]
    path = ctx.entry_path(t)
    excel_user = ctx.client(t["users"][0])
    web_user = ctx.client(t["users"][-1])  # a colleague, or the same clerk in another tab
    results = []
    for round_no, (excel_value, web_value) in enumerate([("11", "22"), ("33", "44")], start=1):
        template = excel_user.get(path + "excel/")
        upload = _filled_template(template.content, excel_value)
        preview = excel_user.post(path + "upload/", files={"file": ("月报.xlsx", upload, "application/octet-stream")})
        page = web_user.get(path)
        saved = web_user.post(path, _save_form(page.text, int(web_value) - 1))
        confirm = excel_user.post(path + "upload/", {"action": "confirm"})
        follow = excel_user.get(confirm.headers.get("Location", path + "upload/"))
        said = " ".join(messages_of(follow.text))
        values = {
            float(v)
            for (v,) in ctx.sql(
                """select v.value from targets_reportvalue v join targets_monthlyreport r on r.id = v.report_id
                   join policies_unit u on u.id = r.unit_id join targets_period pe on pe.id = r.period_id
                   where u.code = %s and pe.year = %s and pe.month = %s""",
                (t["unit"], *map(int, t["month"].split("-"))),
            )
        }
        kept = values == {float(web_value)}
        # Stale version, or the field-level merge finding that both changed the same figures.
        refused = ("请重新上传" in said or "未保存任何内容" in said) and "已从 Excel 保存" not in said
        results.append((round_no, preview.status_code, saved.status_code, refused, kept, len(values)))
    ok = all(p == 200 and s == 302 and refused and kept for _, p, s, refused, kept, _ in results)
    return ok, "; ".join(
        f"{'no report yet' if n == 1 else 'report exists'}: Excel confirm "
        f"{'refused as stale' if refused else 'SAVED OVER'}, colleague's web figures "
        f"{'kept' if kept else 'LOST'}"
        for n, _, _, refused, kept, _ in results
    )


# -- 7. cross-scope requests ------------------------------------------------------------------

# 415: the API refuses a form body before anything else (it takes JSON only): nothing read, nothing written.
REFUSED = {403, 404, 405, 415}
NO_POST = {"logout", "admin:logout"}


def drill_cross_scope(ctx: Context):
    scopes_file = ctx.stack.tmp / "scopes.json"
    scopes_file.write_text(json.dumps(ctx.scopes))
    rows = ctx.stack.probe("cross-urls", str(scopes_file))
    markers = ctx.scopes["b"]["markers"]
    clients = {u: ctx.client(u) for u in ctx.scopes["a"]["users"]}
    bad, requests_made, names = [], 0, set()
    for row in rows:
        names.add(row["name"])
        users = row["users"]
        if ctx.short and row["name"].startswith("admin:"):
            users = users[:1]  # the admin sends every non-staff user to its login page alike
        for user in users:
            c = clients[user]
            for method in ("GET", "POST"):
                if method == "POST" and row["name"] in NO_POST:
                    continue
                answer = c.get(row["path"]) if method == "GET" else c.post(row["path"], {"action": "approve"})
                requests_made += 1
                body = answer.text if "text" in answer.headers.get("Content-Type", "") else ""
                leaked = [m for m in markers if m in body]
                location = answer.headers.get("Location", "")
                to_login = answer.status_code == 302 and "/login/" in location
                refused = answer.status_code in REFUSED or to_login
                if answer.status_code >= 500 or leaked or (row["foreign"] and not refused):
                    bad.append(f"{method} {row['path']} as {user}: {answer.status_code} {location} {leaked[:2]}")
    ok = not bad and requests_made > 0
    return ok, (
        f"{requests_made} requests ({len(names)} URL names × GET/POST × 3 roles"
        f"{', admin as one' if ctx.short else ''}) with {ctx.scopes['b']['city']}'s "
        f"ids: {len(bad)} leaked or not refused" + (f" — {bad[0]}" if bad else "")
    )


# -- 8. hostile uploads -----------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _bomb() -> bytes:
    """A worksheet of 1 GB of cells in a zip of about a megabyte, written in chunks."""
    out = io.BytesIO()
    chunk = b'<c r="A1" t="s"><v>0</v></c>' * 40_000
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet><sheetData><row r="1">')
            for _ in range(1024 * 1024 * 1024 // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</row></sheetData></worksheet>")
    return out.getvalue()


def _hundred_k_rows(template: bytes) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    start = ws.max_row + 1
    for r in range(start, start + 100_000):
        ws.cell(r, 8, r)
        ws.cell(r, 9, "演练")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _encrypted() -> bytes:
    # What Excel writes for "Encrypt with password": an OLE compound file holding EncryptedPackage.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 4096


def drill_hostile_uploads(ctx: Context):
    t = ctx.targets[-1]
    other = next((x for x in ctx.targets if x["unit"] != t["unit"] and x["users"][0] != t["users"][0]), None)
    clerk = ctx.client(t["users"][0])
    path = ctx.entry_path(t)
    template = clerk.get(path + "excel/").content
    foreign = b""
    if other:
        foreign = ctx.client(other["users"][0]).get(ctx.entry_path(other) + "excel/").content
    cases = {
        "oversize 6 MB": (random.Random(3).randbytes(6 * 1024 * 1024), "超过"),
        "zip bomb": (_bomb(), "解压后过大"),
        "wrong type (PNG)": (b"\x89PNG\r\n\x1a\n" + random.Random(4).randbytes(20_000), "不是有效的 Excel"),
        "password-protected": (_encrypted(), "密码"),
        "another unit's template": (foreign, "其他单位"),
        "100k rows": (_hundred_k_rows(template), ""),
    }
    figures, ok = [], True
    for name, (data, expected) in cases.items():
        workers = ctx.stack.web_workers()
        start_rss = {p: rss_kb(p) for p in workers}
        peak = dict(start_rss)
        done = threading.Event()

        def sample(workers=workers, peak=peak, done=done):
            while not done.is_set():
                for p in workers:
                    peak[p] = max(peak.get(p, 0), rss_kb(p))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t0 = time.monotonic()
        try:
            answer = clerk.post(path + "upload/", files={"file": ("月报.xlsx", data, "application/octet-stream")})
            status, text = answer.status_code, answer.text
        except requests.RequestException as exc:
            status, text = type(exc).__name__, ""
        took = time.monotonic() - t0
        done.set()
        sampler.join()
        grew = max((peak[p] - start_rss.get(p, 0) for p in peak), default=0) // 1024
        top = max(peak.values(), default=0) // 1024
        said = " ".join(messages_of(text))
        if name == "100k rows":  # a real template with rows added: read, and its figures previewed or refused
            passed = status == 200 and took < 30 and top < 600
        else:
            passed = status == 200 and expected in said and "没有保存任何内容" in said and took < 30 and top < 600
        ok &= passed
        outcome = " refused" if "未被接受" in text else " previewed" if "确认保存" in text else ""
        figures.append(
            f"{name} ({len(data) // 1024} kB): {status}{outcome}, {took:.1f}s, worker peak {top} MB (+{grew})"
        )
    return ok, "; ".join(figures)


# -- 9. formula payloads in every export ------------------------------------------------------


def _live_formulas(data: bytes) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (
                    isinstance(cell.value, str)
                    and cell.value.startswith(("=", "+", "-", "@"))
                    and cell.data_type != "s"
                ):
                    bad.append(f"{ws.title}!{cell.coordinate}={cell.value!r:.30}")
    return bad


def _raw_csv(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    bad = []
    for row in csv.reader(io.StringIO(text)):
        for value in row:
            if value.startswith(("=", "+", "-", "@", "\t", "\r")):
                try:
                    float(value)
                except ValueError:
                    bad.append(value[:30])
    return bad


def drill_formula_exports(ctx: Context):
    t = ctx.targets[-1]
    a = ctx.scopes["a"]
    clerk = ctx.client(t["users"][0])
    path = ctx.entry_path(t)
    page = clerk.get(path)
    form = _save_form(page.text, 1)
    form.update(progress_text=FORMULAS[0], problems_text=FORMULAS[1], next_steps_text=FORMULAS[3])
    form.update({k: "-1+2" for k in form if k.startswith("n-")})
    saved = clerk.post(path, form)
    old_name = ctx.stack.probe("set-unit-name", t["unit"], FORMULAS[0])
    try:
        reviewer = ctx.client(a["users"][1])
        policy, month = a["policy"], t["month"]
        year = month.split("-")[0]
        exports = {
            "unit list xlsx": (reviewer, "/policies/units/?_export=xlsx"),
            "unit list csv": (reviewer, "/policies/units/?_export=csv"),
            "policy list xlsx": (reviewer, "/policies/?_export=xlsx"),
            "policy list csv": (reviewer, "/policies/?_export=csv"),
            "indicator table xlsx": (reviewer, f"/dashboards/{policy}/?month={month}&_export=xlsx"),
            "indicator table csv": (reviewer, f"/dashboards/{policy}/?month={month}&_export=csv"),
            "报送及时率 xlsx": (reviewer, f"/targets/timeliness/{policy}/?year={year}&_export=xlsx"),
            "报送及时率 csv": (reviewer, f"/targets/timeliness/{policy}/?year={year}&_export=csv"),
            "clerk's template": (clerk, path + "excel/"),
            "reviewer workbook": (reviewer, f"/targets/review/{policy}/{month}/excel/"),
        }
        figures, bad = [], []
        for name, (c, url) in exports.items():
            answer = c.get(url)
            if answer.status_code != 200:
                bad.append(f"{name}: {answer.status_code}")
                continue
            found = _raw_csv(answer.content) if name.endswith("csv") else _live_formulas(answer.content)
            bad += [f"{name}: {x}" for x in found]
        # The dispatch of that month, built by the worker.
        status, _ = _ask_run(reviewer, policy, "dispatch", month)
        wait_for(lambda: [r[1] for r in _run_rows(ctx, policy, month)][-1:] == ["done"], 60, 0.3)
        rows = _run_rows(ctx, policy, month)
        if rows and rows[-1][1] == "done":
            data = (ctx.stack.tmp / "media" / rows[-1][4]).read_bytes()
            bad += [f"dispatch: {x}" for x in _live_formulas(data)]
            exports["dispatch (worker)"] = None
        else:
            bad.append(f"dispatch of {month}: {rows[-1][1] if rows else status}")
    finally:
        ctx.stack.probe("set-unit-name", t["unit"], old_name)
    ok = saved.status_code == 302 and not bad
    figures.append(f"{len(exports)} exports with {len(FORMULAS)} payloads in narratives, notes and a unit name")
    figures.append(f"{len(bad)} live formula / raw cells" + (f" — {bad[0]}" if bad else ""))
    return ok, "; ".join(figures)


# -- 10. wrong passwords ----------------------------------------------------------------------


def drill_wrong_passwords(ctx: Context):
    user = ctx.scopes["a"]["users"][2]
    c = ctx.client()
    answers = [c.try_login(user, f"wrong-{i}") for i in range(5)]
    first_five = [a.status_code for a in answers]
    locked = c.try_login(user, "demo1234")
    t0 = time.monotonic()
    more = [c.try_login(user, f"wrong-{i}").status_code for i in range(45)]
    rate = 45 / (time.monotonic() - t0)
    right_after_50 = c.try_login(user, "demo1234")
    other_user_ok = Client(ctx.stack.base_url).try_login(ctx.scopes["a"]["users"][1], "demo1234").status_code == 302
    ctx.stack.manage("axes_reset_username", user)
    unlocked = c.try_login(user, "demo1234").status_code == 302
    refused = locked.status_code != 302 and "登录失败次数过多" in locked.text
    ok = refused and right_after_50.status_code != 302 and unlocked and other_user_ok and 302 not in first_five + more
    return ok, (
        f"5 wrong → right password {'refused (lockout page ' + str(locked.status_code) + ')' if refused else 'LOGGED IN'}; "
        f"50 wrong ({rate:.0f}/s) → right one {'refused' if right_after_50.status_code != 302 else 'LOGGED IN'}; "
        f"another user unaffected: {other_user_ok}; after axes_reset_username: {'in' if unlocked else 'still out'}"
    )


# -- 11. soak -----------------------------------------------------------------------------------


def drill_soak(ctx: Context):
    clients_n, seconds = (4, 20) if ctx.short else (10, 120)
    a = ctx.scopes["a"]
    users = a["users"] * 4
    pages = {
        a["users"][0]: ["/", "/targets/notifications/", "/policies/"]
        + [f"/targets/{a['policy']}/{u}/{a['month']}/" for u in a["units"]],
        a["users"][1]: ["/", f"/targets/review/{a['policy']}/", f"/dashboards/{a['policy']}/", "/policies/units/"],
        a["users"][2]: ["/", f"/dashboards/{a['policy']}/", f"/dashboards/{a['policy']}/dispatch/"],
    }
    workers = ctx.stack.web_workers()
    rss_before = sum(rss_kb(p) for p in workers)
    # A first pass so that each worker has its imports and caches warm.
    warm = ctx.client(a["users"][1])
    for _ in range(3):
        for p in pages[a["users"][1]] + pages[a["users"][2]]:
            warm.get(p)
    rss_warm = sum(rss_kb(p) for p in ctx.stack.web_workers())
    latencies, errors, lock = [], [], threading.Lock()
    stop_at = time.monotonic() + seconds

    def run(i):
        user = users[i % len(users)]
        c = ctx.client(user)
        rng = random.Random(i)
        while time.monotonic() < stop_at:
            p = rng.choice(pages[user])
            t0 = time.monotonic()
            try:
                r = c.get(p)
                status = r.status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            with lock:
                latencies.append(time.monotonic() - t0)
                if status != 200:
                    errors.append(f"{p} {status}")

    with cf.ThreadPoolExecutor(clients_n) as pool:
        list(pool.map(run, range(clients_n)))
    after = ctx.stack.web_workers()
    rss_after = sum(rss_kb(p) for p in after)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 20 else max(latencies, default=0)
    growth = (rss_after - rss_warm) / 1024
    ok = not errors and set(after) == set(workers) and growth < 60
    return ok, (
        f"{clients_n} clients × {seconds}s: {len(latencies)} requests, {len(errors)} errors"
        + (f" ({errors[0]})" if errors else "")
        + f", p95 {p95 * 1000:.0f} ms, workers' RSS {rss_before // 1024}→{rss_warm // 1024}→{rss_after // 1024} MB "
        f"(+{growth:.0f} MB during the soak)"
    )


DRILLS = {
    "web_kill": ("SIGKILL web workers during saves", drill_web_kill),
    "postgres_restart": ("PostgreSQL restart", drill_postgres_restart),
    "worker_kill": ("Celery worker killed mid-build", drill_worker_kill),
    "redis_restart": ("Redis restart with queued runs", drill_redis_restart),
    "web_excel_conflict": ("web and Excel edits of one report", drill_web_excel_conflict),
    "cross_scope": ("cross-scope requests, every URL", drill_cross_scope),
    "hostile_uploads": ("hostile uploads", drill_hostile_uploads),
    "formula_exports": ("formula payloads in every export", drill_formula_exports),
    "wrong_passwords": ("wrong passwords", drill_wrong_passwords),
    "two_beats": ("two beats at once", drill_two_beats),
    "soak": ("bounded soak", drill_soak),
}
