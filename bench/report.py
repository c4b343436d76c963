#!/usr/bin/env python3
"""Turns a bench run's raw measurements into the results table.

usage: report.py META.json RAW.jsonl OUT_PREFIX SECONDS
Writes OUT_PREFIX.md (markdown) and OUT_PREFIX.json, prints the markdown.
Every figure is the median over the rounds of the run; ratios compare medians
of the same run at the same number of connections.
"""
import json
import statistics
import sys

meta_path, raw_path, out, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
meta = json.load(open(meta_path))
raw = [json.loads(l) for l in open(raw_path) if l.strip()]
runs = [r for r in raw if "wrk" in r]
rss = {r["server"]: r["kib"] for r in raw if r.get("kind") == "rss"}
gens = [r["result"] for r in raw if r.get("kind") == "gen"]

groups = {}
for r in runs:
    groups.setdefault((r["server"], r["scenario"], r["conns"]), []).append(r)


def med(xs):
    return statistics.median(xs) if xs else None


rows = []
for (server, scen, conns), rs in groups.items():
    rps = [x["wrk"]["requests"] / (x["wrk"]["duration_us"] / 1e6) for x in rs]
    dur = [x["wrk"]["duration_us"] / 1e6 for x in rs]
    rows.append({
        "server": server, "scenario": scen, "conns": conns, "n": len(rs),
        "rps": med(rps), "rps_all": [round(v) for v in rps],
        "p50_ms": med([x["wrk"]["p50_us"] / 1000 for x in rs]),
        "p99_ms": med([x["wrk"]["p99_us"] / 1000 for x in rs]),
        "server_cores": med([x["server_cpu_s"] / d for x, d in zip(rs, dur)]),
        "client_cores": med([x["client_cpu_s"] / d for x, d in zip(rs, dur)]),
        "errors": sum(x["wrk"]["non2xx"] + x["wrk"]["socket_errors"] for x in rs),
        "peak_rss_mib": round(rss[server] / 1024, 1) if server in rss else None,
    })
order = {"nginx": 0, "peer-1": 1, "peer-2w": 2, "cunjing": 3, "cunjing-nogc": 4, "cunjing-city": 5}
sorder = {"static": 0, "list": 1, "get": 2, "stats": 3, "create": 4}
rows.sort(key=lambda r: (r["conns"] if not r["server"].startswith("cunjing-pg") else 1000,
                         order.get(r["server"], 9), r["server"], sorder.get(r["scenario"], 9)))
by = {(r["server"], r["scenario"], r["conns"]): r for r in rows}


def ratio(a, b):
    if a is None or b is None or not b["rps"]:
        return None
    return a["rps"] / b["rps"]


for r in rows:
    if r["server"].startswith("cunjing"):
        peer_scen = r["scenario"] if r["scenario"] in ("list", "create") else None
        r["x_nginx"] = ratio(r, by.get(("nginx", "static", r["conns"])))
        r["x_peer1"] = ratio(r, by.get(("peer-1", peer_scen, r["conns"]))) if peer_scen else None
        r["x_peer2"] = ratio(r, by.get(("peer-2w", peer_scen, r["conns"]))) if peer_scen else None


def f(v, fmt="{:.0f}"):
    return "-" if v is None else fmt.format(v)


m = meta["machine"]
v = meta["versions"]
lines = [
    f"## Bench run {meta['date']} (commit {meta['commit']}{', BENCH_QUICK' if meta['quick'] else ''})",
    "",
    f"Machine: {m['nproc']} cores, {m['cpu']}, {m['memory_mib']} MiB, Linux {m['kernel']}. "
    f"Client and servers share the cores. {meta['runs']} round(s) of {meta['duration_s']} s per "
    f"scenario after {meta['warmup_s']} s of warm-up, alternating; medians. Whole run {seconds} s.",
    "",
    "Versions: " + ", ".join(f"{k} {val}" for k, val in v.items() if val),
    "",
]
for g in gens:
    lines.append(f"Data `{g['scale']}`: {g['villages']} villages, {g['applications']} applications, "
                 f"{g['history']} history rows, {g['attachments']} attachments, generated in "
                 f"{g['seconds']} s ({g['applications_per_s']} applications/s, {g['rows_per_s']} rows/s).")
lines += [
    "",
    "| server | scenario | conns | req/s | p50 ms | p99 ms | server cores | wrk cores | peak RSS MiB | x nginx | x peer-1 | x peer-2w | errors |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for r in rows:
    lines.append(
        f"| {r['server']} | {r['scenario']} | {r['conns']} | {f(r['rps'])} | {f(r['p50_ms'], '{:.2f}')} | "
        f"{f(r['p99_ms'], '{:.2f}')} | {f(r['server_cores'], '{:.2f}')} | {f(r['client_cores'], '{:.2f}')} | "
        f"{f(r['peak_rss_mib'], '{:.1f}')} | {f(r.get('x_nginx'), '{:.3f}')} | {f(r.get('x_peer1'), '{:.2f}')} | "
        f"{f(r.get('x_peer2'), '{:.2f}')} | {r['errors']} |")

# the targets of issue 10, as read from this run
tl = []
lst, cre = by.get(("cunjing", "list", 64)), by.get(("cunjing", "create", 64))
if lst:
    tl.append(f"- list x nginx static (c64) >= 0.25: **{f(lst.get('x_nginx'), '{:.3f}')}**")
    tl.append(f"- list x peer 1 process (c64) >= 4: **{f(lst.get('x_peer1'), '{:.2f}')}**; "
              f"x peer 2 workers >= 2: **{f(lst.get('x_peer2'), '{:.2f}')}**")
    tl.append(f"- list p99 at c64 <= 10 ms: **{f(lst['p99_ms'], '{:.1f}')} ms**")
if cre:
    tl.append(f"- durable create x peer 1 process, synchronous=FULL (c64) >= 4: **{f(cre.get('x_peer1'), '{:.2f}')}**"
              )
    nogc = by.get(("cunjing-nogc", "create", 64))
    if nogc and nogc.get("rps"):
        tl.append(f"- durable create, group commit x the same server with it off (c64) >= 3: "
                  f"**{cre['rps'] / nogc['rps']:.2f}** ({f(cre['rps'])} / {f(nogc['rps'])} req/s)")
if "cunjing" in rss and "peer-1" in rss:
    tl.append(f"- peak RSS <= 1/4 of the peer's: cunjing {rss['cunjing']/1024:.1f} MiB, "
              f"peer 1 process {rss['peer-1']/1024:.1f} MiB (ratio {rss['cunjing']/rss['peer-1']:.2f})")
st = by.get(("cunjing", "stats", 64))
if st:
    tl.append(f"- `GET /api/v1/stats/summary` of a township (district scale, c64): {f(st['rps'])} req/s, "
              f"p50 {f(st['p50_ms'], '{:.2f}')} ms (province scale: not generated in this run)")
lines += ["", "Targets (issue 10):", ""] + tl + [""]
md = "\n".join(lines)
open(out + ".md", "w").write(md)
json.dump({"meta": meta, "seconds": seconds, "generation": gens, "results": rows,
           "peak_rss_kib": rss}, open(out + ".json", "w"), indent=1)
print(md)
