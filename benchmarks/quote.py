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
svg = res.with_suffix('.svg').name
# The suites draw the plot as an SVG beside the results file; an older results file may have none.
image = f"![JobQueue throughput per provider against the raw limit, log scale](../benchmarks/results/{svg})\n" if res.with_suffix('.svg').exists() else ''
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
    # The section's first table: the latency section goes on with a table of each run behind its medians.
    out = []
    table = section(title).split('\n\n')[0]
    for line in table.splitlines():
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
def short(ms):
    return f"{float(ms):.2f}" if ms not in ('n/a', '') else 'n/a'
headline = ['| store | enqueue, 100 in flight | bulk enqueue, 1,000 per call | processing | enqueue to handler start, p50 / p99 |',
            '|---|---:|---:|---:|---:|']
for store in ('in-memory', 'SQLite', 'PostgreSQL', 'Redis'):
    p50, p99 = latency.get(store, ('n/a', 'n/a'))
    headline.append(f"| {store} | {throughput.get((store, 'enqueue, 100 in flight'), 'n/a')}/s "
                    f"| {throughput.get((store, 'bulk enqueue, 1,000 per call'), 'n/a')}/s | {best(store)}/s | {short(p50)} / {short(p99)} ms |")
readme = root / 'README.md'
r = readme.read_text()
block = f"""## Performance

No-op jobs with small arguments on a 2-core machine, each store on its own local server (PostgreSQL with
durable commits, Redis with `appendonly yes`, SQLite in a file):

{chr(10).join(headline)}

[docs/performance.md](docs/performance.md) shows each figure beside the store's own raw limit measured in the
same run, what bounds it, and how to run the benchmarks yourself (`benchmarks/run.sh`).

"""
if '## Performance\n' in r:
    r = re.sub(r'## Performance\n.*?(?=^## )', block, r, flags=re.S | re.M)
else:
    r = r.replace('## Documentation\n', block + '## Documentation\n', 1)
if 'docs/performance.md](docs/performance.md):' not in r:
    r = r.replace('- [docs/sqlite.md](docs/sqlite.md)', '- [docs/performance.md](docs/performance.md): benchmarks, how to run them, the latest results\n- [docs/sqlite.md](docs/sqlite.md)', 1)
readme.write_text(r)
