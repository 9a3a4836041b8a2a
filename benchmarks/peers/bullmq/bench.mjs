// BullMQ beside JobQueue's Redis store, measured the way benchmarks/JobQueue.Benchmarks measures JobQueue
// (docs/performance.md, "Beside other job systems"). benchmarks/peers.sh runs it against its throwaway redis-server.
//   PEER_REDIS=127.0.0.1:6379 node bench.mjs
// Prints "key<TAB>value" lines for the figures (jobs/s, ms) and "# ..." lines for progress.
// Every measurement uses a fresh queue name (a fresh set of keys), BullMQ's default job options (completed jobs are
// kept, as JobQueue keeps finished jobs) and one process for producer and worker, as JobQueue's suites do.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';

const [host, port] = (process.env.PEER_REDIS ?? '127.0.0.1:6379').split(':');
const connection = { host, port: Number(port) };
const drainJobs = Number(process.env.PEER_DRAIN_JOBS ?? 50_000);
const drainRepeats = Number(process.env.PEER_DRAINS ?? 3);
const latencySamples = Number(process.env.PEER_LATENCY_SAMPLES ?? 500);
const latencyWarmup = 20;
// BenchmarkDotNet's settings for JobQueue's durable enqueue rows: 2 warm-up and 10 measured iterations of 4 calls.
const warmupCalls = 8;
const measuredCalls = 40;

const args = (i) => ({ id: randomUUID(), name: 'job-' + i });
const freshQueue = (what) => new Queue(`bench-${what}-${randomUUID()}`, { connection });
const emit = (key, value) => console.log(`${key}\t${value}`);
const log = (text) => console.log(`# ${text}`);

async function fill(queue, count) {
  for (let done = 0; done < count; done += 1_000) {
    const size = Math.min(1_000, count - done);
    await queue.addBulk(Array.from({ length: size }, (_, i) => ({ name: 'bench-noop', data: args(done + i) })));
  }
}

// N jobs enqueued with the worker stopped, then one worker at the given concurrency; timed until the worker has
// reported every job completed, which it does after the job's completion is written to Redis.
async function drain(concurrency, jobs) {
  const queue = freshQueue('drain');
  await fill(queue, jobs);
  let handled = 0;
  let completed = 0;
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  const worker = new Worker(queue.name, async () => { handled++; }, { connection, concurrency, autorun: false });
  worker.on('completed', () => { if (++completed === jobs) done(); });
  worker.on('error', (e) => log(`worker error: ${e}`));
  await worker.waitUntilReady();
  const start = performance.now();
  worker.run();
  await finished;
  const seconds = (performance.now() - start) / 1000;
  await worker.close();
  await queue.close();
  if (handled !== jobs) throw new Error(`handled ${handled} of ${jobs}`);
  return jobs / seconds;
}

async function enqueueRate(what, call, jobsPerCall) {
  const queue = freshQueue(what);
  await queue.waitUntilReady();
  for (let i = 0; i < warmupCalls; i++) await call(queue);
  const start = performance.now();
  for (let i = 0; i < measuredCalls; i++) await call(queue);
  const seconds = (performance.now() - start) / 1000;
  await queue.close();
  return (jobsPerCall * measuredCalls) / seconds;
}

async function latency(samples, warmup) {
  const queue = freshQueue('latency');
  let started;
  const worker = new Worker(queue.name, async () => { started(performance.now()); }, { connection, concurrency: 1 });
  await worker.waitUntilReady();
  await queue.waitUntilReady();
  await delay(200); // the worker reaches its blocking wait for jobs
  const measured = [];
  for (let i = -warmup; i < samples; i++) {
    const handlerStart = new Promise((resolve) => { started = resolve; });
    const enqueued = performance.now();
    await queue.add('bench-latency', args(i));
    const at = await handlerStart;
    if (i >= 0) measured.push(at - enqueued);
    await delay(2); // the previous job's completion lands, so the next sample finds the worker idle and waiting
  }
  await worker.close();
  await queue.close();
  measured.sort((a, b) => a - b);
  const pct = (f) => measured[Math.min(Math.max(Math.ceil(f * measured.length) - 1, 0), measured.length - 1)];
  return [pct(0.5), pct(0.99)];
}

log(`BullMQ on redis ${host}:${port}, drain ${drainJobs} jobs, ${drainRepeats} drains per figure`);
await drain(10, Math.min(drainJobs, 1_000)); // warm-up: JIT and connections are not the subject
for (const concurrency of [10, 50]) {
  const rates = [];
  for (let r = 0; r < drainRepeats; r++) {
    rates.push(await drain(concurrency, drainJobs));
    log(`drain c${concurrency} #${r + 1}: ${rates.at(-1).toFixed(0)} jobs/s`);
  }
  const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
  emit(`drain.c${concurrency}`, median.toFixed(1));
  emit(`drain.c${concurrency}.samples`, rates.map((r) => r.toFixed(0)).join(' '));
}

emit('enqueue.inflight', (await enqueueRate('inflight',
  (q) => Promise.all(Array.from({ length: 100 }, (_, i) => q.add('bench-noop', args(i)))), 100)).toFixed(1));
log('enqueue 100 in flight done');
emit('enqueue.bulk', (await enqueueRate('bulk',
  (q) => q.addBulk(Array.from({ length: 1_000 }, (_, i) => ({ name: 'bench-noop', data: args(i) }))), 1_000)).toFixed(1));
log('bulk enqueue done');

const [p50, p99] = await latency(latencySamples, latencyWarmup);
emit('latency.p50', p50.toFixed(3));
emit('latency.p99', p99.toFixed(3));
log(`latency p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms`);
process.exit(0);
