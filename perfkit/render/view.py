"""The report's content as display strings: one view shared by the terminal, HTML and Markdown.

``build_view(verdict_dict)`` formats every number once and passes every profile-derived string
through ``perfkit.render.text.label`` (control characters made visible, long names cut). The
renderers only lay the view out and escape for their own markup.
"""

from __future__ import annotations

from typing import Any

import attrs

from perfkit.render.text import label
from perfkit.validate.formulas import fmt_calls, fmt_ms, fmt_seconds

STATUS_TITLES = {"go": "GO", "marginal": "MARGINAL", "no-go": "NO-GO"}
OUTCOME_MARKS = {"pass": "pass", "fail": "FAIL", "warn": "warn", "skip": "skip"}
CHECK_MARKS = {True: "[x]", False: "[ ]", None: "[?]"}


def _s(value: float | None) -> str:
    return "-" if value is None else fmt_seconds(value)


def _c(value: float | None) -> str:
    return "-" if value is None else fmt_calls(value)


def _pct(value: float | None, digits: int = 1, signed: bool = False) -> str:
    if value is None:
        return "-"
    value = value + 0.0 if round(value, digits) != 0 else 0.0  # no "-0.0 %"
    return f"{value:+.{digits}f} %" if signed and value else f"{value:.{digits}f} %"


def _ms(value: float | None) -> str:
    return "-" if value is None else fmt_ms(value)


def _delta_calls(value: float | None) -> str:
    if value is None:
        return "-"
    text = fmt_calls(abs(value))
    return f"-{text}" if value > 0 else (f"+{text}" if value < 0 else "±0")


@attrs.frozen
class Table:
    """Column titles, right-aligned columns, and rows of strings (with an optional CSS class)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()
    classes: tuple[str, ...] = ()
    caption: str = ""

    def row_class(self, index: int) -> str:
        return self.classes[index] if index < len(self.classes) else ""


@attrs.frozen
class ButterflyView:
    """The exact callers/callees diff of one selector: its functions, callers and callees."""

    selector: str
    runs: str
    functions: Table
    callers: Table
    callees: Table


@attrs.frozen
class View:
    status: str
    status_title: str
    decision: str
    band_label: str
    action: str
    headline: str
    reasons: tuple[str, ...]
    exit_code: int
    facts: tuple[tuple[str, str], ...]
    metrics: Table
    hidden_metrics: str
    expectations: Table  # the settings' predictions; with scenarios and audit: has_predictions
    scenarios: Table
    audit: Table
    accounting: str
    breakdown: Table
    attention: Table
    other_checks: Table
    checklist: tuple[tuple[str, str, str], ...]
    next_steps: tuple[str, ...]
    changes: Table
    calls_changes: Table
    changes_note: str
    butterflies: tuple[ButterflyView, ...]
    runs: Table
    notes: tuple[str, ...]
    bands: Table
    config_source: str
    created_at: str
    title: str

    @property
    def has_predictions(self) -> bool:
        """Whether the settings make any prediction to show (none without them)."""
        return bool(
            self.expectations.rows or self.scenarios.rows or self.audit.rows or self.accounting
        )


def _facts(v: dict[str, Any]) -> list[tuple[str, str]]:
    base, new, target = v["baseline"], v["new"], v["target"]
    facts = []
    gain = v["improvement"]
    comparable = v["comparability"]["times_comparable"]
    totals = f"{_s(base['total_seconds'])} -> {_s(new['total_seconds'])}"
    if not comparable:
        totals += " (different workloads: not compared directly)"
    facts.append(("Total time, baseline -> new", totals))
    if gain is not None:
        facts.append(
            (
                f"Improvement ({gain['source']})",
                f"{_pct(gain['percent'], 2)}, {_s(gain['saved_seconds'])} saved: {gain['formula']}",
            )
        )
    else:
        facts.append(("Improvement", "unknown: no comparable times and no estimate"))
    if target is not None:
        facts.extend(_target_facts(v, target))
    if comparable and base["assets_per_second"] and new["assets_per_second"]:
        facts.append(
            (
                "Throughput",
                f"{base['assets_per_second']:,.2f} -> {new['assets_per_second']:,.2f} assets/s "
                f"({base['seconds_per_asset'] * 1e3:,.1f} -> {new['seconds_per_asset'] * 1e3:,.1f} "
                "ms per asset)",
            )
        )
    if v["significance"] is not None:
        facts.append(("Significance", label(v["significance"]["summary"], 400)))
    facts.append(("Baseline", f"{label(base['label'], 200)}: {label(base['workload_text'], 200)}"))
    facts.append(("New run", f"{label(new['label'], 200)}: {label(new['workload_text'], 200)}"))
    return facts


def _target_facts(v: dict[str, Any], target: dict[str, Any]) -> list[tuple[str, str]]:
    """The target's calls, per-call cost and predicted saving."""
    base = v["baseline"]
    facts = []
    name = label(target["name"], 60)
    if target["baseline"]["calls"] is not None and target["new_calls_comparable"] is not None:
        change = _pct(target["calls_change_percent"], 1, signed=True)
        scaled = (
            " (new run scaled to the baseline's workload)"
            if not v["comparability"]["counts_exact"] and v["comparability"]["counts_factor"] != 1
            else ""
        )
        facts.append(
            (
                f"{name} calls",
                f"{_c(target['baseline']['calls'])} -> {_c(target['new_calls_comparable'])} "
                f"({_delta_calls(target['calls_saved'])}, {change}){scaled}",
            )
        )
    if target["per_call_ms"] is not None:
        derived = target["per_call_derived_ms"]
        if target["per_call_source"] == "published":
            text = f"{_ms(target['per_call_ms'])} published"
            if derived is not None:
                text += (
                    f"; from the figures {_s(target['baseline']['seconds'])} / "
                    f"{_c(target['baseline']['calls'])} calls = {fmt_ms(derived)}. "
                    "The published figure is used, as the seed's predictions did"
                )
        else:
            text = (
                f"{_ms(target['per_call_ms'])} = {_s(target['baseline']['seconds'])} / "
                f"{_c(target['baseline']['calls'])} calls (baseline)"
            )
        facts.append((f"{name} per-call cost", text))
    if target["predicted_saving_formula"]:
        predicted = target["predicted_saving_formula"]
        if base["total_seconds"]:
            share = target["predicted_saving_seconds"] / base["total_seconds"] * 100
            predicted += f" ({share:.2f} % of the baseline's {_s(base['total_seconds'])})"
        facts.append(("Predicted saving (calls saved × per-call cost)", predicted))
    return facts


def _metric_notes(m: dict[str, Any]) -> str:
    notes = []
    if m["per_call_source"] == "published" and m["per_call_derived_ms"] is not None:
        notes.append(
            f"published per-call cost used (figures give {fmt_ms(m['per_call_derived_ms'])})"
        )
    new = m["new"]
    if new["nested"] or new["nested_unnamed"]:
        pairs = ", ".join(f"{label(a, 50)} -> {label(b, 50)}" for a, b in new["nested"][:2])
        notes.append("nested: time counted twice" + (f" ({pairs})" if pairs else ""))
    if new["contains"]:
        notes.append("includes API calls: " + ", ".join(label(c, 40) for c in new["contains"][:4]))
    for side in ("baseline", "new"):
        if not m[side]["calls_consistent"]:
            runs = ", ".join(_c(c) for c in m[side]["calls_per_run"])
            notes.append(f"{side} runs differ: {runs}")
    if not m["exact"]:
        notes.append("counts vary with network timing: not gated")
    if m["baseline"]["note"]:
        notes.append(label(m["baseline"]["note"], 200))
    if m["baseline"]["source"] == "config":
        notes.append("baseline figures from the settings")
    return "; ".join(notes)


def _metrics(v: dict[str, Any]) -> tuple[Table, str]:
    comp = v["comparability"]
    scaled = not comp["counts_exact"] and comp["counts_factor"] != 1
    target_name = v["target"]["name"] if v["target"] else None
    operations = any(m["operation"] for m in v["metrics"])
    shown = [m for m in v["metrics"] if m["shown"]]
    shown.sort(
        key=lambda m: (
            m["name"] != target_name,
            not m["operation"],
            -(m["baseline"]["seconds"] or m["new"]["seconds"] or 0.0),
        )
    )
    hidden = [label(m["name"], 60) for m in v["metrics"] if not m["shown"]]
    rows = []
    classes = []
    for m in shown:
        rows.append(
            (
                label(m["name"], 60) + ("" if m["operation"] or not operations else " *"),
                _c(m["baseline"]["calls"]),
                _c(m["new_calls_comparable"])
                + (f" ({_c(m['new']['calls'])})" if scaled and m["new"]["calls"] else ""),
                _delta_calls(m["calls_saved"]),
                _pct(m["calls_change_percent"], 1, signed=True),
                _ms(m["per_call_ms"]),
                _s(m["predicted_saving_seconds"]),
                _s(m["baseline"]["seconds"]),
                _s(m["new"]["seconds"]),
                _ms(m["new_per_call_ms"]),
                _metric_notes(m),
            )
        )
        up = comp["counts_exact"] and m["calls_saved"] is not None and m["calls_saved"] < 0
        classes.append("target" if m["name"] == target_name else ("worse" if up else ""))
    caption = "Calls: sum of ncalls of the matched functions; seconds: sum of their cumtime. "
    if operations:
        caption += "* not an API operation. "
    if scaled:
        caption += (
            f"New counts scaled × {comp['counts_factor']:.4g} to the baseline's workload "
            "(the run's own counts in brackets). "
        )
    table = Table(
        columns=(
            "metric",
            "baseline calls",
            "new calls",
            "Δ calls",
            "change",
            "per-call cost",
            "predicted saving",
            "baseline time",
            "new time",
            "new per-call",
            "notes",
        ),
        rows=tuple(rows),
        numeric=tuple(range(1, 10)),
        classes=tuple(classes),
        caption=caption.strip(),
    )
    hidden_text = ("Not called in either run: " + ", ".join(hidden)) if hidden else ""
    return table, hidden_text


def _check_by_name(v: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((c for c in v["checks"] if c["name"] == name), None)


def _expectations(v: dict[str, Any]) -> Table:
    """The predictions the settings make (expected range, window), each against this run."""
    rows, classes = [], []
    gain = v["improvement"]
    predictions = []
    if v["predictions"]["expected_range_percent"] is not None:
        low, high = v["predictions"]["expected_range_percent"]
        measured = f"{_pct(gain['percent'], 2)} ({gain['source']})" if gain else "-"
        predictions.append(
            ("prediction.expected_range", "improvement", f"{low:g}-{high:g} %", measured)
        )
    window = v["predictions"]["window"]
    if window is not None:
        saved = f"{_s(gain['saved_seconds'])} ({gain['source']})" if gain else "-"
        predictions.append(("prediction.window", "time saved", window["formula"], saved))
    for name, what, expected, actual in predictions:
        check = _check_by_name(v, name) or {"outcome": "skip", "message": ""}
        rows.append(
            (what, expected, actual, OUTCOME_MARKS[check["outcome"]], label(check["message"], 300))
        )
        classes.append(check["outcome"])
    return Table(
        columns=("prediction", "expected", "this run", "result", "detail"),
        rows=tuple(rows),
        classes=tuple(classes),
    )


def _scenarios(v: dict[str, Any]) -> Table:
    columns = ("scenario", "calls avoided", "time saved", "% of total", "formula")
    target = v["target"]
    if target is None:
        return Table(columns=columns, rows=())
    rows = [
        (
            f"{s['percent_of_calls']:g} % of calls",
            fmt_calls(s["calls"]),
            fmt_seconds(s["seconds"]),
            _pct(s["percent_of_total"]),
            s["formula"],
        )
        for s in v["predictions"]["scenarios"]
    ]
    classes = [""] * len(rows)
    share = v["predictions"]["this_run_percent_of_calls"]
    if share is not None and target["predicted_saving_seconds"] is not None:
        total = v["baseline"]["total_seconds"]
        rows.append(
            (
                f"this run: {share:.1f} % of calls",
                _c(target["calls_saved"]),
                _s(target["predicted_saving_seconds"]),
                _pct(target["predicted_saving_seconds"] / total * 100 if total else None),
                target["predicted_saving_formula"] or "",
            )
        )
        classes.append("target")
    caption = (
        f"{label(target['name'], 60)}: a share of the baseline's "
        f"{_c(target['baseline']['calls'])} calls avoided, at {_ms(target['per_call_ms'])} "
        "per call, against the baseline's "
        f"{_s(v['baseline']['total_seconds'])}."
    )
    return Table(
        columns=columns,
        rows=tuple(rows),
        numeric=(1, 2, 3),
        classes=tuple(classes),
        caption=caption,
    )


def _audit(v: dict[str, Any]) -> tuple[Table, str]:
    rows, classes = [], []
    for check in v["checks"]:
        if check["kind"] != "audit":
            continue
        rows.append(
            (
                label(check["title"], 120),
                OUTCOME_MARKS[check["outcome"]],
                label(check["message"], 400),
            )
        )
        classes.append(check["outcome"])
    acc = v["audit"]["accounting"]
    accounting = ""
    if acc["operations"]:
        accounting = (
            f"In the baseline, {acc['operations']} API operations account for "
            f"{_s(acc['operations_seconds'])} ({_pct(acc['operations_share_percent'])}) of "
            f"{_s(v['baseline']['total_seconds'])}; "
            f"{_s(acc['outside_seconds'])} is spent outside them"
        )
        if acc["outside_ms_per_asset"] is not None:
            accounting += f" ({acc['outside_ms_per_asset']:.1f} ms per asset)"
        accounting += "."
    table = Table(columns=("audit", "result", "detail"), rows=tuple(rows), classes=tuple(classes))
    return table, accounting


def _breakdown(v: dict[str, Any]) -> Table:
    rows = []
    for row in v["breakdown"]:
        if not row["found"]:
            continue
        stated = row["stated_share_percent"]
        rows.append(
            (
                label(row["metric"], 60) + (" (nested)" if row["nested"] else ""),
                _s(row["baseline_seconds"]),
                _pct(row["baseline_share_percent"]),
                _s(row["new_seconds"]),
                _pct(row["new_share_percent"]),
                "-" if stated is None else f"{stated:g} %",
            )
        )
    threaded = [
        f"the {role} run's are of its time summed over {v[key]['threads']} threads"
        for role, key in (("baseline", "baseline"), ("new", "new"))
        if v[key].get("threads", 1) > 1
    ]
    caption = (
        "Categories may overlap (one category's functions can run inside another's, as socket "
        "I/O runs inside API calls): shares need not add up to 100 %."
    )
    if threaded:
        caption += " Shares of wall time, except: " + "; ".join(threaded) + "."
    return Table(
        columns=("category", "baseline time", "share", "new time", "share", "stated share"),
        rows=tuple(rows),
        numeric=(1, 2, 3, 4, 5),
        caption=caption,
    )


def _checks(v: dict[str, Any], outcomes: tuple[str, ...]) -> Table:
    """The checks with these outcomes (the decision itself is the banner, not a row)."""
    order = {"fail": 0, "warn": 1, "pass": 2, "skip": 3}
    chosen = sorted(
        (c for c in v["checks"] if c["outcome"] in outcomes and c["kind"] != "decision"),
        key=lambda c: order[c["outcome"]],
    )
    return Table(
        columns=("result", "check", "what", "detail"),
        rows=tuple(
            (
                OUTCOME_MARKS[c["outcome"]],
                label(c["name"], 80),
                label(c["title"], 120),
                label(c["message"], 500),
            )
            for c in chosen
        ),
        classes=tuple(c["outcome"] for c in chosen),
    )


def _changes(rows: list[dict[str, Any]], caption: str) -> Table:
    return Table(
        columns=("function", "status", "calls", "cumtime", "Δ cumtime", "Δ tottime"),
        rows=tuple(
            (
                label(r["label"], 120),
                r["status"],
                f"{_c(r['ncalls_base'])} -> {_c(r['ncalls_new'])}",
                f"{_s(r['cumtime_base'])} -> {_s(r['cumtime_new'])}",
                _signed_s(r["cumtime_delta"]),
                _signed_s(r["tottime_delta"]),
            )
            for r in rows
        ),
        numeric=(2, 3, 4, 5),
        caption=caption,
    )


def _signed_s(value: float | None) -> str:
    if value is None:
        return "-"
    return ("+" if value > 0 else "") + fmt_seconds(value)


def _side_by_side(row: dict[str, Any], before: str, after: str) -> str:
    if row["status"] == "added":
        return after
    return before if row["status"] == "removed" else f"{before} -> {after}"


def _butterfly_table(
    rows: list[dict[str, Any]], total: int, what: str, name: str, b: dict[str, Any]
) -> Table:
    shown = (
        f"{what} ({len(rows):,} of {total:,}, largest change first)" if total > len(rows) else what
    )
    return Table(
        columns=(name, "status", "calls", "Δ calls", "cumtime", "Δ cumtime", "tottime"),
        rows=tuple(
            (
                label(r["label"] if name == "function" else r[f"{name}_label"], 120),
                r["status"],
                _side_by_side(r, _c(r["ncalls_base"]), _c(r["ncalls_new"])),
                _delta_calls(-r["ncalls_delta"]) if b["counts_comparable"] else "-",
                _side_by_side(r, _s(r["cumtime_base"]), _s(r["cumtime_new"])),
                _signed_s(r["cumtime_delta"]),
                _side_by_side(r, _s(r["tottime_base"]), _s(r["tottime_new"])),
            )
            for r in rows
        ),
        numeric=(2, 3, 4, 5, 6),
        caption=shown,
    )


def _butterflies(v: dict[str, Any]) -> tuple[ButterflyView, ...]:
    views = []
    for b in v.get("butterflies", []):
        counts = b["counts"]
        views.append(
            ButterflyView(
                selector=label(b["selector"], 200),
                runs=f"{label(b['base'], 200)} -> {label(b['new'], 200)}",
                functions=_butterfly_table(
                    b["functions"], counts["functions"], "Matched functions", "function", b
                ),
                callers=_butterfly_table(b["callers"], counts["callers"], "Called by", "caller", b),
                callees=_butterfly_table(b["callees"], counts["callees"], "Calls", "callee", b),
            )
        )
    return tuple(views)


def _mib(value: int | None) -> str:
    return "-" if value is None else f"{value / 2**20:,.1f} MiB"


def _runs(v: dict[str, Any]) -> Table:
    rows = []
    for role in ("baseline", "new"):
        side = v[role]
        for run in side["runs"]:
            meta = run["metadata"] or {}
            python = meta.get("python") if isinstance(meta.get("python"), dict) else {}
            git = meta.get("git") if isinstance(meta.get("git"), dict) else {}
            rows.append(
                (
                    role,
                    label(run["path"], 120),
                    _s(run["total_seconds"]),
                    _c(run["total_calls"]),
                    _mib(run["peak_rss_bytes"]),
                    _s(run["wall_seconds"]),
                    label(python.get("version", "-"), 20),
                    label(str(git.get("sha", "-"))[:10], 12),
                    label(side["workload_text"], 160),
                )
            )
    return Table(
        columns=(
            "side",
            "profile",
            "total time",
            "calls",
            "peak memory",
            "wall",
            "Python",
            "git",
            "workload",
        ),
        rows=tuple(rows),
        numeric=(2, 3, 4, 5),
    )


def _bands(v: dict[str, Any]) -> Table:
    current = v["decision"]["band"]
    rows, classes = [], []
    for band in v["decision"]["bands"]:
        rows.append((band["label"], band["decision"], band["status"], label(band["action"], 300)))
        fired = current is not None and band["label"] == current["label"]
        classes.append("target" if fired else "")
    return Table(
        columns=("improvement", "decision", "status", "action"),
        rows=tuple(rows),
        classes=tuple(classes),
        caption="Bands of the improvement %, highest first; a band applies from its lower bound.",
    )


def build_view(v: dict[str, Any]) -> View:
    band = v["decision"]["band"]
    metrics, hidden = _metrics(v)
    audit, accounting = _audit(v)
    top = v["top_changes"]
    return View(
        status=v["status"],
        status_title=STATUS_TITLES[v["status"]],
        # one headline word: the band's, unless significance or a veto changed the status
        decision=band["decision"]
        if band and band["status"] == v["status"]
        else STATUS_TITLES[v["status"]],
        band_label=band["label"] if band else "-",
        action=label(band["action"], 400) if band else "",
        headline=label(v["headline"], 400),
        reasons=tuple(label(r, 1000) for r in v["decision"]["reasons"]),
        exit_code=v["exit_code"],
        facts=tuple((k, label(val, 600)) for k, val in _facts(v)),
        metrics=metrics,
        hidden_metrics=hidden,
        expectations=_expectations(v),
        scenarios=_scenarios(v),
        audit=audit,
        accounting=accounting,
        breakdown=_breakdown(v),
        attention=_checks(v, ("fail", "warn")),
        other_checks=_checks(v, ("pass", "skip")),
        checklist=tuple(
            (CHECK_MARKS[item["done"]], label(item["item"], 200), label(item["detail"], 600))
            for item in v["checklist"]
        ),
        next_steps=tuple(label(step, 600) for step in v["next_steps"]),
        changes=_changes(top["by_cumtime"], "Largest changes in cumulative time"),
        calls_changes=_changes(top["by_calls"], "Largest changes in calls"),
        changes_note=label(top.get("note", ""), 600),
        butterflies=_butterflies(v),
        runs=_runs(v),
        notes=tuple(label(n, 1000) for n in v["notes"]),
        bands=_bands(v),
        config_source=label(v["config"]["source"], 300),
        created_at=v["created_at"],
        title=f"perfkit validate: {STATUS_TITLES[v['status']]} - {label(v['new']['label'], 80)}",
    )
