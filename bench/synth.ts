// `npx projen bench`: synthesis time and peak memory of projects with 1, 10, 100 and 1,000 containers
// against bare projen projects of the same shape, each synthesis in a fresh child process
// (bench/synth-child.ts). Writes bench/results/synth.json and the table as bench/results/synth.md (untracked;
// `npx projen bench:publish synth` puts them into docs/performance.md), and exits 1 when a floor fails. Env: BENCH_REPS (repetitions per point, default 7; 1,000 containers use
// at most 5), BENCH_SIZES (comma-separated container counts, default 1,10,100,1000).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ChildRequest, ChildResult } from './synth-child';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CHILD = path.join(__dirname, 'synth-child.js');
const RESULTS = path.join(ROOT, 'bench', 'results', 'synth.json');
const COMMAND = 'npx projen bench';

/**
 * The floors of issue 8, checked on CPU time (user + system): on a shared machine the wall time of a
 * single-threaded synthesis also counts the time other processes held the cores.
 */
const FLOORS = {
  /** The example's synthesis (the whole measured span) within this ratio of bare projen. */
  exampleRatio: 1.1,
  /**
   * Added CPU ms per container: the marginal cost between each two consecutive sizes from 10 containers
   * on (a cost that grows faster than linearly shows as a rising marginal cost), and the average at the largest size.
   */
  msPerContainer: 2,
};

interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

interface Point {
  readonly shape: 'series' | 'example';
  /** How the bare project writes the files (see ChildRequest.mode). */
  readonly bareMode: 'bare' | 'bare-text';
  readonly containers: number;
  readonly files: number;
  readonly reps: number;
  readonly lib: Record<Key, Stats>;
  readonly bare: Record<Key, Stats>;
  /** lib / bare of the median wall totals. */
  readonly timeRatio: number;
  /** lib / bare of the median CPU times. */
  readonly cpuRatio: number;
  readonly rssRatio: number;
  /** (lib - bare) median wall total, ms. */
  readonly addedMs: number;
  readonly addedMsPerContainer: number;
  /** (lib - bare) median CPU time, ms. */
  readonly addedCpuMs: number;
  readonly addedCpuMsPerContainer: number;
  readonly addedRssKbPerContainer: number;
}

function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median: round(median), min: round(s[0]), max: round(s[s.length - 1]) };
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function runChild(req: ChildRequest): ChildResult {
  fs.rmSync(req.outdir, { recursive: true, force: true });
  const out = execFileSync(process.execPath, [CHILD, JSON.stringify(req)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  fs.rmSync(req.outdir, { recursive: true, force: true });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const KEYS = ['loadMs', 'constructMs', 'synthMs', 'totalMs', 'cpuMs', 'maxRssKb'] as const;
type Key = (typeof KEYS)[number];

/** Measures one shape: lib and bare runs interleaved, so that drift in the machine's load hits both. */
function measure(tmp: string, shape: 'series' | 'example', containers: number, reps: number, bareMode: 'bare' | 'bare-text' = 'bare'): Point {
  const manifest = path.join(tmp, `manifest-${shape}-${containers}.json`);
  const outdir = path.join(tmp, 'out');
  // A first lib run writes the manifest (its figures are not kept: it also warms the disk cache for both).
  runChild({ mode: 'lib', shape, containers, outdir, manifest });
  const lib: ChildResult[] = [];
  const bare: ChildResult[] = [];
  for (let i = 0; i < reps; i++) {
    const order = i % 2 === 0 ? (['lib', bareMode] as const) : ([bareMode, 'lib'] as const);
    for (const mode of order) {
      const r = runChild({ mode, shape, containers, outdir, manifest: mode === 'lib' ? undefined : manifest });
      (mode === 'lib' ? lib : bare).push(r);
    }
  }
  if (lib[0].files !== bare[0].files) throw new Error(`${shape} ${containers}: lib wrote ${lib[0].files} files, bare ${bare[0].files}`);
  const pick = (rs: ChildResult[]) => Object.fromEntries(KEYS.map((k) => [k, stats(rs.map((r) => r[k]))])) as Point['lib'];
  const l = pick(lib);
  const b = pick(bare);
  const addedMs = l.totalMs.median - b.totalMs.median;
  const addedCpuMs = l.cpuMs.median - b.cpuMs.median;
  return {
    shape,
    bareMode,
    containers,
    files: lib[0].files,
    reps,
    lib: l,
    bare: b,
    timeRatio: round(l.totalMs.median / b.totalMs.median, 3),
    cpuRatio: round(l.cpuMs.median / b.cpuMs.median, 3),
    rssRatio: round(l.maxRssKb.median / b.maxRssKb.median, 3),
    addedMs: round(addedMs),
    addedMsPerContainer: round(addedMs / containers, 3),
    addedCpuMs: round(addedCpuMs),
    addedCpuMsPerContainer: round(addedCpuMs / containers, 3),
    addedRssKbPerContainer: round((l.maxRssKb.median - b.maxRssKb.median) / containers, 1),
  };
}

/** Least squares y = a + b x, with R². */
function fit(xs: number[], ys: number[]): { intercept: number; slope: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  });
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssRes = ys.reduce((s, y, i) => s + (y - (intercept + slope * xs[i])) ** 2, 0);
  return { intercept: round(intercept), slope: round(slope, 4), r2: round(syy === 0 ? 1 : 1 - ssRes / syy, 4) };
}

function fmt(s: Stats, unit = ''): string {
  return `${s.median}${unit} (${s.min}-${s.max})`;
}

function mb(s: Stats): string {
  return `${(s.median / 1024).toFixed(1)} (${(s.min / 1024).toFixed(1)}-${(s.max / 1024).toFixed(1)})`;
}

function table(points: Point[]): string {
  const rows = [
    '| project | files | bare projen CPU ms | with projen-containers CPU ms | CPU ratio | added CPU ms / container | bare wall ms | lib wall ms | wall ratio | bare peak RSS MB | lib peak RSS MB | RSS ratio | added KB / container |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const p of points) {
    const name = (p.shape === 'example' ? 'examples/fullstack (2 containers)' : `${p.containers} container${p.containers > 1 ? 's' : ''}`)
      + (p.bareMode === 'bare-text' ? ', bare: TextFiles' : ', bare: YamlFile + TextFiles');
    rows.push(`| ${name} | ${p.files} | ${fmt(p.bare.cpuMs)} | ${fmt(p.lib.cpuMs)} | ${p.cpuRatio} | ${p.addedCpuMsPerContainer} | ${fmt(p.bare.totalMs)} | ${fmt(p.lib.totalMs)} | ${p.timeRatio} | ${mb(p.bare.maxRssKb)} | ${mb(p.lib.maxRssKb)} | ${p.rssRatio} | ${p.addedRssKbPerContainer} |`);
  }
  return rows.join('\n');
}

function phases(points: Point[]): string {
  const rows = [
    '| project | bare: load / construct / synth ms | lib: load / construct / synth ms |',
    '|---|---|---|',
  ];
  for (const p of points) {
    const name = (p.shape === 'example' ? 'examples/fullstack' : `${p.containers}`) + (p.bareMode === 'bare-text' ? ', bare: TextFiles' : ', bare: YamlFile + TextFiles');
    const ph = (x: Point['lib']) => `${x.loadMs.median} / ${x.constructMs.median} / ${x.synthMs.median}`;
    rows.push(`| ${name} | ${ph(p.bare)} | ${ph(p.lib)} |`);
  }
  return rows.join('\n');
}

function main(): void {
  const reps = Number(process.env.BENCH_REPS ?? 7);
  const sizes = (process.env.BENCH_SIZES ?? '1,10,100,1000').split(',').map(Number);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bench-'));
  const points: Point[] = [];
  try {
    points.push(measure(tmp, 'example', 2, Math.max(reps, 11)));
    points.push(measure(tmp, 'example', 2, Math.max(reps, 11), 'bare-text'));
    process.stderr.write('bench: example done\n');
    for (const n of sizes) {
      // TextFiles only: the cheapest way plain projen writes the same files (its YamlFile costs more, see the example rows).
      points.push(measure(tmp, 'series', n, n >= 1000 ? Math.min(reps, 5) : reps, 'bare-text'));
      process.stderr.write(`bench: ${n} containers done\n`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const series = points.filter((p) => p.shape === 'series');
  const linear = fit(series.map((p) => p.containers), series.map((p) => p.addedCpuMs));
  const wallLinear = fit(series.map((p) => p.containers), series.map((p) => p.addedMs));
  const marginals = series.slice(1).map((p, i) => ({
    from: series[i].containers,
    to: p.containers,
    cpuMsPerContainer: round((p.addedCpuMs - series[i].addedCpuMs) / (p.containers - series[i].containers), 3),
  })).filter((m) => m.from >= 10);
  const largest = series[series.length - 1];
  // The library's project alone (projen's own costs included): CPU ms per added container between sizes.
  const libMarginals = series.slice(1).map((p, i) => ({
    from: series[i].containers,
    to: p.containers,
    cpuMsPerContainer: round((p.lib.cpuMs.median - series[i].lib.cpuMs.median) / (p.containers - series[i].containers), 3),
    bareCpuMsPerContainer: round((p.bare.cpuMs.median - series[i].bare.cpuMs.median) / (p.containers - series[i].containers), 3),
  }));
  const examples = points.filter((p) => p.shape === 'example');
  const checks = [
    ...examples.map((e) => ({
      floor: `examples/fullstack CPU time within ${FLOORS.exampleRatio}x of bare projen (${e.bareMode === 'bare' ? 'YamlFile + TextFile' : 'TextFiles only'})`,
      value: e.cpuRatio,
      ok: e.cpuRatio <= FLOORS.exampleRatio,
    })),
    ...marginals.map((m) => ({
      floor: `at most ${FLOORS.msPerContainer} CPU ms added per container from ${m.from} to ${m.to} containers (marginal)`,
      value: m.cpuMsPerContainer,
      ok: m.cpuMsPerContainer <= FLOORS.msPerContainer,
    })),
    {
      floor: `at most ${FLOORS.msPerContainer} CPU ms added per container at ${largest.containers} containers (average)`,
      value: largest.addedCpuMsPerContainer,
      ok: largest.addedCpuMsPerContainer <= FLOORS.msPerContainer,
    },
  ];

  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtEnd: os.loadavg().map((x) => round(x)),
  };
  const projenVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'projen', 'package.json'), 'utf8')).version;
  const date = new Date().toISOString();
  const result = {
    command: COMMAND,
    date,
    machine,
    projenVersion,
    floors: FLOORS,
    checks,
    linearFit: linear,
    wallLinearFit: wallLinear,
    marginals,
    libMarginals,
    points,
  };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');

  const md = [
    `Command: \`${COMMAND}\` (${date.slice(0, 10)}; ${machine.cpus} cores, ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, projen ${projenVersion};`,
    `load average at the end ${machine.loadAverageAtEnd.join(' / ')}). Medians of ${reps} runs (min-max in brackets; 1,000 containers: ${Math.min(reps, 5)} runs, example: ${Math.max(reps, 11)}),`,
    'each a fresh `node` process measuring, in itself, loading projen (and the library) + constructing the project + `project.synth()` into an empty directory;',
    '"CPU" = user + system time of that span, "wall" = its elapsed time, peak RSS = the process\'s `maxRSS`.',
    '',
    table(points),
    '',
    'Where the time goes (medians, ms):',
    '',
    phases(points),
    '',
    `Least-squares fit of the added CPU time: ${linear.intercept} ms + ${linear.slope} ms x containers, R² ${linear.r2}`
      + ` (wall: ${wallLinear.intercept} ms + ${wallLinear.slope} ms x containers, R² ${wallLinear.r2}; R² says little when the slope is near 0 and noise dominates).`
      + ` Marginal added CPU per container: ${marginals.map((m) => `${m.from} to ${m.to}: ${m.cpuMsPerContainer} ms`).join(', ')}.`
      + ` Whole-project CPU per added container, with projen-containers / bare: ${libMarginals.map((m) => `${m.from} to ${m.to}: ${m.cpuMsPerContainer} / ${m.bareCpuMsPerContainer} ms`).join(', ')}.`,
    '',
    '| floor | measured | holds |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.floor} | ${c.value} | ${c.ok ? 'yes' : '**no**'} |`),
  ].join('\n');
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'synth.md'), md + '\n');
  process.stdout.write(md + '\n');
  process.stderr.write('bench: results in bench/results/synth.json and synth.md; `npx projen bench:publish synth` puts them into docs/performance.md\n');
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    process.stderr.write(`bench: floor failed: ${failed.map((c) => `${c.floor} (measured ${c.value})`).join('; ')}\n`);
    process.exitCode = 1;
  }
}

main();
