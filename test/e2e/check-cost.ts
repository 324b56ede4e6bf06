/**
 * The runtime cost of each health check the product can emit (issue 8): CPU time (user + system) and
 * peak RSS of one run of the exact argv, inside a running container, against a real listening
 * server; and the bytes each tool adds to an image. Run by test/e2e/run.sh after e2e.ts (engine and
 * stand-in images up), or alone with `npx projen check-cost`. Prints a table and writes it with its data to
 * bench/results/check-cost.md and check-cost.json (untracked: `npx projen bench:publish check-cost` puts them into
 * docs/performance.md and bench/published/; a test run changes no tracked file).
 *
 * - The argv of curl, wget and python3 comes from the model (`FastApiBackend` with each `CheckTool`,
 *   default options otherwise: `GET http://127.0.0.1:8000/api/v1/health`, timeout 10 s).
 * - The node row runs `CheckTool.NODE` as emitted (the default of NodeService on distroless nodejs only):
 *   the same request and timeout, exit 0 or 1, from a ContainerService on a node base.
 * - BusyBox wget: Debian's busybox 1.35 segfaults when given `-T` (see NOTES.md), so it runs the product's
 *   wget argv without `-T 10`; GNU wget runs it as emitted.
 * - Measured inside the running container with GNU time (`/usr/bin/time -f '%e %U %S %M'`, the Debian
 *   package `time`, in the measurement image only) around a loop of 20 runs of the exact argv in one
 *   `docker exec` (GNU time's CPU figures have 10 ms steps, coarser than one check): CPU and elapsed per
 *   run = total / 20; peak RSS = the largest of the runs (wait4 counts the `/bin/sh -c` wrapper and the
 *   tool). Separately, the wall time of one `docker exec` of the argv alone, as Docker runs a HEALTHCHECK. The server is Python's
 *   `http.server` answering the health path with 200; its own cost is not counted.
 * - Bytes added = `docker image inspect --format '{{.Size}}'` of the Debian base with the tool minus the
 *   base alone (the stand-in `debian:bookworm-slim`, a debootstrap minbase root).
 *
 * Images and containers are named `cost-*` (other runs may share the engine); the images stay cached.
 * Env: CHECK_COST_RUNS (measurements per check, default 10).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { BaseImage, CheckTool, ContainerService, FastApiBackend, HealthCheck } from '../../src';

const root = path.resolve(__dirname, '..', '..');
const env = { ...process.env, DOCKER_BUILDKIT: '0' };
const RUNS = Number(process.env.CHECK_COST_RUNS ?? 10);
/** Runs of the check per measurement. */
const LOOP = 20;
const WARMUP = 1;
const SERVER = 'cost-server';
const RESULTS = path.join(root, 'bench', 'results', 'check-cost.json');
const TABLE = path.join(root, 'bench', 'results', 'check-cost.md');
const COMMAND = 'npx projen check-cost';

function docker(args: string[], opts: { allowFail?: boolean } = {}): { out: string; err: string; status: number } {
  const r = spawnSync('docker', args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`docker ${args.join(' ')} exited ${r.status}:\n${(r.stderr || r.stdout || '').split('\n').slice(-30).join('\n')}`);
  }
  return { out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim(), status: r.status ?? -1 };
}

/** Builds `tag` from a Dockerfile text; `files` (name to content) form the context. */
function build(tag: string, dockerfile: string, files: Record<string, string> = {}): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-build-'));
  try {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    docker(['build', '--network', 'host', '-q', '-t', tag, dir]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const APT = (pkgs: string[]) =>
  `RUN apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(' ')} && rm -rf /var/lib/apt/lists/*`;

/** The exact HEALTHCHECK argv the model renders for `tool`. */
function modelArgv(tool: CheckTool): string[] {
  const project = new Project({ name: 'cost', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cost-model-')) });
  // The backend's check; node is not in a python image, so that one comes from the same check on a node base.
  const argv = tool === CheckTool.NODE
    ? new ContainerService(project, 'backend', {
      baseImage: BaseImage.debian('node:22-bookworm-slim'),
      port: 8000,
      checkTool: tool,
      healthCheck: HealthCheck.httpGet({ path: '/api/v1/health' }),
      command: ['node', 'server.js'],
    })._model.checkCommand
    : new FastApiBackend(project, 'backend', { checkTool: tool })._model.checkCommand;
  fs.rmSync(project.outdir, { recursive: true, force: true });
  return [...argv!];
}

interface Check {
  readonly name: string;
  readonly argv: string[];
  readonly note: string;
  /** Debian packages (or a COPY line) the tool needs on a base that has none of them. */
  readonly sizeImage: string;
}

interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { median: r(median), min: r(s[0]), max: r(s[s.length - 1]) };
}

function checks(): Check[] {
  const curl = modelArgv(CheckTool.CURL);
  const wget = modelArgv(CheckTool.WGET);
  const python = modelArgv(CheckTool.PYTHON);
  const url = 'http://127.0.0.1:8000/api/v1/health';
  if (!curl[2].includes(url) || !wget[2].includes(url)) throw new Error(`the model's check URL is not ${url}: ${curl[2]}`);
  // BusyBox wget as the product emits it on Alpine, minus -T <timeout> (Debian's busybox 1.35 crashes on it).
  const busybox = ['/bin/sh', '-c', wget[2].replace(/^wget /, 'busybox wget ').replace(/ -T \d+/, '')];
  const node = modelArgv(CheckTool.NODE);
  return [
    { name: 'curl', argv: curl, note: 'CheckTool.CURL, as emitted', sizeImage: APT(['curl']) },
    { name: 'GNU wget', argv: wget, note: 'CheckTool.WGET, as emitted (the presets\' default; Debian images)', sizeImage: APT(['wget']) },
    { name: 'BusyBox wget', argv: busybox, note: 'CheckTool.WGET on Alpine, without -T (Debian busybox 1.35 segfaults with it)', sizeImage: APT(['busybox']) },
    { name: 'python3 urllib', argv: python, note: 'CheckTool.PYTHON, as emitted', sizeImage: APT(['python3']) },
    { name: 'node fetch', argv: node, note: 'CheckTool.NODE, as emitted (NodeService on distroless nodejs only)', sizeImage: 'COPY --from=node:22-bookworm-slim /usr/local/bin/node /usr/local/bin/node' },
  ];
}

function main(): void {
  const t0 = Date.now();
  const list = checks();

  // Bytes each tool adds: the minbase Debian root alone and with the tool.
  const baseTag = 'cost-size-base:1';
  build(baseTag, 'FROM debian:bookworm-slim\n');
  const size = (tag: string) => Number(docker(['image', 'inspect', tag, '--format', '{{.Size}}']).out);
  const baseSize = size(baseTag);
  const added = new Map<string, number>();
  for (const c of list) {
    const tag = `cost-size-${c.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}:1`;
    build(tag, `FROM debian:bookworm-slim\n${c.sizeImage}\n`);
    added.set(c.name, size(tag) - baseSize);
  }

  // The measurement image: every tool, GNU time, and a server answering the health path.
  build('cost-meter:1', [
    'FROM python:3.12-slim',
    APT(['time', 'curl', 'wget', 'busybox']),
    'COPY --from=node:22-bookworm-slim /usr/local/bin/node /usr/local/bin/node',
    'RUN mkdir -p /srv/api/v1 && printf \'{"status": "healthy"}\' > /srv/api/v1/health',
    'USER 1000:1000',
    'WORKDIR /srv',
    'CMD ["python3", "-m", "http.server", "8000", "--bind", "127.0.0.1"]',
    '',
  ].join('\n'));
  docker(['rm', '-f', SERVER], { allowFail: true });
  docker(['run', '-d', '--name', SERVER, '--network', 'none', 'cost-meter:1']);
  const rows: Array<Record<string, unknown>> = [];
  try {
    // Wait for the server.
    for (let i = 0; ; i++) {
      if (docker(['exec', SERVER, ...list[0].argv], { allowFail: true }).status === 0) break;
      if (i > 50) throw new Error('the server in cost-server never answered');
      spawnSync('sleep', ['0.2']);
    }
    for (const c of list) {
      const cpu: number[] = [];
      const rss: number[] = [];
      const elapsed: number[] = [];
      const exec: number[] = [];
      // GNU time around a loop of LOOP runs of the exact argv ("$@"), in one docker exec: its CPU figures
      // have 10 ms steps, too coarse for one run of a check that takes a few ms.
      const loop = `i=0; while [ $i -lt ${LOOP} ]; do "$@" || exit 1; i=$((i+1)); done`;
      for (let i = 0; i < WARMUP + RUNS; i++) {
        const r = docker(['exec', SERVER, '/usr/bin/time', '-f', 'cost %e %U %S %M', '/bin/sh', '-c', loop, 'loop', ...c.argv], { allowFail: true });
        const line = r.err.split('\n').reverse().find((l) => l.startsWith('cost '));
        if (r.status !== 0 || !line) throw new Error(`${c.name}: exited ${r.status}: ${r.err}`);
        if (i < WARMUP) continue;
        const [e, u, s, m] = line.split(' ').slice(1).map(Number);
        elapsed.push((e * 1000) / LOOP);
        cpu.push(((u + s) * 1000) / LOOP);
        rss.push(m);
      }
      // One check as Docker runs it: a docker exec of the argv alone (the engine's own cost included).
      for (let i = 0; i < RUNS; i++) {
        const start = process.hrtime.bigint();
        if (docker(['exec', SERVER, ...c.argv], { allowFail: true }).status !== 0) throw new Error(`${c.name}: the check failed`);
        exec.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      rows.push({
        check: c.name,
        note: c.note,
        argv: c.argv,
        runs: RUNS,
        cpuMs: stats(cpu),
        elapsedMs: stats(elapsed),
        maxRssKb: stats(rss),
        dockerExecMs: stats(exec),
        imageBytesAdded: added.get(c.name),
      });
    }
  } finally {
    docker(['rm', '-f', SERVER], { allowFail: true });
  }

  const engine = docker(['version', '--format', '{{.Server.Version}}']).out;
  const date = new Date().toISOString();
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify({ command: COMMAND, date, engine, machine, baseImageBytes: baseSize, rows }, null, 2) + '\n');

  const fmt = (s: Stats) => `${s.median} (${s.min}-${s.max})`;
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const table = [
    `Command: \`${COMMAND}\` (${date.slice(0, 10)}; ${machine.cpus} cores, ${machine.cpuModel}; Docker Engine ${engine}; load average at the end`,
    `${machine.loadAverageAtEnd.join(' / ')}). Per run of the check: medians of ${RUNS} measurements (min-max in brackets), each GNU time around ${LOOP} runs`,
    'of the exact argv in one `docker exec` into a running container (`--network none`) whose server answers `GET /api/v1/health`;',
    `\`docker exec\` wall: ${RUNS} single runs. Base for the bytes: the \`debian:bookworm-slim\` stand-in (debootstrap minbase), ${mb(baseSize)} MB.`,
    '',
    '| check | CPU ms (user + sys) | elapsed ms | peak RSS KB | `docker exec` wall ms | image MB added | what runs |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.check} | ${fmt(r.cpuMs as Stats)} | ${fmt(r.elapsedMs as Stats)} | ${fmt(r.maxRssKb as Stats)} | ${fmt(r.dockerExecMs as Stats)} | ${mb(r.imageBytesAdded as number)} | ${r.note} |`),
  ].join('\n');
  console.log(table);
  fs.writeFileSync(TABLE, table + '\n');
  console.log(`check-cost: ${rows.length} checks measured in ${((Date.now() - t0) / 1000).toFixed(1)}s; results in ${path.relative(root, RESULTS)} and ${path.relative(root, TABLE)}`
    + ' (`npx projen bench:publish check-cost` puts them into docs/performance.md)');
}

main();
