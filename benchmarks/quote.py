# Copies figures from one results file into docs/performance.md and README.md (no number typed by hand).
import re, sys, pathlib
# Usage: python3 benchmarks/quote.py benchmarks/results/DATE.md   (after a full run you mean to quote and commit)
root = pathlib.Path(__file__).resolve().parent.parent; res = pathlib.Path(sys.argv[1]).resolve()
md = res.read_text()
def section(title):
    m = re.search(r'^## ' + re.escape(title) + r'.*?\n(.*?)(?=^## |\Z)', md, re.S | re.M)
    # The plot's image line closes the last table section; a quoted table stands without it.
    return '\n'.join(l for l in m.group(1).strip().splitlines() if not l.startswith('![')).strip() if m else ''
def drop_last_column(table):
    # The results file's last column compares with a goal; the docs quote the measurements only.
    return '\n'.join('|'.join(l.split('|')[:-2]) + '|' if l.startswith('|') else l for l in table.splitlines())
header = md.split('## Throughput')[0].strip().splitlines()
head_lines = [l for l in header if l.startswith('Machine') or l.startswith('Load') or l.startswith('Settings')]
rel = '../benchmarks/results/' + res.name
png = res.with_suffix('.png').name
# The plot needs gnuplot on the machine that ran the benchmarks; without it there is no image to link.
image = f"![JobQueue throughput per provider against the raw limit, log scale](../benchmarks/results/{png})\n" if res.with_suffix('.png').exists() else ''
latest = f"""From [{res.name}]({rel}) ({header[0].lstrip('# ')}).

{chr(10).join(l + chr(10) for l in head_lines)}
### Throughput beside the raw limit

{section('Throughput beside the raw limit')}

### Latency: EnqueueAsync to handler start, idle worker

{section('Latency')}

### Fetch cost with history

{drop_last_column(section('Fetch cost with history'))}

### Allocations

{section('Allocations')}

{image}"""
doc = root / 'docs/performance.md'
d = doc.read_text()
marker = '<!-- latest: copied by hand from the results file named below; do not edit the numbers -->'
marker2 = '<!-- latest: copied from the results file named below by a script; do not edit the numbers -->'
d = d.split(marker)[0] if marker in d else d.split(marker2)[0]
doc.write_text(d + marker2 + '\n' + latest)

# README: headline figures only; docs/performance.md has every table and the results file the rest.
def rows(title):
    out = []
    for line in section(title).splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) > 2 and not set(cells[0]) <= set('-: ') and cells[0] not in ('provider',):
            out.append(cells)
    return out
throughput = {(r[0], r[1]): r[2] for r in rows('Throughput beside the raw limit')}
latency = {r[0]: (r[1], r[2]) for r in rows('Latency')}
def best(store):
    values = [throughput.get((store, f'processing no-op, concurrency {c}'), 'n/a') for c in (10, 50)]
    numbers = [float(v.replace(',', '')) for v in values if v != 'n/a']
    return f"{max(numbers):,.0f}" if numbers else 'n/a'
headline = ['| store | enqueue, awaited one at a time | 100 enqueues in flight | bulk enqueue, 1,000 per call | processing no-op jobs (best of concurrency 10 / 50) | enqueue to handler start, p50 / p99 |',
            '|---|---:|---:|---:|---:|---:|']
for store in ('in-memory', 'SQLite', 'PostgreSQL', 'Redis'):
    p50, p99 = latency.get(store, ('n/a', 'n/a'))
    headline.append(f"| {store} | {throughput.get((store, 'enqueue, awaited one at a time'), 'n/a')}/s | {throughput.get((store, 'enqueue, 100 in flight'), 'n/a')}/s "
                    f"| {throughput.get((store, 'bulk enqueue, 1,000 per call'), 'n/a')}/s | {best(store)}/s | {p50} / {p99} ms |")
readme = root / 'README.md'
r = readme.read_text()
block = f"""## Performance

Measured by `benchmarks/run.sh` on a shared 2-core machine with no-op jobs and small arguments, each store on
its own local server (PostgreSQL with its default durable commits, Redis with `appendonly yes` and
`appendfsync everysec`, SQLite in a file). Quoted from
[benchmarks/results/{res.name}](benchmarks/results/{res.name}); figures move from run to run on a shared machine. [docs/performance.md](docs/performance.md) explains each figure, shows it beside the
store's own raw limit measured in the same run, and says what bounds it.

{chr(10).join(headline)}

"""
if '## Performance\n' in r:
    r = re.sub(r'## Performance\n.*?(?=^## )', block, r, flags=re.S | re.M)
else:
    r = r.replace('## Documentation\n', block + '## Documentation\n', 1)
if 'docs/performance.md](docs/performance.md):' not in r:
    r = r.replace('- [docs/sqlite.md](docs/sqlite.md)', '- [docs/performance.md](docs/performance.md): benchmarks, how to run them, the latest results\n- [docs/sqlite.md](docs/sqlite.md)', 1)
readme.write_text(r)
