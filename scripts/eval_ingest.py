"""Measure the ingest reader against the hand-made fixtures.

Each seed document in ``../shared/seeds`` (relative to the repository root; ``--seeds`` to
change it) is read by ``catalogue.ingest.read_policy`` alone, given only its city code, and
compared with the fixture made by hand from it (``fixtures/policies/*.yaml``). A seed is
paired with the fixture whose cleaned source text (``fixtures/sources/``) shares the most
lines with it; the city code is the fixture's.

Matching rules, printed with the table:

- targets: a fixture target and a reader target are *candidates* when their quotes overlap
  in the seed text, or when they sit in the same paragraph (line) with the same value.
  Pairs are assigned one to one, best first (fully right, then same value, then longest
  overlap). A fixture target is *found* when its pair has the same value, value_max,
  window and year. A reader target paired with nothing is *invented*.
- tasks: a numbered fixture task is found when a reader task has the same number and a
  text that covers at least half of the fixture text's character pairs; its units are
  *right* when the lead set and the co set are equal after normalising names (Simplified,
  half-width brackets, the fixture's aliases mapped to their unit).

The development corpus (``fixtures/ingest/corpus/``: invented documents, ``NN-name.txt``, each
with its answer key ``NN-name.yaml`` written from the text, not from the reader's output) is
scored the same way in a second table: a key target is found when a reader target overlapping
its quote has the key's value, value_max, window and year (and its comparison, applies_to and
baseline year where the key gives them); a key task (by number) has its units right when the
lead set, the co set and the counties flag are the key's.

Run: ``cd /work/main && .venv/bin/python scripts/eval_ingest.py [--seeds DIR] [--corpus DIR] [--details]``.
No Django is needed: the reader and ``catalogue.checking`` are plain Python.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from catalogue.checking import iter_tasks  # noqa: E402
from catalogue.ingest import read_policy  # noqa: E402
from catalogue.ingest.script import fold, simplified  # noqa: E402

FIXTURES = ROOT / "fixtures"
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
DEFAULT_CORPUS = FIXTURES / "ingest" / "corpus"
DEFAULT_HOLDOUT = FIXTURES / "ingest" / "holdout"


@dataclass
class Tgt:
    value: float
    value_max: float | None
    window: str
    year: int | None
    quote: str
    spans: list[tuple[int, int]]
    lines: set[int]
    label: str
    kind: tuple = ()  # (measure, rollup, direction, comparison) of the target's indicator
    extra: tuple = ()  # (comparison, applies_to, baseline year) where an answer key gives them


def _spans(text: str, quote: str) -> list[tuple[int, int]]:
    spans, at = [], text.find(quote)
    while quote and at >= 0:
        spans.append((at, at + len(quote)))
        at = text.find(quote, at + 1)
    return spans


def _lines(text: str, spans) -> set[int]:
    return {text.count("\n", 0, a) for a, _b in spans}


def _overlap(a: Tgt, b: Tgt) -> int:
    best = 0
    for s1, e1 in a.spans:
        for s2, e2 in b.spans:
            best = max(best, min(e1, e2) - max(s1, s2))
    return best


def _same_number(x, y) -> bool:
    if x is None or y is None:
        return x is None and y is None
    return abs(float(x) - float(y)) < 0.011


def _right(f: Tgt, r: Tgt) -> bool:
    return (
        _same_number(f.value, r.value)
        and _same_number(f.value_max, r.value_max)
        and f.window == r.window
        and (f.year or None) == (r.year or None)
        and all(want is None or want == got for want, got in zip(f.extra, r.extra, strict=False))
    )


def _targets(policy: dict, seed: str) -> list[Tgt]:
    out = []
    for _place, _section, task in iter_tasks(policy):
        for ind in task.get("indicators") or []:
            for t in ind.get("targets") or []:
                quote = t["source_quote"]
                spans = _spans(seed, quote)
                out.append(
                    Tgt(
                        value=t["value"],
                        value_max=t.get("value_max"),
                        window=t["window"],
                        year=t.get("year"),
                        quote=quote,
                        spans=spans,
                        lines=_lines(seed, spans),
                        label=f"{t['value']}{'-' + str(t['value_max']) if t.get('value_max') is not None else ''}"
                        f" {t['window']} {t.get('year') or ''} «{quote}»",
                        kind=(ind["measure"], ind["rollup"], ind["direction"], t["comparison"]),
                        extra=(
                            t["comparison"],
                            t.get("applies_to") or "total",
                            int(t["baseline_date"][:4]) if t.get("baseline_date") else None,
                        ),
                    )
                )
    return out


def match_targets(fixture: list[Tgt], reader: list[Tgt]) -> tuple[list, list, list]:
    """(found, wrong, invented): pairs fully right, pairs that differ, reader targets unpaired."""
    pairs = []
    for i, f in enumerate(fixture):
        for j, r in enumerate(reader):
            overlap = _overlap(f, r)
            same_line_value = bool(f.lines & r.lines) and _same_number(f.value, r.value)
            if overlap > 0 or same_line_value:
                score = (_right(f, r), _same_number(f.value, r.value), overlap)
                pairs.append((score, i, j))
    pairs.sort(reverse=True)
    used_f, used_r, found, wrong = set(), set(), [], []
    for score, i, j in pairs:
        if i in used_f or j in used_r:
            continue
        used_f.add(i)
        used_r.add(j)
        (found if score[0] else wrong).append((fixture[i], reader[j]))
    invented = [r for j, r in enumerate(reader) if j not in used_r]
    missed = [f for i, f in enumerate(fixture) if i not in used_f]
    return found, wrong + [(f, None) for f in missed], invented


def _norm_text(text: str) -> str:
    text = re.sub(r"^\s*[\d一二三四五六七八九十]+\s*[.、．]|^\s*[(（][一二三四五六七八九十\d]+[)）]", "", text or "")
    return re.sub(r"[^\u4e00-\u9fff\w]", "", fold(text))


def _coverage(fixture_text: str, reader_text: str) -> float:
    a, b = _norm_text(fixture_text), _norm_text(reader_text)
    grams = {a[i : i + 2] for i in range(len(a) - 1)}
    if not grams:
        return 0.0
    other = {b[i : i + 2] for i in range(len(b) - 1)}
    return len(grams & other) / len(grams)


def _unit_normaliser(policy: dict, city: dict):
    canon = {}
    for unit in (policy.get("units") or []) + (city.get("units") or []):
        for name in [unit["name"], *(unit.get("aliases") or [])]:
            canon[_norm_name(name)] = _norm_name(unit["name"])

    def normal(name: str) -> str:
        key = _norm_name(name)
        return canon.get(key, key)

    return normal


def _norm_name(name: str) -> str:
    return re.sub(r"\s", "", fold(simplified(name)))


def _reader_tasks(policy: dict) -> list[dict]:
    out = []

    def walk(sections):
        for s in sections:
            out.extend(s.get("tasks") or [])
            walk(s.get("sections") or [])

    walk(policy["sections"])
    return out


def evaluate(fixture: dict, city: dict, seed_text: str, details: bool) -> dict:
    policy = read_policy(seed_text, city_code=fixture["city"])
    for task in _reader_tasks(policy):
        for ind in task["indicators"]:
            for t in ind["targets"]:
                assert t["source_quote"] in policy["source_text"] and t["source_quote"] in seed_text, t
    reader_targets = _targets(policy, seed_text)
    fixture_targets = [replace(t, extra=()) for t in _targets(fixture, seed_text)]  # the seeds' rule as before
    found, wrong, invented = match_targets(fixture_targets, reader_targets)

    normal = _unit_normaliser(fixture, city)
    numbered = [t for _p, _s, t in iter_tasks(fixture) if t.get("number")]
    reader_tasks = _reader_tasks(policy)
    tasks_found = units_right = 0
    task_problems = []
    for ft in numbered:
        best, best_cov = None, 0.0
        for rt in reader_tasks:
            if str(rt.get("number")) != str(ft["number"]):
                continue
            cov = _coverage(ft.get("text") or ft["title"], rt.get("text") or rt["title"])
            if cov > best_cov:
                best, best_cov = rt, cov
        if best is None or best_cov < 0.5:
            task_problems.append(f"未找到任务 {ft['number']} {ft['title']}")
            continue
        tasks_found += 1
        lead_f = {normal(n) for n in ft.get("lead_units") or []}
        co_f = {normal(n) for n in ft.get("co_units") or []}
        lead_r = {normal(n) for n in best.get("lead_units") or []}
        co_r = {normal(n) for n in best.get("co_units") or []}
        if lead_f == lead_r and co_f == co_r:
            units_right += 1
        else:
            task_problems.append(
                f"单位不符 {ft['number']} {ft['title']}: 手工 {sorted(lead_f)}/{sorted(co_f)}"
                f" ≠ 读取 {sorted(lead_r)}/{sorted(co_r)}"
            )
    if details:
        print(f"\n## {fixture['code']}  (牵头单位: 读取 {policy.get('lead_unit')} / 手工 {fixture.get('lead_unit')})")
        for f, r in wrong:
            if r is None:
                print(f"  漏读  手工 {f.label}")
            else:
                print(f"  不符  手工 {f.label}\n        读取 {r.label}")
        for r in invented:
            print(f"  多出  读取 {r.label}")
        for line in task_problems:
            print(f"  {line}")
    if details:
        for f, r in found:
            if f.kind != r.kind:
                print(f"  口径不同 手工 {f.kind} / 读取 {r.kind} «{f.quote}»")
    return {
        "code": fixture["code"],
        "targets": len(fixture_targets),
        "found": len(found),
        "same_kind": sum(1 for f, r in found if f.kind == r.kind),
        "wrong": len([w for w in wrong if w[1] is not None]),
        "missed": len([w for w in wrong if w[1] is None]),
        "reader": len(reader_targets),
        "invented": len(invented),
        "tasks": len(numbered),
        "tasks_found": tasks_found,
        "units_right": units_right,
        "lead": (policy.get("lead_unit"), fixture.get("lead_unit")),
    }


def _key_targets(key: dict, text: str) -> list[Tgt]:
    out = []
    for t in key.get("targets") or []:
        quote = str(t["quote"])
        spans = _spans(text, quote)
        if not spans:
            raise SystemExit(f"答案中的引文不在原文中：{quote}")
        out.append(
            Tgt(
                value=t["value"],
                value_max=t.get("value_max"),
                window=t["window"],
                year=t.get("year"),
                quote=quote,
                spans=spans,
                lines=_lines(text, spans),
                label=f"{t['value']} {t['window']} {t.get('year') or ''} «{quote}»",
                extra=(t.get("comparison"), t.get("applies_to") or "total", t.get("baseline_year")),
            )
        )
    return out


def evaluate_corpus_document(path: Path, details: bool) -> dict:
    """One invented document of the development corpus against its answer key."""
    text = path.read_text(encoding="utf-8")
    key = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
    policy = read_policy(text, city_code=key["city"])
    reader_targets = _targets(policy, text)
    key_targets = _key_targets(key, text)
    found, wrong, invented = match_targets(key_targets, reader_targets)
    reader_tasks = _reader_tasks(policy)
    tasks_found = units_right = 0
    problems = []
    for kt in key.get("tasks") or []:
        if kt.get("contains"):  # a task the reader may number otherwise: found by its text
            best = next((rt for rt in reader_tasks if kt["contains"] in (rt.get("text") or "")), None)
        else:
            best = next((rt for rt in reader_tasks if str(rt.get("number")) == str(kt["number"])), None)
        if best is None:
            problems.append(f"未找到任务 {kt['number']}")
            continue
        tasks_found += 1
        want = (
            {_norm_name(n) for n in kt.get("lead") or []},
            {_norm_name(n) for n in kt.get("co") or []},
            bool(kt.get("counties")),
        )
        got = (
            {_norm_name(n) for n in best.get("lead_units") or []},
            {_norm_name(n) for n in best.get("co_units") or []},
            bool(best.get("counties_implement")),
        )
        if want == got:
            units_right += 1
        else:
            problems.append(f"单位不符 {kt['number']}: 答案 {want} ≠ 读取 {got}")
    if details:
        print(f"\n## {path.stem}  ({key.get('shape', '')})")
        for f, r in wrong:
            print(
                f"  漏读  答案 {f.label}"
                if r is None
                else f"  不符  答案 {f.label} {f.extra}\n        读取 {r.label} {r.extra}"
            )
        for r in invented:
            print(f"  多出  读取 {r.label}")
        for line in problems:
            print(f"  {line}")
    return {
        "code": path.stem,
        "targets": len(key_targets),
        "found": len(found),
        "same_kind": len(found),
        "wrong": len([w for w in wrong if w[1] is not None]),
        "missed": len([w for w in wrong if w[1] is None]),
        "reader": len(reader_targets),
        "invented": len(invented),
        "tasks": len(key.get("tasks") or []),
        "tasks_found": tasks_found,
        "units_right": units_right,
    }


def pair_seeds(seeds_dir: Path) -> list[tuple[Path, Path, dict, dict]]:
    """(fixture file, seed file, fixture, city) for each fixture, paired by shared lines of text."""
    seeds = {p: p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))}
    out = []
    for path in sorted((FIXTURES / "policies").glob("*.yaml")):
        fixture = yaml.safe_load(path.read_text(encoding="utf-8"))
        source = (FIXTURES / "sources" / fixture["source"]).read_text(encoding="utf-8")
        lines = [line.strip() for line in source.splitlines() if len(line.strip()) >= 10]
        best, best_share = None, 0.0
        for seed_path, seed_text in seeds.items():
            share = sum(1 for line in lines if line in seed_text) / max(1, len(lines))
            if share > best_share:
                best, best_share = seed_path, share
        if best is None or best_share < 0.5:
            print(f"{path.name}: 没有找到对应的原文（最多 {best_share:.0%} 的行相同）", file=sys.stderr)
            continue
        city = yaml.safe_load((FIXTURES / "cities" / f"{fixture['city']}.yaml").read_text(encoding="utf-8"))
        out.append((path, best, fixture, city))
    return out


def _pct(a: int, b: int) -> str:
    return f"{a / b:.0%}" if b else "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder of the seed documents")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of the development corpus")
    parser.add_argument(
        "--holdout", type=Path, default=DEFAULT_HOLDOUT, help="folder of invented documents written in later batches"
    )
    parser.add_argument("--details", action="store_true", help="list every miss, mismatch and invented target")
    args = parser.parse_args(argv)
    seeds_dir = args.seeds if args.seeds.is_absolute() else (Path.cwd() / args.seeds)
    if not seeds_dir.is_dir():
        print(f"找不到原文目录 {seeds_dir}", file=sys.stderr)
        return 2

    rows = []
    for _path, seed_path, fixture, city in pair_seeds(seeds_dir):
        row = evaluate(fixture, city, seed_path.read_text(encoding="utf-8"), args.details)
        row["seed"] = seed_path.name
        rows.append(row)

    print(
        "\n匹配规则：引文在原文中重叠、或同一段落且数值相同的目标为候选对，一对一按“完全正确 > 数值相同 > 重叠长度”分配；"
        "\n“找到”= 数值、上限、窗口、年份均相同；“多出”= 读取的目标未与任何手工目标配对。"
        "\n任务：编号相同且正文字对覆盖 ≥ 50% 为找到；牵头与配合单位集合（简体、别名归一后）相同为单位正确。\n"
    )
    print("# 种子文件（fixtures/policies 的手工编码）")
    total = _table(rows)
    print("口径同：找到的目标中，指标的 measure、rollup、direction 与目标的 comparison 也与手工编码相同的个数。")
    print()
    print("原文 → 手工编码（按与 fixtures/sources 相同的行配对）:")
    for row in rows:
        print(f"  {row['seed']} → {row['code']}")
    print()
    print("牵头单位（读取 / 手工）:")
    for row in rows:
        reader_lead, fixture_lead = row["lead"]
        print(f"  {row['code']:<32} {reader_lead or '（未推定）'} / {fixture_lead}")
    print()
    print(
        f"目标：找到 {_pct(total['found'], total['targets'])}（要求 ≥ 90%），"
        f"多出 {_pct(total['invented'], total['reader'])}（要求 ≤ 10%）；"
        f"编号任务及责任单位正确 {_pct(total['units_right'], total['tasks'])}（要求 ≥ 95%）"
    )
    for label, folder in (
        ("开发语料：虚构文件与独立答案，读取规则据此调整", args.corpus),
        (
            "留出语料：分批另写的虚构文件与独立答案；每批先记首次结果（fixtures/ingest/README.md），此后也用于修正规则",
            args.holdout,
        ),
    ):
        folder = folder if folder.is_absolute() else (Path.cwd() / folder)
        documents = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if not documents:
            continue
        shown = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
        print(f"\n# {label}（{shown}）")
        print(
            "“找到”另要求答案写明的比较方式、applies_to（每个单位/合计）与基期年份相同；单位对 = 牵头、配合与“各县落实”均相同。"
        )
        corpus_rows = [evaluate_corpus_document(p, args.details) for p in documents]
        ctotal = _table(corpus_rows, kind=False)
        print(
            f"\n找到 {_pct(ctotal['found'], ctotal['targets'])}（要求 ≥ 95%），"
            f"多出 {_pct(ctotal['invented'], ctotal['reader'])}（要求 ≤ 5%）；"
            f"责任单位正确 {_pct(ctotal['units_right'], ctotal['tasks'])}（要求 ≥ 90%）"
        )
    return 0


def _table(rows: list[dict], kind: bool = True) -> dict:
    """Print one table of rows (one per document) with its total row; returns the totals."""
    columns = [
        ("文件", None),
        ("手工目标", "targets"),
        ("找到", "found"),
        ("找到%", ("found", "targets")),
        ("不符", "wrong"),
        ("漏读", "missed"),
        ("读出目标", "reader"),
        ("多出", "invented"),
        ("多出%", ("invented", "reader")),
        ("编号任务", "tasks"),
        ("任务找到", "tasks_found"),
        ("单位对", "units_right"),
        ("单位对%", ("units_right", "tasks")),
    ] + ([("口径同", "same_kind")] if kind else [])
    total = {key: 0 for _label, key in columns if isinstance(key, str)}
    for row in rows:
        for key in total:
            total[key] += row[key]
    table = [[label for label, _key in columns]]
    for name, row in [(row["code"], row) for row in rows] + [("合计", total)]:
        cells = [name]
        for _label, key in columns[1:]:
            cells.append(_pct(row[key[0]], row[key[1]]) if isinstance(key, tuple) else str(row[key]))
        table.append(cells)
    widths = [max(_width(r[i]) for r in table) for i in range(len(columns))]
    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    for index, cells in enumerate(table):
        if index in (1, len(table) - 1):
            print(rule)
        print(
            "  ".join(
                _pad(cell, width, left=(i == 0)) for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
            )
        )
    return total


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, left: bool) -> str:
    space = " " * (width - _width(text))
    return text + space if left else space + text


if __name__ == "__main__":
    sys.exit(main())
