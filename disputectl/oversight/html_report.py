"""The HTML report: the period's statistics, the overdue trend and the due list on one page, with
inline SVG charts and no script or outside resource."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from disputectl.oversight.common import GROUPINGS, Record
from disputectl.oversight.due import due_list
from disputectl.oversight.stats import overdue_trend, period_stats
from disputectl.record.session import Session


def report_data(s: Session, start: date, end: date, today: date,
                records: list[Record] | None = None) -> dict[str, Any]:
    return {
        "city": s.config.city,
        "stats": period_stats(s, start, end, today, records=records),
        "trend": overdue_trend(s, start, end, today, records=records),
        "overdue": [r for r in due_list(s, today, records=records)["rows"] if r["state"] == "overdue"],
    }


def render_html(data: dict[str, Any]) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, no links; all user text escaped."""
    e = html.escape
    st = data["stats"]
    t = st["totals"]
    period = f"{_cn_date(st['from'])}至{_cn_date(st['to'])}"
    cards = [("受理", t["received"]), ("办结", t["closed"]), ("按期办结", t["closed_on_time"]),
             ("按期办结率", _pct(t["on_time_rate"])), ("期末未办结", t["open"]), ("当前超期", t["overdue_now"]),
             ("平均办理工作日", _num(t["avg_reply_workdays"])), ("办理工作日中位数", _num(t["median_reply_workdays"])),
             ("异议", t["objections"]), ("回访", t["followed_up"]), ("回访率", _pct(t["followup_rate"])),
             ("满意率", _pct(t["satisfaction_rate"])), ("就地解决率", _pct(t["local_rate"]))]
    parts = [
        "<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{e(data['city'])}社会保险费征缴争议处置情况报告</title>", f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(data['city'])}社会保险费征缴争议处置情况报告</h1>",
        f"<p class=meta>统计期间：{e(period)}　数据截至：{e(_cn_date(st['today']))}</p>",
        '<div class="cards">' + "".join(f'<div class="card"><div class="v">{e(str(v))}</div>'
                                        f'<div class="k">{e(k)}</div></div>' for k, v in cards) + "</div>",
        "<h2>按期办结率</h2>", _meter_svg(t["on_time_rate"]),
        "<h2>满意率（回访中满意、基本满意的比例）</h2>", _meter_svg(t["satisfaction_rate"]),
        "<h2>就地解决率（书面回复件中首问单位自行办结、未经领导组办公室的比例）</h2>", _meter_svg(t["local_rate"]),
        "<h2>各争议类别受理件数</h2>", _bar_svg([(r["name"], r["received"]) for r in st["groups"]["category"]]),
        "<h2>各承办单位案件数</h2>", _bar_svg([(r["name"], r["received"]) for r in st["groups"]["unit"]]),
        "<h2>超期时限数（每周）</h2>", _trend_svg(data["trend"]),
    ]
    for key, label in GROUPINGS.items():
        parts.append(f"<h2>按{e(label)}统计</h2>" + _stats_table(label, st["groups"][key], t))
    parts.append("<h2>当前超期事项</h2>")
    if data["overdue"]:
        head = "".join(f"<th>{h}</th>" for h in ("案件编号", "争议类别", "承办单位", "责任人", "时限", "届满日", "超期"))
        body = "".join(
            f"<tr><td>{e(r['case'])}</td><td>{e(r['category_name'])}</td><td>{e(r['unit_name'])}</td>"
            f"<td>{e(r['officer_name'])}</td><td>{e(r['clock_label'])}</td><td>{e(r['due'])}</td>"
            f"<td class=n>{r['late']}{'日' if r['calendar_days'] else '个工作日'}</td></tr>" for r in data["overdue"])
        parts.append(f"<table><tr>{head}</tr>{body}</table>")
    else:
        parts.append("<p>无。</p>")
    parts.append("<p class=meta>口径：受理＝期间内登记；办结＝期间内书面回复、移交或撤回（以操作日期计）；"
                 "按期办结＝各环节均未超期；期末未办结＝截至期末（或数据截止日）尚未办结；办理工作日＝登记至书面回复；"
                 "回访率＝期间内回访件数÷书面回复件数；满意率＝回访结果为满意、基本满意的比例；"
                 "就地解决率＝书面回复件中由受理单位自行办结、未经领导组办公室的比例；受理单位＝首问单位（多点受理）。</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


_CSS = ("body{font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;margin:2em auto;"
        "max-width:960px;color:#222}h1{font-size:1.6em}h2{font-size:1.15em;margin-top:1.6em;"
        "border-left:4px solid #b22;padding-left:.5em}.meta{color:#666}.cards{display:flex;flex-wrap:wrap;gap:.6em}"
        ".card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:7em}.card .v{font-size:1.5em;"
        "font-weight:bold}.card .k{color:#666}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;"
        "padding:.3em .5em}th{background:#f3f3f3}td.n{text-align:right}svg text{font-size:12px}")


def _cn_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _stats_table(label: str, rows: list[dict[str, Any]], total: dict[str, Any]) -> str:
    e = html.escape
    cols = (("received", "受理"), ("closed", "办结"), ("closed_on_time", "按期办结"), ("on_time_rate", "按期率"),
            ("open", "未办结"), ("overdue_now", "当前超期"), ("avg_reply_workdays", "平均工作日"),
            ("median_reply_workdays", "中位数"), ("objections", "异议"), ("followed_up", "回访"),
            ("followup_rate", "回访率"), ("satisfaction_rate", "满意率"), ("local_rate", "就地解决率"))

    def cell(row: dict[str, Any], key: str) -> str:
        value = row[key]
        text = _pct(value) if key.endswith("rate") else _num(value) if "workdays" in key else str(value)
        return f"<td class=n>{e(text)}</td>"

    head = f"<tr><th>{e(label)}</th>" + "".join(f"<th>{h}</th>" for _, h in cols) + "</tr>"
    body = "".join(f"<tr><td>{e(r['name'])}</td>" + "".join(cell(r, k) for k, _ in cols) + "</tr>"
                   for r in [*rows, {"name": "合计", **total}])
    return f"<table>{head}{body}</table>"


def _bar_svg(items: list[tuple[str, int]]) -> str:
    if not items:
        return "<p>无数据。</p>"
    e = html.escape
    label_w, bar_w, row_h = 220, 480, 24
    top = max(max(v for _, v in items), 1)
    height = row_h * len(items) + 10
    bars = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row_h
        w = round(bar_w * value / top)
        bars.append(f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{e(label[:18])}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 8}" fill="#c0392b"/>'
                    f'<text x="{label_w + w + 4}" y="{y + 16}">{value}</text>')
    return (f'<svg role="img" width="{label_w + bar_w + 60}" '
            f'height="{height}">{"".join(bars)}</svg>')


def _meter_svg(rate: float | None) -> str:
    width = 480
    filled = round(width * (rate or 0))
    return (f'<svg role="img" width="{width + 80}" height="30">'
            f'<rect x="0" y="5" width="{width}" height="20" fill="#eee"/>'
            f'<rect x="0" y="5" width="{filled}" height="20" fill="#27ae60"/>'
            f'<text x="{width + 6}" y="20">{html.escape(_pct(rate))}</text></svg>')


def _trend_svg(points: list[dict[str, Any]]) -> str:
    if not points:
        return "<p>无数据。</p>"
    left, width, height, bottom = 40, 640, 180, 40
    top = max(max(p["overdue"] for p in points), 1)
    step = width / max(len(points) - 1, 1)
    xy = [(left + i * step, 10 + height - height * p["overdue"] / top) for i, p in enumerate(points)]
    marks = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#c0392b"/>'
        f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="middle">{p["overdue"]}</text>'
        f'<text x="{x:.1f}" y="{height + 28}" text-anchor="middle">{p["date"][5:]}</text>'
        for (x, y), p in zip(xy, points, strict=True))
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    return (f'<svg role="img" width="{left + width + 30}" '
            f'height="{height + bottom}"><line x1="{left}" y1="{height + 10}" x2="{left + width}" '
            f'y2="{height + 10}" stroke="#999"/><polyline points="{line}" fill="none" stroke="#c0392b" '
            f'stroke-width="2"/>{marks}</svg>')
