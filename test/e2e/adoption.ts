/**
 * The engine test of adoption (issue 26, docs/adopting.md "Run on the engine"): four multi-stage apps of
 * test/e2e/adoption/ (a Go service built in a golang stage and run on distroless, the same on FROM scratch, a Node
 * service built with `npm ci` in a node stage, a Python service whose virtual environment is built in a python stage,
 * a site served by the nginx base image's own command with no CMD of its own), each a Dockerfile and a Kubernetes
 * Deployment with probes (`E2E_ADOPT_APPS=a,b` runs only those). For each app, in a copy of it in this run's own temp folder:
 *
 * 1. the real CLI `check --emit-projenrc .` adopts its one container: one statement, no refusal, at most the one opt-in;
 * 2. the CLI `check --round-trip --format json .`: adopted, 0 unlisted differences;
 * 3. the statement, as printed with its opt-in line switched on, becomes the app's `.projenrc.ts` (a bare projen
 *    project; the package imported from src/), type-checked and run by ts-node as `npx projen` runs it: it replaces the
 *    app's Dockerfile and writes the probe snippet;
 * 4. `docker build` of the generated Dockerfile with the app's own source as the context (still multi-stage);
 * 5. `docker run` (read-only root, a tmpfs at each of the snippet's volumeMounts, `--network none`): Docker reports it
 *    healthy (its HEALTHCHECK) within start period + interval + timeout; each probe of the snippet answers 200-399 from a
 *    host process in the container's network namespace (as the kubelet would); PID 1 runs as the snippet's user; a
 *    Dockerfile that writes no ENTRYPOINT or CMD gives an image with the base image's (`docker image inspect`).
 *
 * Called by e2e.ts after its own steps (suite `e2e`); alone, `npx projen e2e:adopt` (suite `e2e:adopt`), or
 * `ts-node test/e2e/adoption.ts --synth-only` for steps 1-3 without an engine. Containers `pc-e2e-adopt-<app>` and
 * images `pc-e2e-adopt-<app>:1` are removed by name at the end, with the temp folder.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { docker, fetchFromNetns, seconds, sleep } from './engine';
import { Suite } from '../harness';

const root = path.resolve(__dirname, '..', '..');
/** The apps, one folder each (their own files only: a Dockerfile, a Deployment, the app's source). */
export const APPS = path.join(__dirname, 'adoption');
const tsNode = path.join(root, 'node_modules', 'ts-node', 'dist', 'bin.js');
const prefix = 'pc-e2e-adopt';

/** Runs the package's CLI (`projen-containers check ...`, from src/) in `cwd`. */
function cli(cwd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [tsNode, '--transpile-only', '--project', path.join(root, 'projenrc', 'tsconfig.json'),
    path.join(root, 'src', 'check', 'cli.ts'), 'check', ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The fragment's import line and its one statement, or why it cannot be taken as it is. */
export function takeStatement(fragment: string): { imports: string; statement: string; optIn: boolean } {
  const refused = fragment.split('\n').filter((l) => l.startsWith('// not adopted'));
  if (refused.length > 0) throw new Error(`refused:\n${refused.join('\n')}`);
  const imports = fragment.split('\n').filter((l) => l.startsWith('import '));
  if (imports.length !== 1 || !/ from 'projen-containers';$/.test(imports[0])) throw new Error(`expected one import line from 'projen-containers', got ${JSON.stringify(imports)}`);
  const starts = fragment.split('\n').filter((l) => /^new [A-Za-z]+\(project, /.test(l));
  if (starts.length !== 1) throw new Error(`expected one statement, got ${starts.length}:\n${fragment}`);
  // The statement with its comment lines as printed (a user pastes them too); the printed opt-in line switched on.
  const body = fragment.slice(fragment.indexOf(imports[0]) + imports[0].length).trim();
  const optIns = body.split('\n').filter((l) => l.trim() === '// replaceExisting: true,');
  if (optIns.length > 1) throw new Error(`more than one opt-in line: ${optIns.length}`);
  return { imports: imports[0], statement: body.replace('// replaceExisting: true,', 'replaceExisting: true,'), optIn: optIns.length === 1 };
}

/** The `.projenrc.ts` of the adopted app: a bare projen project with the statement; the package from src/. */
function projenrc(name: string, imports: string, statement: string): string {
  return [
    `import { Project } from ${JSON.stringify(path.join(root, 'node_modules', 'projen'))};`,
    imports.replace("'projen-containers'", JSON.stringify(path.join(root, 'src'))),
    '',
    `const project = new Project({ name: ${JSON.stringify(name)} });`,
    '',
    statement,
    '',
    'project.synth();',
    '',
  ].join('\n');
}

/** The type-check settings of the repository (strict, noUnusedLocals) for a .projenrc.ts outside it. */
function tsconfigFor(file: string): string {
  return JSON.stringify({
    extends: path.join(root, 'tsconfig.json'),
    compilerOptions: { noEmit: true, rootDir: '/', types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')] },
    files: [file],
  }, null, 2);
}

interface Adopted {
  readonly app: string;
  readonly repo: string;
  readonly tag: string;
  readonly container: any;
}

/** Steps 1-3 for one app; the synthesized copy, or undefined when a step failed. */
function adoptApp(suite: Suite, app: string, work: string): Adopted | undefined {
  const repo = path.join(work, app, 'repo');
  fs.cpSync(path.join(APPS, app), repo, { recursive: true });
  const original = fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf8');
  let taken: ReturnType<typeof takeStatement> | undefined;
  suite.step(`adopt ${app}: check --emit-projenrc . adopts its one container (no refusal, at most the one opt-in)`, () => {
    const r = cli(repo, ['--emit-projenrc', '.']);
    if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}${r.stdout}`);
    taken = takeStatement(r.stdout);
    const cls = /^new ([A-Za-z]+)\(/m.exec(taken.statement)![1];
    const stages = (taken.statement.match(/new DockerfileStage\(/g) ?? []).length;
    const named = taken.statement.split('\n').filter((l) => /^\/\/ (changes|not carried over):/.test(l)).length;
    return `${cls}, ${stages} build stage(s) carried${taken.optIn ? ', opt-in replaceExisting' : ''}; ${named} comment(s) naming changes`;
  });
  suite.step(`adopt ${app}: check --round-trip: adopted, 0 unlisted differences`, () => {
    const r = cli(repo, ['--round-trip', '--format', 'json', '.']);
    const report = JSON.parse(r.stdout);
    const s = report.summary;
    const unlisted = report.containers.flatMap((c: any) => c.differences.filter((d: any) => d.class === 'unlisted').map((d: any) => `${d.field}: ${d.old} -> ${d.new}`));
    if (s.adopted !== 1 || s.refused !== 0) throw new Error(`${s.adopted} adopted, ${s.refused} refused: ${JSON.stringify(report.containers.map((c: any) => c.refusals))}`);
    if (s.unlisted !== 0 || unlisted.length > 0) throw new Error(`${s.unlisted} unlisted: ${unlisted.join('; ')}`);
    if (s.unreadable !== 0 || r.status !== 0) throw new Error(`exit ${r.status}, ${s.unreadable} unreadable: ${r.stderr}`);
    return `${report.containers[0].carried.length} field(s) carried, ${s.named} named, ${s.hardening} hardening, 0 unlisted`;
  });
  if (taken === undefined) return undefined;
  const t = taken;
  let container: any;
  const ok = suite.step(`adopt ${app}: the statement as the app's .projenrc.ts (type-checked, run by ts-node) writes its Dockerfile and probes`, () => {
    fs.writeFileSync(path.join(repo, '.projenrc.ts'), projenrc(app, t.imports, t.statement));
    const tsconfig = path.join(work, app, 'tsconfig.json');
    fs.writeFileSync(tsconfig, tsconfigFor(path.join(repo, '.projenrc.ts')));
    const start = Date.now();
    const r = spawnSync(process.execPath, [tsNode, '--project', tsconfig, '.projenrc.ts'], { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`exit ${r.status}: ${(r.stderr || r.stdout).split('\n').slice(0, 30).join('\n')}`);
    const files: string[] = JSON.parse(fs.readFileSync(path.join(repo, '.projen', 'files.json'), 'utf8')).files;
    const generated = fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf8');
    if (!files.includes('Dockerfile') || generated === original) throw new Error(`the app's Dockerfile was not replaced (files: ${files.join(', ')})`);
    const froms = generated.split('\n').filter((l) => /^FROM /.test(l)).length;
    if (froms < 2) throw new Error(`the generated Dockerfile has ${froms} stage(s): the build stages are gone`);
    const snippetFile = files.find((f) => /\.ya?ml$/.test(f) && YAML.parse(fs.readFileSync(path.join(repo, f), 'utf8'))?.containers !== undefined);
    if (snippetFile === undefined) throw new Error(`no probe snippet among ${files.join(', ')}`);
    container = YAML.parse(fs.readFileSync(path.join(repo, snippetFile), 'utf8')).containers[0];
    return `wrote ${files.filter((f) => !f.startsWith('.projen/') && !/^\.git(ignore|attributes)$/.test(f)).join(', ')} in ${seconds(Date.now() - start)}; Dockerfile of ${froms} stages`;
  });
  return ok ? { app, repo, tag: `${prefix}-${app}:1`, container } : undefined;
}

/** Docker's time to the first success: start period + interval + timeout of the image's HEALTHCHECK (ms). */
function healthyBound(tag: string): number {
  const h = JSON.parse(docker(['image', 'inspect', tag, '--format', '{{json .Config.Healthcheck}}']));
  if (!h?.Test) throw new Error(`${tag} has no HEALTHCHECK`);
  return ((h.StartPeriod ?? 0) + (h.Interval ?? 30e9) + (h.Timeout ?? 30e9)) / 1e6;
}

/** Steps 4-5 for one adopted app. */
async function runApp(suite: Suite, a: Adopted): Promise<void> {
  const name = `${prefix}-${a.app}`;
  const built = suite.step(`adopt ${a.app}: docker build of the generated Dockerfile, the app's own source as the context`, () => {
    const start = Date.now();
    docker(['build', '--network', 'host', '-t', a.tag, a.repo]);
    return `${a.tag} built in ${seconds(Date.now() - start)}, ${(Number(docker(['image', 'inspect', a.tag, '--format', '{{.Size}}'])) / 1e6).toFixed(1)} MB`;
  });
  if (!built) return;
  const c = a.container;
  const mounts: string[] = (c.volumeMounts ?? []).map((m: any) => m.mountPath);
  const started = Date.now();
  let limit = 0;
  const running = suite.step(`adopt ${a.app}: docker run (read-only root, tmpfs ${mounts.join(',') || 'none'}, no network) starts`, () => {
    limit = healthyBound(a.tag);
    docker(['run', '-d', '--name', name, '--network', 'none', '--read-only', ...mounts.flatMap((m) => ['--tmpfs', `${m}:rw,mode=1777`]), a.tag]);
    return `container ${name}`;
  });
  if (!running) return;
  // A Dockerfile with no ENTRYPOINT or CMD (baseImageCommand): the image runs what its base image runs.
  const generated = fs.readFileSync(path.join(a.repo, 'Dockerfile'), 'utf8');
  const from = /^FROM (\S+) AS \S+\s*$/m.exec(generated.split('\n').filter((l) => l.startsWith('FROM ')).pop() ?? '')?.[1];
  if (!/^(ENTRYPOINT|CMD)\b/m.test(generated) && from !== undefined) {
    suite.step(`adopt ${a.app}: no ENTRYPOINT or CMD written: the image runs its base image's (${from})`, () => {
      const run = (tag: string) => docker(['image', 'inspect', tag, '--format', '{{json .Config.Entrypoint}} {{json .Config.Cmd}}']);
      const [mine, base] = [run(a.tag), run(from)];
      if (mine !== base) throw new Error(`${a.tag} runs ${mine}, ${from} runs ${base}`);
      return `ENTRYPOINT and CMD ${mine}, as ${from}`;
    });
  }
  await suite.stepAsync(`adopt ${a.app}: Docker reports it healthy (its HEALTHCHECK)`, async () => {
    for (;;) {
      const [health, state] = docker(['inspect', name, '--format', '{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{.State.Status}}'], { allowFail: true }).split('|');
      const elapsed = Date.now() - started;
      const logs = () => docker(['logs', '--tail', '20', name], { allowFail: true });
      if (health === 'healthy') return `after ${seconds(elapsed)} (bound start period + interval + timeout = ${seconds(limit)})`;
      if (state !== 'running') throw new Error(`${state}: ${logs()}`);
      if (health === 'unhealthy') throw new Error(`unhealthy: ${logs()}`);
      if (elapsed > limit + 5000) throw new Error(`not healthy within ${seconds(limit + 5000)} (now ${health || 'no health'}): ${logs()}`);
      await sleep(250);
    }
  });
  const pid = docker(['inspect', name, '--format', '{{.State.Pid}}'], { allowFail: true });
  for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    const probe = c[kind];
    if (!probe?.httpGet) continue;
    const g = probe.httpGet;
    const port = (c.ports ?? []).find((p: any) => p.name === g.port || p.containerPort === g.port)?.containerPort ?? g.port;
    const url = `${String(g.scheme ?? 'HTTP').toLowerCase()}://127.0.0.1:${port}${g.path}`;
    const headers = Object.fromEntries((g.httpHeaders ?? []).map((h: any) => [h.name, h.value]));
    suite.step(`adopt ${a.app} answers its ${kind} as the kubelet would (GET ${url} from outside the container)`, () => {
      const code = fetchFromNetns(pid, url, headers, probe.timeoutSeconds * 1000);
      if (!(code >= 200 && code < 400)) throw new Error(`HTTP ${code}`);
      return `HTTP ${code}`;
    });
  }
  suite.step(`adopt ${a.app}: PID 1 runs as the snippet's runAsUser:runAsGroup`, () => {
    const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const ids = (k: string) => /^\S+:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/m.exec(st.split('\n').find((l) => l.startsWith(`${k}:`)) ?? '')?.slice(1).map(Number);
    const sc = c.securityContext;
    const want = (v: number) => JSON.stringify(Array(4).fill(v));
    if (JSON.stringify(ids('Uid')) !== want(sc.runAsUser) || JSON.stringify(ids('Gid')) !== want(sc.runAsGroup)) {
      throw new Error(`Uid ${ids('Uid')}, Gid ${ids('Gid')}; the snippet has ${sc.runAsUser}:${sc.runAsGroup}`);
    }
    return `Uid ${sc.runAsUser}, Gid ${sc.runAsGroup}`;
  });
}

/** Every app of test/e2e/adoption/: adopted, synthesized, built, run healthy (steps of `suite`); cleans up after itself. */
export async function runAdoption(suite: Suite, options: { synthOnly?: boolean } = {}): Promise<void> {
  const t0 = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  // E2E_ADOPT_APPS=a,b runs only those apps (all of them by default).
  const only = process.env.E2E_ADOPT_APPS?.split(',').filter((x) => x !== '');
  const apps = fs.readdirSync(APPS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)
    .filter((n) => only === undefined || only.length === 0 || only.includes(n)).sort();
  const names = apps.map((app) => `${prefix}-${app}`);
  const clean = () => {
    if (options.synthOnly) return;
    for (const n of names) docker(['rm', '-f', n], { allowFail: true });
    for (const n of names) docker(['image', 'rm', `${n}:1`], { allowFail: true });
  };
  try {
    clean();
    for (const app of apps) {
      const a = adoptApp(suite, app, work);
      if (a && !options.synthOnly) await runApp(suite, a);
      // One container at a time: the next build runs beside no running app.
      if (!options.synthOnly) docker(['rm', '-f', `${prefix}-${app}`], { allowFail: true });
    }
  } catch (e) {
    suite.record('adopt', false, `stopped: ${(e as Error).message}`);
  } finally {
    clean();
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`adopt: ${apps.length} apps (${apps.join(', ')}) in ${seconds(Date.now() - t0)}; their containers and images removed`);
}

if (require.main === module) {
  const suite = new Suite('e2e:adopt');
  runAdoption(suite, { synthOnly: process.argv.includes('--synth-only') })
    .catch((e) => suite.record('adopt', false, `stopped: ${(e as Error).message}`))
    .finally(() => {
      process.exitCode = suite.finish();
    });
}
