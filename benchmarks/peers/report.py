#!/usr/bin/env python3
"""Writes benchmarks/peers.sh's results file from the figures of one run (a folder of "key TAB value" files)."""
import argparse
import os
import re

p = argparse.ArgumentParser()
p.add_argument("work")
p.add_argument("out")
for name in ("stamp", "commit", "quick", "order", "wall", "load-start", "load-end", "nproc", "cpu", "os",
             "drain", "drains", "samples", "hf-pg-drain", "hf-sqlite-drain", "hf-sqlite-samples"):
    p.add_argument("--" + name, required=True)
a = p.parse_args()


def read(name):
    path = os.path.join(a.work, name)
    values = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                values[parts[0]] = parts[1]
    return values


def notes(name):
    path = os.path.join(a.work, name + ".notes")
    return [line[2:].rstrip("\n") for line in open(path, encoding="utf-8")] if os.path.exists(path) else []


ours = read("ours.tsv")
# JobQueue's single drains behind each median, from its log ("# Redis drain c10: median 9414 jobs/s of 10280, 8641, 9414").
ours_drains = {}
if os.path.exists(os.path.join(a.work, "ours.log")):
    for line in open(os.path.join(a.work, "ours.log"), encoding="utf-8"):
        m = re.match(r"^# (\w+) drain (c\d+): median \S+ jobs/s of (.*)$", line.strip())
        if m:
            ours_drains[(m.group(1), m.group(2))] = [x.strip() for x in m.group(3).split(",")]
versions = read("versions.tsv")
n = lambda v: f"{int(v):,}"


def rate(v):
    return "n/a" if v is None else f"{float(v):,.0f}"


def ms(v):
    return "n/a" if v is None else f"{float(v):.3f}"


# (store heading, JobQueue's provider key, peer file, peer label, peer's drain N, peer's latency samples, bulk note)
stores = [
    ("Redis", "Redis", "bullmq", "BullMQ 6.7.0 (ioredis 6.0.0)", a.drain, a.samples, None),
    ("PostgreSQL", "Postgres", "hangfire-postgres", "Hangfire 1.8.25 + Hangfire.PostgreSql 1.21.1", a.hf_pg_drain, a.samples,
     "no bulk call"),
    ("in-memory", "InMemory", "hangfire-inmemory", "Hangfire 1.8.25 + Hangfire.InMemory 1.0.0", a.drain, a.samples, "no bulk call"),
    ("SQLite", "Sqlite", "hangfire-sqlite", "Hangfire 1.8.25 + Hangfire.Storage.SQLite 0.4.3", a.hf_sqlite_drain,
     a.hf_sqlite_samples, "no bulk call"),
]

md = []
w = md.append
w(f"# JobQueue beside other job systems ({a.stamp}{', quick run: not for quoting' if a.quick == '1' else ''})")
w("")
w(f"- machine: {a.nproc} cores ({a.cpu}), {a.os}; Node.js {versions.get('node', '?')}, .NET SDK {versions.get('dotnet', '?')}")
w(f"- commit: {a.commit}")
w(f"- load average (1, 5, 15 min): {a.load_start} at the start, {a.load_end} at the end; wall time {a.wall}. The machine "
  "is shared with other engineers' builds and tests: every figure here was taken beside that load, ours and the peers' alike.")
w(f"- order: {'JobQueue first, then the peers' if a.order == 'ours-first' else 'the peers first, then JobQueue'}, back to back "
  "on the same servers")
w(f"- servers (started by benchmarks/servers.sh, as run.sh does): redis-server {versions.get('redis', '?')} with AOF, "
  f"appendfsync everysec; PostgreSQL {versions.get('postgres', '?')} with fsync and synchronous_commit on")
ran = lambda peer: os.path.exists(os.path.join(a.work, peer + ".tsv"))
smaller = ([f"Hangfire on PostgreSQL {n(a.hf_pg_drain)}"] if ran("hangfire-postgres") else []) + \
    ([f"Hangfire on SQLite {n(a.hf_sqlite_drain)}"] if ran("hangfire-sqlite") else [])
w(f"- counts: processing drains {n(a.drain)} jobs{' (' + ', '.join(smaller) + ')' if smaller else ''}, median of "
  f"{a.drains} drains each on a fresh store; latency {a.samples} samples after 20 warm-up ones"
  f"{f' (Hangfire on SQLite {a.hf_sqlite_samples} after 2)' if ran('hangfire-sqlite') else ''}; enqueue rows 40 "
  f"measured calls after 8 warm-up ones{' (Hangfire on SQLite 4 after 1)' if ran('hangfire-sqlite') else ''}")
w("")
w("What each row times (the same for JobQueue and the peer; docs/performance.md has the details): processing = N no-op "
  "jobs enqueued with no worker running, then one worker at the stated concurrency, timed until every job's outcome is "
  "written; enqueue 100 in flight = 100 enqueue calls started before any is awaited; bulk = one call with 1,000 jobs; "
  "latency = from just before the enqueue call to the first line of the handler, idle worker at concurrency 1, one job "
  "at a time. Arguments are a Guid and a short string. Producer and worker share one process.")
w("")

for heading, key, peer, label, peer_drain, peer_samples, bulk_note in stores:
    figures = read(peer + ".tsv")
    if not figures and not any(k.startswith(key + ".") for k in ours):
        continue
    w(f"## {heading}")
    w("")
    w(f"| figure | JobQueue | {label} |")
    w("|---|---:|---:|")
    enqueue_key = ("InMemoryEnqueueBenchmarks" if key == "InMemory" else "DurableEnqueueBenchmarks")
    suffix = "" if key == "InMemory" else "." + key
    w(f"| processing no-op, concurrency 10 (jobs/s) | {rate(ours.get(key + '.drain.c10'))} | {rate(figures.get('drain.c10'))} |")
    w(f"| processing no-op, concurrency 50 (jobs/s) | {rate(ours.get(key + '.drain.c50'))} | {rate(figures.get('drain.c50'))} |")
    w(f"| enqueue, 100 in flight (jobs/s) | {rate(ours.get(enqueue_key + '.Enqueue100InFlight' + suffix))} | {rate(figures.get('enqueue.inflight'))} |")
    peer_bulk = rate(figures.get("enqueue.bulk")) if figures.get("enqueue.bulk") else (bulk_note or "n/a")
    w(f"| bulk enqueue, 1,000 per call (jobs/s) | {rate(ours.get(enqueue_key + '.EnqueueMany1000' + suffix))} | {peer_bulk} |")
    w(f"| latency p50, enqueue to handler start (ms) | {ms(ours.get(key + '.latency.p50'))} | {ms(figures.get('latency.p50'))} |")
    w(f"| latency p99 (ms) | {ms(ours.get(key + '.latency.p99'))} | {ms(figures.get('latency.p99'))} |")
    w("")
    details = []
    if peer_drain != a.drain:
        details.append(f"the peer's drains are {n(peer_drain)} jobs (JobQueue's {n(a.drain)}): at its rate, drains of "
                       f"{n(a.drain)} would not fit the run")
    if peer_samples != a.samples:
        details.append(f"the peer's latency is {peer_samples} samples, so its p99 is the slowest of them")
    for c in ("c10", "c50"):
        if (key, c) in ours_drains:
            details.append(f"JobQueue's drains at {c}: {', '.join(rate(x) for x in ours_drains[(key, c)])} jobs/s")
        if figures.get(f"drain.{c}.samples"):
            details.append(f"the peer's drains at {c}: {', '.join(rate(x) for x in figures[f'drain.{c}.samples'].split())} jobs/s")
    if details:
        w("Notes: " + "; ".join(details) + ".")
        w("")
    if peer == "bullmq":
        w("Peer settings: BullMQ's Queue and Worker options at their defaults (completed and failed jobs kept, one "
          "attempt per job), ioredis's connection defaults.")
        w("")
    for line in notes(peer):
        if "options" in line:
            w(f"Peer settings: {line}" + (" (SchemaName is replaced by a fresh schema for each measurement)" if "SchemaName=" in line else ""))
            w("")
    w("JobQueue's enqueue rows are BenchmarkDotNet means (as in run.sh); its processing and latency rows are the "
      "same Stopwatch measurements as run.sh's.")
    w("")

with open(a.out, "w", encoding="utf-8") as f:
    f.write("\n".join(md))
