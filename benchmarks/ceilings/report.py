"""Writes benchmarks/ceilings.sh's measurements as markdown: each missed target of issue 6 beside the ceiling that
the server alone (or a bare .NET socket) sets for it, and whether the target lies above that ceiling.

Usage: report.py CEILINGS_TSV COMMIT LOAD_START LOAD_END > results/<date>-ceilings.md
       report.py --bdn-rate BENCHMARKDOTNET_CSV   (prints the operations per second of its one benchmark)
"""

import csv
import datetime
import sys

SECONDS_PER_UNIT = {"ns": 1e-9, "us": 1e-6, "\u03bcs": 1e-6, "ms": 1e-3, "s": 1.0}


def read(path):
    values = {}
    with open(path, encoding="utf-8") as tsv:
        for line in tsv:
            key, value = line.rstrip("\n").split("\t")
            values[key] = float(value)
    return values


def rounds(values, prefix):
    """The figures of every round of one measurement, in the order they ran."""
    return [values[k] for k in sorted(values) if k.startswith(prefix + ".r")]


def fmt(number):
    return f"{number:,.0f}"


def verdict(target, ceiling):
    if target > ceiling:
        return "**out of reach**: the target is above the ceiling"
    return "within the ceiling: not ruled out"


def bdn_rate(path):
    """Operations per second from the Mean column of a BenchmarkDotNet CSV report ("1.469 \u03bcs")."""
    with open(path, encoding="utf-8") as report:
        row = next(csv.DictReader(report))
    amount, unit = row["Mean"].split()
    return 1 / (float(amount.replace(",", "")) * SECONDS_PER_UNIT[unit])


def main():
    if sys.argv[1] == "--bdn-rate":
        print(f"{bdn_rate(sys.argv[2]):.1f}")
        return
    values = read(sys.argv[1])
    commit, load_start, load_end = sys.argv[2], sys.argv[3], sys.argv[4]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = []
    out.append(f"# JobQueue ceilings, {now}")
    out.append("")
    out.append(f"Commit {commit}. Load average (1, 5, 15 min) {load_start} at the start, {load_end} at the end, on a "
               "machine shared with other work. Written by benchmarks/ceilings.sh; docs/performance.md says what "
               "each figure means.")
    out.append("")
    out.append("Each ceiling is what the server alone (or a bare .NET socket) does for the writes one job needs in "
               "the store's layout, with no JobQueue client code at all. The Redis figures are lower bounds of the "
               "store's server time (its scripts do more than the measured writes), so the real ceilings are lower "
               "still. A target above its ceiling cannot be met by client code; only a different layout could.")
    out.append("")

    rows = []  # (target, needs, target value, ceiling, what sets the ceiling)

    if "memory.retain.rate" in values:
        rows.append(("In-memory enqueue, 1 producer", ">= 1,000,000 jobs/s", 1_000_000, values["memory.retain.rate"],
                     "the runtime keeping one 296-byte object per job under a new key (BenchmarkDotNet), before any "
                     "serialization, id or signal"))

    store = rounds(values, "redis.enqueue.store")
    if store:
        out.append("## Redis: server time per job")
        out.append("")
        out.append("| writes per job (lower bound of the store's script) | us per job, each round | ceiling (jobs/s, best round) |")
        out.append("|---|---|---:|")
        for name, label in [
            ("enqueue.store", "enqueue, 1,000 per call: hash + ready-set entry + enqueue-order index entry (the store's layout)"),
            ("enqueue.ready", "enqueue, 1,000 per call: hash + ready-set entry (no index for queries)"),
            ("enqueue.leanest", "enqueue, 1,000 per call: hash + list entry (no priorities, run times or index)"),
            ("enqueue.one", "enqueue, 1 per call: the store's layout, one script call per job"),
            ("process.store", "fetch and complete, 10 per call: the store's layout"),
        ]:
            figures = rounds(values, "redis." + name)
            out.append(f"| {label} | {' / '.join(f'{f:.2f}' for f in figures)} | {fmt(1e6 / min(figures))} |")
        out.append("")
        bulk_ceiling = 1e6 / min(store)
        rows.append(("Redis bulk enqueue", ">= 200,000 jobs/s", 200_000, bulk_ceiling,
                     "server time of the store's writes for 1,000 jobs per call"))
        rows.append(("Redis enqueue, 100 in flight", ">= 150,000 jobs/s", 150_000, bulk_ceiling,
                     "the same writes: concurrent enqueues are coalesced into one script call"))
        rows.append(("Redis processing no-op", ">= 60,000 jobs/s", 60_000, 1e6 / min(rounds(values, "redis.process.store")),
                     "server time of the store's fetch and completion writes"))

    if "dotnet.ping.rate" in values:
        lpush = values["redis.lpush.c1p1"]
        ping = values["dotnet.ping.rate"]
        one = min(rounds(values, "redis.enqueue.one"))
        awaited_ceiling = 1 / (1 / ping + one / 1e6)
        out.append("## Redis: a bare .NET socket")
        out.append("")
        out.append("| measure | value |")
        out.append("|---|---:|")
        out.append(f"| redis-benchmark LPUSH -c 1 -P 1 (the raw limit) | {fmt(lpush)}/s |")
        out.append(f"| .NET async socket PING, awaited one at a time | {fmt(ping)}/s ({ping / lpush:.0%} of LPUSH) |")
        out.append(f"| the same plus the server time of a one-job enqueue ({one:.2f} us) | {fmt(awaited_ceiling)}/s ({awaited_ceiling / lpush:.0%} of LPUSH) |")
        out.append(f"| .NET async socket PING after 2 ms idle, p50 / p99 | {values['dotnet.ping.idle.p50']:.3f} / {values['dotnet.ping.idle.p99']:.3f} ms |")
        inline = values.get("dotnet.inline.ping.rate")
        if inline:
            inline_ceiling = 1 / (1 / inline + one / 1e6)
            out.append(f"| with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1: PING awaited | {fmt(inline)}/s ({inline / lpush:.0%} of LPUSH) |")
            out.append(f"| with it: plus the one-job enqueue's server time | {fmt(inline_ceiling)}/s ({inline_ceiling / lpush:.0%} of LPUSH) |")
            out.append(f"| with it: PING after 2 ms idle, p50 / p99 | {values['dotnet.inline.ping.idle.p50']:.3f} / {values['dotnet.inline.ping.idle.p99']:.3f} ms |")
        out.append("")
        out.append("The switch is process-wide and the library does not set it (docs/redis.md says why); the verdict "
                   "below is for the runtime's defaults.")
        out.append("")
        out.append("An idle worker's wake-up crosses the socket at least three times (the enqueue's request, the "
                   "wake-up push, the fetch's round trip), each after the threads involved went idle.")
        out.append("")
        rows.append(("Redis enqueue awaited", f">= 80 % of LPUSH -c 1 -P 1 (= {fmt(0.8 * lpush)})", 0.8 * lpush, awaited_ceiling,
                     "a bare .NET round trip plus the server time of a one-job enqueue"))

    raw = rounds(values, "pg.copy.raw")
    if raw:
        store_copy = rounds(values, "pg.copy.store")
        noseq = rounds(values, "pg.copy.noseq")
        out.append("## PostgreSQL: COPY of 1,000,000 rows (CSV through psql), alternated")
        out.append("")
        out.append("| table | rows/s, each round | best | best / raw best |")
        out.append("|---|---|---:|---:|")
        for label, figures in [
            ("raw_jobs (run.sh's raw limit: 7 columns, 2 indexes)", raw),
            ("jobqueue.jobs (the store's table and indexes)", store_copy),
            ("jobqueue.jobs without its newest-first index (jobs_seq_idx)", noseq),
        ]:
            out.append(f"| {label} | {' / '.join(fmt(f) for f in figures)} | {fmt(max(figures))} | {max(figures) / max(raw):.0%} |")
        out.append("")
        rows.append(("PostgreSQL bulk enqueue (COPY)", f">= 70 % of raw COPY (= {fmt(0.7 * max(raw))})", 0.7 * max(raw), max(store_copy),
                     "a server-side COPY into the store's table, with no per-call commit and no client"))

    out.append("## Targets beside their ceilings")
    out.append("")
    out.append("| target | needs | ceiling (jobs/s) | what sets the ceiling | verdict |")
    out.append("|---|---|---:|---|---|")
    for name, needs, target, ceiling, source in rows:
        out.append(f"| {name} | {needs} | {fmt(ceiling)} | {source} | {verdict(target, ceiling)} |")
    out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
