/**
 * `npx projen bench:check <corpus root> ...`: the checker's speed over real repositories, in files per second, beside
 * kubeconform's on the same YAML files of the same machine and kubeconform's own published figure
 * (docs/performance.md "The checker's speed"). Writes bench/results/check-speed.{md,json}; `npx projen bench:publish
 * check-speed` puts the table into the docs. A measurement, not a test: nothing is asserted.
 *
 * A corpus root is laid out as docs/corpus.md says (`<root>/<set>/<repository>/`, sets tune, heldout, old); a root
 * without those set folders is read as a folder of repositories. For each repository, the files the checker reads
 * (Dockerfiles, YAML manifests and Compose files, build files: `collectFiles`) are counted; the checker runs in this
 * process (one warm-up round over every repository, then ROUNDS rounds, each timing every repository: wall time and
 * this process's CPU time); kubeconform (built by tools/linters.sh, local schemas, offline) runs over the same YAML
 * files, ROUNDS times, its CPU time taken from the shell's `time`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { check, collectFiles } from '../src/check/_check';

/** Rounds measured after the warm-up (an environment knob: BENCH_CHECK_ROUNDS). */
const ROUNDS = Number(process.env.BENCH_CHECK_ROUNDS ?? 5);
/** kubeconform's Kubernetes release for its schemas: the one tools/linters.sh writes (test/lint-real/tools.ts). */
const K8S_VERSION = '1.37.2';
/** kubeconform's own figure (its README, "Speed comparison with Kubeval"): 4-core laptop, `-n 8`. */
export const PUBLISHED = {
  files: 35139,
  resources: 50714,
  wallSeconds: 6.71,
  userSeconds: 38.701,
  sysSeconds: 1.161,
  cores: 4,
  source: 'https://github.com/yannh/kubeconform#speed-comparison-with-kubeval',
} as const;

const SETS = ['tune', 'heldout', 'old'];

interface Repo {
  readonly set: string;
  readonly name: string;
  readonly dir: string;
}

/** The repositories under each root: `<root>/<set>/<repo>` when the root has set folders, else `<root>/<repo>`. */
export function repositories(roots: readonly string[]): Repo[] {
  const out: Repo[] = [];
  // Folders, symbolic links to folders included (a corpus assembled from links).
  const dirs = (d: string) => fs.readdirSync(d).filter((e) => fs.statSync(path.join(d, e)).isDirectory()).sort();
  for (const root of roots) {
    const abs = path.resolve(root);
    if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
      throw new Error(`bench:check.root: must be an existing folder of repositories; received ${JSON.stringify(root)}`);
    }
    const sets = SETS.filter((d) => dirs(abs).includes(d));
    if (sets.length > 0) {
      for (const s of sets) for (const r of dirs(path.join(abs, s))) out.push({ set: s, name: r, dir: path.join(abs, s, r) });
    } else {
      for (const r of dirs(abs)) out.push({ set: path.basename(abs), name: r, dir: path.join(abs, r) });
    }
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface RepoFiles {
  readonly repo: Repo;
  /** Every file the checker reads (Dockerfiles, YAML, build files), each once. */
  readonly files: string[];
  readonly yaml: string[];
  readonly bytes: number;
}

function filesOf(repo: Repo): RepoFiles {
  const { dockerfiles, manifests, buildFiles } = collectFiles(['.'], repo.dir);
  const files = [...new Set([...dockerfiles, ...manifests, ...buildFiles])];
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  return { repo, files, yaml: manifests, bytes };
}

/** One run of the checker on a repository: wall and CPU ms of this process, and what it read. */
function checkOnce(repo: Repo): { wallMs: number; cpuMs: number; containers: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = check({ paths: ['.'], cwd: repo.dir });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, containers: r.containers.length + r.compose.length };
}

/** kubeconform over the YAML files (a file list in a temp file, read by xargs): wall and CPU seconds from bash's `time`. */
function kubeconformOnce(bin: string, schemas: string, listFile: string, parallel: number): { wall: number; cpu: number; summary: string } {
  const cmd = `TIMEFORMAT='%R %U %S'; time (xargs -0 -a "$1" "$2" -summary -ignore-missing-schemas -n ${parallel}`
    + ` -kubernetes-version ${K8S_VERSION} -schema-location "$3" >"$4" 2>&1)`;
  const out = path.join(path.dirname(listFile), 'kubeconform.out');
  const r = spawnSync('bash', ['-c', cmd, 'bench', listFile, bin, schemas, out], { encoding: 'utf8' });
  const m = /(\d+\.\d+) (\d+\.\d+) (\d+\.\d+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`bench:check.kubeconform: must print its time; received ${JSON.stringify(r.stderr.slice(-500))}`);
  // xargs runs kubeconform once per batch of files: the summaries add up.
  const sums = [...fs.readFileSync(out, 'utf8').matchAll(/Summary: (\d+) resources? found in (\d+) files?/g)];
  const total = (k: 1 | 2) => sums.reduce((n, s) => n + Number(s[k]), 0);
  const summary = `${total(1)} resources in ${total(2)} files (${sums.length} runs)`;
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), summary };
}

/** The kubeconform binary and its schema-location template, from tools/linters.sh (builds it once when absent). */
function kubeconformTool(root: string): { bin: string; schemas: string } | undefined {
  const r = spawnSync('bash', [path.join(root, 'tools', 'linters.sh'), 'kubeconform'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const bin = path.join(r.stdout.trim().split('\n').pop()!, 'kubeconform');
  const cache = path.dirname(path.dirname(bin));
  const schemas = path.join(cache, 'schemas', '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}', '{{ .ResourceKind }}{{ .KindSuffix }}.json');
  return fs.existsSync(bin) ? { bin, schemas } : undefined;
}

const f1 = (n: number) => n.toFixed(1);
const f0 = (n: number) => Math.round(n).toLocaleString('en-US');

function main(): void {
  // Compiled to bench/.build/bench/: the repository is three folders up.
  const root = path.resolve(__dirname, '..', '..', '..');
  const roots = process.argv.slice(2);
  if (roots.length === 0) throw new Error('bench:check.root: must name at least one corpus folder (docs/corpus.md); received none');
  const repos = repositories(roots).map(filesOf);
  const totalFiles = repos.reduce((n, r) => n + r.files.length, 0);
  const totalYaml = repos.reduce((n, r) => n + r.yaml.length, 0);
  const totalBytes = repos.reduce((n, r) => n + r.bytes, 0);
  if (totalFiles === 0 || totalYaml === 0) {
    throw new Error(`bench:check.root: must hold repositories with YAML files to read; received ${repos.length} repositories, ${totalFiles} files (${totalYaml} YAML)`);
  }

  // The checker: one warm-up round (module loading, JIT), then ROUNDS rounds; per repository the median.
  let containers = 0;
  for (const r of repos) containers += checkOnce(r.repo).containers;
  const runs = new Map<Repo, { wall: number[]; cpu: number[] }>(repos.map((r) => [r.repo, { wall: [], cpu: [] }]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const r of repos) {
      const m = checkOnce(r.repo);
      runs.get(r.repo)!.wall.push(m.wallMs);
      runs.get(r.repo)!.cpu.push(m.cpuMs);
    }
  }
  const wallS = repos.reduce((n, r) => n + median(runs.get(r.repo)!.wall), 0) / 1000;
  const cpuS = repos.reduce((n, r) => n + median(runs.get(r.repo)!.cpu), 0) / 1000;

  // kubeconform on the same machine, over the same YAML files.
  const tool = kubeconformTool(root);
  let kc: { wall: number; cpu: number; summary: string; parallel: number } | undefined;
  if (tool) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bench-check-'));
    try {
      const list = path.join(tmp, 'files');
      fs.writeFileSync(list, repos.flatMap((r) => r.yaml).join('\0'));
      const parallel = os.cpus().length;
      const walls: number[] = [];
      const cpus: number[] = [];
      let summary = '';
      kubeconformOnce(tool.bin, tool.schemas, list, parallel);
      for (let i = 0; i < ROUNDS; i++) {
        const m = kubeconformOnce(tool.bin, tool.schemas, list, parallel);
        walls.push(m.wall);
        cpus.push(m.cpu);
        summary = m.summary;
      }
      kc = { wall: median(walls), cpu: median(cpus), summary, parallel };
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  const p = PUBLISHED;
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  const date = new Date().toISOString().slice(0, 10);
  const rows = [
    `| the checker (\`check\`, one process, in-process runs) | this machine, ${os.cpus().length} cores | ${f0(totalFiles)} (${f0(totalYaml)} YAML) | ${f1(wallS)} | ${f0(totalFiles / wallS)} | ${f1(cpuS)} | ${f0(totalFiles / cpuS)} |`,
    ...(kc ? [`| kubeconform, same YAML files (\`-n ${kc.parallel}\`, local schemas): ${kc.summary.replace(/\|/g, '/')} | this machine, ${os.cpus().length} cores | ${f0(totalYaml)} | ${f1(kc.wall)} | ${f0(totalYaml / kc.wall)} | ${f1(kc.cpu)} | ${f0(totalYaml / kc.cpu)} |`] : []),
    `| kubeconform, its published figure (\`-n 8\`; [README](${p.source})) | a laptop, ${p.cores} cores | ${f0(p.files)} (${f0(p.resources)} resources) | ${p.wallSeconds} | ${f0(p.files / p.wallSeconds)} | ${f1(p.userSeconds + p.sysSeconds)} | ${f0(p.files / (p.userSeconds + p.sysSeconds))} |`,
  ];
  const md = [
    `Command: \`npx projen bench:check ${roots.join(' ')}\` (${date}; ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version};`
      + ` load average at the end ${load}). ${repos.length} repositories (${[...new Set(repos.map((r) => r.repo.set))].join(', ')}), ${f0(totalFiles)} files`
      + ` read by the checker (${(totalBytes / 1e6).toFixed(1)} MB), ${f0(containers)} containers and Compose services. Medians of ${ROUNDS} rounds after one warm-up;`
      + ' the checker\'s time is the sum of each repository\'s median (wall: elapsed; CPU: user + system of this process; it runs on one core);'
      + ' kubeconform\'s is the median of its whole runs over the same YAML files (CPU from the shell\'s `time`, all its threads).',
    '',
    '| tool | machine | files | wall s | files / s (wall) | CPU s | files / CPU s |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  const json = {
    date,
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    node: process.version,
    load: os.loadavg(),
    rounds: ROUNDS,
    roots,
    files: totalFiles,
    yaml: totalYaml,
    bytes: totalBytes,
    containers,
    checker: { wallSeconds: wallS, cpuSeconds: cpuS, filesPerSecond: totalFiles / wallS, filesPerCpuSecond: totalFiles / cpuS },
    kubeconform: kc ? { ...kc, filesPerSecond: totalYaml / kc.wall, filesPerCpuSecond: totalYaml / kc.cpu } : null,
    published: p,
    repositories: repos.map((r) => ({
      set: r.repo.set,
      name: r.repo.name,
      files: r.files.length,
      yaml: r.yaml.length,
      bytes: r.bytes,
      wallMs: median(runs.get(r.repo)!.wall),
      cpuMs: median(runs.get(r.repo)!.cpu),
    })),
  };
  const out = path.join(root, 'bench', 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'check-speed.md'), md);
  fs.writeFileSync(path.join(out, 'check-speed.json'), JSON.stringify(json, null, 2) + '\n');
  console.log(md);
  console.log('bench:check: results in bench/results/check-speed.md and check-speed.json (`npx projen bench:publish check-speed` puts them into docs/performance.md)');
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
