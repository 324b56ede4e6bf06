/**
 * The build benchmark (`npx projen bench:build`; docs/performance.md, not part of CI's pass/fail).
 *
 * For each example image: the wall time of `docker build --target production` and the bytes of the new
 * layers of the final image for (a) a cold build (no layer cache, empty cache mounts), (b) a rebuild after a
 * source-only change and (c) a rebuild after a dependency-manifest change (the median of BENCH_REPEAT rebuilds,
 * default 5, each after an edit of its own); for the generated Dockerfile with build mounts (the default) on
 * BuildKit, without them on BuildKit and on the classic builder, and for the task's original Dockerfiles
 * (bench/task-originals/) on BuildKit. The rebuilds of an image's variants are interleaved (child()).
 *
 * The parent synthesizes every variant into a temp build context, then runs each image's builds in a child
 * process under the machine-wide engine lock (one image per lock). Results go to bench/results/build.json
 * (merged by image with the last results, else the published ones in bench/published/build.json, so
 * `BENCH_IMAGES=backend` re-measures one image) and the table to bench/results/build.md; both untracked:
 * `npx projen bench:publish build` puts them into docs/performance.md and bench/published/.
 * `--table` renders the table again from those results.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { declareFullstack } from '../examples/fullstack/declare';
import { declareServices } from '../examples/services/declare';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const PUBLISHED = path.join(ROOT, 'bench', 'published');
const LOCK = '/tmp/projen-containers-engine.lock';
/** Debian's docker client (20.10): BuildKit built in (DOCKER_BUILDKIT=1), no buildx plugin needed. */
const DOCKER = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

type Builder = 'buildkit' | 'classic';
interface Variant {
  readonly image: string;
  readonly variant: string;
  readonly builder: Builder;
  readonly context: string;
  readonly dockerfile: string;
  /** Files (relative to the context) edited for (b) and (c). */
  readonly sourceFile: string;
  readonly dependencyFile: string;
}
interface Step {
  /** The median of `runs` (the cold build runs once). */
  readonly seconds: number;
  /** Each build's wall time, in order (BENCH_REPEAT rebuilds for (b) and (c), one per round, each after its own edit). */
  readonly runs?: number[];
  readonly newBytes: number;
  readonly newLayers: number;
  /** The instructions (image history) of the new layers. */
  readonly newSteps: string[];
}
interface Result {
  readonly image: string;
  readonly variant: string;
  readonly builder: Builder;
  readonly cold: Step;
  readonly source: Step;
  readonly dependency: Step;
  readonly imageBytes: number;
  readonly measuredAt: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, allowFail = false): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0 && !allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stderr || r.stdout || '').split('\n').slice(-25).join('\n')}`);
  }
  return (r.stdout ?? '').trim();
}

// ---------------------------------------------------------------------------------------------
// Child: the builds of one variant, inside the engine lock.

let engine: { rootDir: string; driver: string } | undefined;
/** The engine's root folder and storage driver (`docker info`), asked once. */
function engineInfo(): { rootDir: string; driver: string } {
  if (engine === undefined) {
    const [rootDir, driver] = run(DOCKER, ['info', '--format', '{{.DockerRootDir}}\t{{.Driver}}']).split('\t');
    engine = { rootDir, driver };
  }
  return engine;
}

/** The engine's layer store (`<root>/image/<driver>/layerdb/sha256`), which keeps each layer's size by chain id. */
function layerDbDir(): string {
  const { rootDir, driver } = engineInfo();
  return path.join(rootDir, 'image', driver, 'layerdb', 'sha256');
}

/**
 * diff id -> [bytes, instruction] of every layer of an image. The bytes are the engine's own record of the
 * layer (layerdb `size`, found by chain id); the instruction comes from `docker history`, matched from the newest
 * layer down (rows of 0 bytes are metadata).
 */
function layers(ref: string): Map<string, [number, string]> {
  const diffIds: string[] = JSON.parse(run(DOCKER, ['image', 'inspect', ref, '--format', '{{json .RootFS.Layers}}']));
  const rows = run(DOCKER, ['history', '--no-trunc', '--human=false', '--format', '{{.Size}}\t{{.CreatedBy}}', ref])
    .split('\n').map((l) => l.split('\t')).filter(([size]) => Number(size) > 0);
  const out = new Map<string, [number, string]>();
  let chain = '';
  diffIds.forEach((d, i) => {
    chain = i === 0 ? d : `sha256:${createHash('sha256').update(`${chain} ${d}`).digest('hex')}`;
    const bytes = Number(fs.readFileSync(path.join(layerDbDir(), chain.replace('sha256:', ''), 'size'), 'utf8'));
    const row = rows[diffIds.length - 1 - i];
    out.set(d, [bytes, (row?.[1] ?? '').replace(/\s+/g, ' ').slice(0, 120)]);
  });
  return out;
}

function newLayers(ref: string, before: Map<string, [number, string]>): Omit<Step, 'seconds'> {
  const added = [...layers(ref)].filter(([d]) => !before.has(d));
  return { newBytes: added.reduce((n, [, [b]]) => n + b, 0), newLayers: added.length, newSteps: added.map(([, [, s]]) => s) };
}

function build(v: Variant, tag: string, noCache: boolean): number {
  const env = { DOCKER_BUILDKIT: v.builder === 'buildkit' ? '1' : '0' };
  const start = process.hrtime.bigint();
  run(DOCKER, ['build', '--network', 'host', '--target', 'production', ...(noCache ? ['--no-cache'] : []), '-f', v.dockerfile, '-t', tag, v.context], env);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function edit(file: string, line: string, json: boolean): void {
  if (json) {
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
    pkg.description = `${pkg.description ?? ''} ${line}`.trim();
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
  } else {
    fs.appendFileSync(file, `\n${line}\n`);
  }
}

/** The first image of the final stage's FROM chain (through the stages it names): its layers are not new in a cold build. */
function finalBase(dockerfile: string): string {
  const froms = new Map([...fs.readFileSync(dockerfile, 'utf8').matchAll(/^FROM\s+(\S+)\s+AS\s+(\S+)\s*$/gm)].map((m) => [m[2], m[1]]));
  let from = froms.get('production')!;
  while (froms.has(from)) from = froms.get(from)!;
  return from;
}

/** Free bytes the engine's root must keep for the next round (vfs: a full copy of a root file system per step). */
const MIN_FREE_BYTES = 8e9;
function checkDiskRoom(): void {
  const { rootDir } = engineInfo();
  const st = fs.statfsSync(rootDir);
  const free = Number(st.bavail) * Number(st.bsize);
  if (free < MIN_FREE_BYTES) {
    run(DOCKER, ['builder', 'prune', '-af'], { DOCKER_BUILDKIT: '1' }, true);
    throw new Error(`bench:build: the engine's root ${rootDir} must have ${MIN_FREE_BYTES / 1e9} GB free for the next round; received ${(free / 1e9).toFixed(1)} GB free (BENCH_REPEAT=${process.env.BENCH_REPEAT ?? 5}): lower BENCH_REPEAT or bench fewer images (BENCH_IMAGES)`);
  }
}

const median = (runs: number[]) => [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
const comment = (f: string) => (f.endsWith('.py') || f.endsWith('.toml') ? '#' : f.endsWith('.html') ? '<!--' : '//');
const close = (f: string) => (f.endsWith('.html') ? ' -->' : '');

/**
 * All variants of one image, interleaved: the cold builds, then BENCH_REPEAT (default 5) rounds of source-only
 * rebuilds and as many of dependency rebuilds, each round one edit and one rebuild per variant, the order rotated
 * each round, so a drift in the machine's speed (other work, the page cache, the engine's growing state) hits
 * every variant alike. After each round the untagged images are removed (with vfs every layer is a full copy of
 * its root file system); the build cache is kept until the image's last round, as a user's engine keeps it.
 */
function child(specFile: string, outFile: string): void {
  const vs: Variant[] = JSON.parse(fs.readFileSync(specFile, 'utf8'));
  const tag = (v: Variant) => `pc-bench-${v.image}-${v.variant}:${v.builder}`;
  const name = (v: Variant) => `${v.image}/${v.variant}/${v.builder}`;
  // Cold: no layer cache, and BuildKit's cache mounts emptied once, before the first cold build (only the
  // variant with mounts uses them; the classic builder's cache is its images, which --no-cache skips).
  run(DOCKER, ['builder', 'prune', '-f', '--filter', 'type=exec.cachemount'], { DOCKER_BUILDKIT: '1' });
  const cold = new Map<Variant, Step>();
  for (const v of vs) {
    run('sync', []);
    const seconds = build(v, tag(v), true);
    cold.set(v, { seconds, ...newLayers(tag(v), layers(finalBase(v.dockerfile))) });
    console.error(`  ${name(v)}: cold ${seconds.toFixed(1)} s`);
  }
  // Each variant rebuilt once, untimed and unedited, before the rounds: variants share the steps they have in
  // common (the base stage) in one cache, so after the cold builds BuildKit may answer a variant's step with the
  // layer another variant's cold build made (apt-get's layers differ in their timestamps), and the first timed
  // rebuild would count that swap as new layers it wrote. After this, only the edits make new layers.
  for (const v of vs) build(v, tag(v), false);
  run(DOCKER, ['image', 'prune', '-f'], {}, true);
  const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 5));
  const rounds = (kind: 'source-only' | 'dependency'): Map<Variant, Step> => {
    const runs = new Map<Variant, number[]>(vs.map((v) => [v, []]));
    const first = new Map<Variant, Omit<Step, 'seconds'>>();
    for (let round = 0; round < repeat; round++) {
      for (let k = 0; k < vs.length; k++) {
        const v = vs[(k + round) % vs.length];
        const file = path.join(v.context, kind === 'source-only' ? v.sourceFile : v.dependencyFile);
        const json = kind === 'dependency' && file.endsWith('.json');
        const before = first.has(v) ? undefined : layers(tag(v));
        edit(file, `${comment(file)} bench: ${kind} change ${Date.now()}${json ? '' : close(file)}`, json);
        // Each timed rebuild starts with nothing left to write back from the work before it (vfs writes a full
        // copy of a root file system per layer; its write-back otherwise lands in the next build's time).
        run('sync', []);
        runs.get(v)!.push(build(v, tag(v), false));
        // The new layers of the first rebuild (the later ones replace the same layers).
        if (before) first.set(v, newLayers(tag(v), before));
      }
      // The images this round replaced. The build cache stays until the image's last round: `builder prune`
      // without `--all` also drops what no image holds (the build stage's `npm ci`, BuildKit's cache mounts), so
      // the next round rebuilt those, and `--filter until=` drops unchanged steps (a cache hit does not renew a
      // record's age). A user's cache keeps both.
      run(DOCKER, ['image', 'prune', '-f'], {}, true);
      checkDiskRoom();
    }
    for (const v of vs) console.error(`  ${name(v)}: ${kind} ${runs.get(v)!.map((r) => r.toFixed(1)).join(', ')} s`);
    return new Map(vs.map((v) => [v, { seconds: median(runs.get(v)!), runs: runs.get(v)!, ...first.get(v)! }]));
  };
  const source = rounds('source-only');
  const dependency = rounds('dependency');
  const results: Result[] = vs.map((v) => {
    const imageBytes = Number(run(DOCKER, ['image', 'inspect', tag(v), '--format', '{{.Size}}']));
    run(DOCKER, ['rmi', tag(v)], {}, true);
    return {
      image: v.image,
      variant: v.variant,
      builder: v.builder,
      cold: cold.get(v)!,
      source: source.get(v)!,
      dependency: dependency.get(v)!,
      imageBytes,
      measuredAt: new Date().toISOString(),
    };
  });
  run(DOCKER, ['image', 'prune', '-f'], {}, true);
  run(DOCKER, ['builder', 'prune', '-af'], { DOCKER_BUILDKIT: '1' }, true);
  fs.writeFileSync(outFile, JSON.stringify(results, null, 2));
}

// ---------------------------------------------------------------------------------------------
// Parent: the build contexts, one child per variant under the lock, the table.

const fullstack = path.join(ROOT, 'examples', 'fullstack');
const services = path.join(ROOT, 'examples', 'services');

interface ImageSpec {
  readonly name: string;
  /** The example service folder whose sources are the build context. */
  readonly source: string;
  readonly sourceFile: string;
  readonly dependencyFile: string;
  /** Declares the image's example in `project` (the service's id = name) with or without build mounts on this service. */
  readonly declare: (project: Project, buildMounts: boolean) => void;
  /** Whether the preset has build mounts at all. */
  readonly mounts: boolean;
  /** The task's original Dockerfile (bench/task-originals/), when the task has one. */
  readonly original?: string;
  /** The committed example Dockerfile the default variant must equal (below the projen marker). */
  readonly committed?: string;
}

const IMAGES: ImageSpec[] = [
  {
    name: 'backend',
    source: path.join(fullstack, 'backend'),
    sourceFile: 'app/main.py',
    dependencyFile: 'pyproject.toml',
    mounts: true,
    original: 'backend.Dockerfile',
    committed: path.join(fullstack, 'backend', 'Dockerfile'),
    declare: (project, buildMounts) => declareFullstack(project, { backend: { buildMounts } }),
  },
  {
    // The Debian-family variant of the example's frontend, as the engine test builds it (no Alpine packages here).
    name: 'frontend',
    source: path.join(fullstack, 'frontend'),
    sourceFile: 'index.html',
    dependencyFile: 'package.json',
    mounts: true,
    original: 'frontend.Dockerfile',
    // The engine's stand-ins are Debian images: the same nginx and node images as the engine test's frontend.
    declare: (project, buildMounts) => declareFullstack(project, {
      frontend: { nginxImage: 'nginx:1.27-bookworm', nodeImage: 'node:22-bookworm-slim', buildMounts },
    }),
  },
  {
    name: 'api',
    source: path.join(services, 'api'),
    sourceFile: 'server.js',
    dependencyFile: 'package.json',
    mounts: true,
    committed: path.join(services, 'api', 'Dockerfile'),
    declare: (project, buildMounts) => declareServices(project, { api: { buildMounts } }),
  },
  {
    name: 'server',
    source: path.join(services, 'server'),
    sourceFile: 'main.go',
    dependencyFile: 'go.mod',
    mounts: true,
    committed: path.join(services, 'server', 'Dockerfile'),
    declare: (project, buildMounts) => declareServices(project, { server: { buildMounts } }),
  },
];

const GENERATED_FILES = ['Dockerfile', '.dockerignore', 'nginx.conf'];
const body = (text: string) => text.split('\n').filter((l) => !l.startsWith('# ~~ Generated by projen')).join('\n');

/** A temp build context: the example's sources, plus the Dockerfile of the variant. */
function context(work: string, spec: ImageSpec, variant: string, buildMounts: boolean | 'original'): { context: string; dockerfile: string } {
  const dir = path.join(work, variant);
  const ctx = path.join(dir, spec.name);
  fs.cpSync(spec.source, ctx, { recursive: true, filter: (p) => !/node_modules|[/\\](dist|\.venv)([/\\]|$)/.test(path.relative(spec.source, p)) });
  if (buildMounts === 'original') {
    const dockerfile = path.join(dir, 'Dockerfile');
    fs.copyFileSync(path.join(ROOT, 'bench', 'task-originals', spec.original!), dockerfile);
    return { context: ctx, dockerfile };
  }
  for (const f of GENERATED_FILES) fs.rmSync(path.join(ctx, f), { force: true });
  const project = new Project({ name: 'bench', outdir: dir });
  spec.declare(project, buildMounts);
  project.synth();
  const dockerfile = path.join(ctx, 'Dockerfile');
  if (buildMounts && spec.committed && body(fs.readFileSync(dockerfile, 'utf8')) !== body(fs.readFileSync(spec.committed, 'utf8'))) {
    throw new Error(`${spec.name}: the benchmark's Dockerfile differs from ${path.relative(ROOT, spec.committed)}: run npx projen example`);
  }
  return { context: ctx, dockerfile };
}

function variants(work: string, spec: ImageSpec): Variant[] {
  const out: Variant[] = [];
  const add = (variant: string, builder: Builder, mounts: boolean | 'original') => {
    const c = context(work, spec, `${variant}-${builder}`, mounts);
    out.push({ image: spec.name, variant, builder, ...c, sourceFile: spec.sourceFile, dependencyFile: spec.dependencyFile });
  };
  if (spec.mounts) add('mounts', 'buildkit', true);
  add('no-mounts', 'buildkit', false);
  add('no-mounts', 'classic', false);
  if (spec.original) add('task-original', 'buildkit', 'original');
  return out;
}

const fmtS = (s: number) => `${s.toFixed(1)} s`;
const fmtB = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : b >= 1e3 ? `${(b / 1e3).toFixed(1)} kB` : `${b} B`);
const cell = (s: Step) => `${fmtS(s.seconds)} / ${fmtB(s.newBytes)} (${s.newLayers})`;
const label = (r: Result) => `${r.variant === 'mounts' ? 'generated, build mounts' : r.variant === 'no-mounts' ? 'generated, no mounts' : "task's original"} (${r.builder === 'buildkit' ? 'BuildKit' : 'classic'})`;

/**
 * Each generated BuildKit variant against the task's original of the same image, round by round: a rebuild of both
 * ran in every round, so the difference of a round's two times is free of the machine's drift between rounds.
 * Only pairs measured in the same run (the same child: the same number of rebuilds, measured within a minute).
 */
function pairs(results: Result[]): string {
  const lines: string[] = [];
  const sign = (d: number) => {
    const t = Math.round(d * 10) / 10;
    return `${t > 0 ? '+' : t < 0 ? '-' : '±'}${Math.abs(t).toFixed(1)} s`;
  };
  for (const o of results.filter((r) => r.variant === 'task-original')) {
    for (const g of results.filter((r) => r.image === o.image && r.variant !== 'task-original' && r.builder === 'buildkit')) {
      if (Math.abs(Date.parse(g.measuredAt) - Date.parse(o.measuredAt)) > 60_000) continue;
      const kinds: string[] = [];
      for (const [k, a, b] of [['(b)', g.source, o.source], ['(c)', g.dependency, o.dependency]] as const) {
        if (!a.runs || !b.runs || a.runs.length !== b.runs.length) continue;
        const d = a.runs.map((x, i) => x - b.runs![i]);
        kinds.push(`${k} ${sign(median(d))} (median of ${d.length} rounds; not slower by more than 0.05 s in ${d.filter((x) => x <= 0.05).length} of ${d.length})`);
      }
      if (kinds.length > 0) lines.push(`- ${o.image}, ${label(g)} against the task's original, paired by round: ${kinds.join('; ')}`);
    }
  }
  return lines.join('\n');
}

function table(results: Result[]): string {
  const lines = [
    '| image | Dockerfile (builder) | (a) cold | (b) source-only change | (c) dependency change | image size |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(`| ${r.image} | ${label(r)} | ${cell(r.cold)} | ${cell(r.source)} | ${cell(r.dependency)} | ${fmtB(r.imageBytes)} |`);
  }
  return lines.join('\n');
}

function parent(): void {
  const only = process.env.BENCH_IMAGES?.split(',').filter(Boolean);
  const onlyVariants = process.env.BENCH_VARIANTS?.split(',').filter(Boolean);
  const specs = IMAGES.filter((s) => !only || only.includes(s.name));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bench-build-'));
  const previous = lastResults();
  const fresh: Result[] = [];
  const start = Date.now();
  for (const spec of specs) {
    const vs = variants(path.join(work, spec.name), spec).filter((v) => !onlyVariants || onlyVariants.includes(`${v.variant}-${v.builder}`));
    if (vs.length === 0) continue;
    const specFile = path.join(work, `${spec.name}.json`);
    const outFile = specFile.replace(/\.json$/, '.result.json');
    fs.writeFileSync(specFile, JSON.stringify(vs));
    console.error(`bench:build ${spec.name}: ${vs.map((v) => `${v.variant} (${v.builder})`).join(', ')}: waiting for the engine lock`);
    // One image per lock: other helpers' engine runs interleave between images.
    const tsNode = [require.resolve('ts-node/dist/bin.js'), '--transpile-only', '--project', path.join(ROOT, 'projenrc', 'tsconfig.json')];
    const r = spawnSync('flock', [LOCK, process.execPath, ...tsNode, __filename, '--child', specFile, outFile], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: process.env,
    });
    if (r.status !== 0) throw new Error(`bench:build ${spec.name} failed (exit ${r.status})`);
    fresh.push(...JSON.parse(fs.readFileSync(outFile, 'utf8')));
  }
  fs.rmSync(work, { recursive: true, force: true });
  const key = (r: Result) => `${r.image}/${r.variant}/${r.builder}`;
  const freshKeys = new Set(fresh.map(key));
  const order = (r: Result) => IMAGES.findIndex((s) => s.name === r.image) * 10 + ['mounts', 'no-mounts', 'task-original'].indexOf(r.variant) * 2 + (r.builder === 'classic' ? 1 : 0);
  const all = [...previous.filter((r) => !freshKeys.has(key(r))), ...fresh].sort((a, b) => order(a) - order(b));
  writeTable(all);
  console.log(`bench:build: ${fresh.length} variant(s) measured in ${((Date.now() - start) / 1000).toFixed(0)} s; each cell: wall time ((b), (c): the median of each variant's rebuilds) / bytes of new layers in the final image (their count)`);
  for (const r of all.filter((x) => x.variant === 'mounts' || (x.variant === 'no-mounts' && !IMAGES.find((i) => i.name === x.image)?.mounts))) {
    console.log(`${r.image} (${label(r)}) source-only rebuild, new layers: ${r.source.newSteps.join(' | ') || 'none'}`);
  }
}

/** The last results: bench/results/build.json, else the published bench/published/build.json, else none. */
function lastResults(): Result[] {
  const file = [path.join(RESULTS, 'build.json'), path.join(PUBLISHED, 'build.json')].find((f) => fs.existsSync(f));
  return file ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
}

/**
 * Writes the table (and the paired differences) of `all` to bench/results/build.md, beside its data in build.json
 * (untracked; `npx projen bench:publish build` puts them into docs/performance.md and bench/published/).
 */
function writeTable(all: Result[]): void {
  const paired = pairs(all);
  const text = table(all) + (paired ? `\n\n${paired}` : '');
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, 'build.json'), JSON.stringify(all, null, 2) + '\n');
  fs.writeFileSync(path.join(RESULTS, 'build.md'), text + '\n');
  console.log(text);
  console.error('bench:build: results in bench/results/build.json and build.md; `npx projen bench:publish build` puts them into docs/performance.md');
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4]);
else if (process.argv[2] === '--table') writeTable(lastResults());
else if (process.argv[2] === '--layers') console.log([...layers(process.argv[3])]);
else parent();
