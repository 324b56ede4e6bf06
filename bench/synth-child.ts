// One synthesis in a fresh process (started by bench/synth.ts): builds a project with projen-containers
// ("lib") or the same files written by plain projen TextFiles ("bare"), synthesizes it into a temporary
// directory and prints one JSON line: times in ms and the process's peak RSS (process.resourceUsage().maxRSS).
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';

/** What the parent asks for (argv[2], JSON). */
export interface ChildRequest {
  /**
   * lib: the library's containers; bare: the same files written by plain projen components (YamlFile for
   * the Kubernetes snippets, TextFile for the rest); bare-text: TextFiles only.
   */
  readonly mode: 'lib' | 'bare' | 'bare-text';
  /** series: N containers alternating FastApiBackend and StaticFrontend; example: examples/fullstack. */
  readonly shape: 'series' | 'example';
  readonly containers: number;
  readonly outdir: string;
  /** bare: the files to write (from a lib run); lib: where to write them after the measurement, if set. */
  readonly manifest?: string;
}

/** What the child prints. */
export interface ChildResult {
  /** require('projen') (and the library in lib mode). */
  readonly loadMs: number;
  /** Constructing the project and its components. */
  readonly constructMs: number;
  /** project.synth(): preSynthesize, rendering, writing the files. */
  readonly synthMs: number;
  /** loadMs + constructMs + synthMs. */
  readonly totalMs: number;
  /** CPU time (user + system) of the same span, ms: what the wall time is on an idle machine, less I/O waits. */
  readonly cpuMs: number;
  /** Peak resident set size of this process, KiB. */
  readonly maxRssKb: number;
  /** Files the project wrote (projen's files.json count). */
  readonly files: number;
}

interface ManifestEntry {
  readonly path: string;
  readonly content: string;
  /** For YAML files: the parsed document (what a YamlFile would be given). */
  readonly obj?: unknown;
}

function main(): void {
  const req: ChildRequest = JSON.parse(process.argv[2]);
  // The bare project's files are read before the clock starts: a hand-written .projenrc.ts would hold them as literals.
  const manifest: ManifestEntry[] = req.mode === 'lib' ? [] : JSON.parse(fs.readFileSync(req.manifest!, 'utf8'));

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // Loaded inside the measurement: module loading is part of what `npx projen` costs.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const projen: typeof import('projen') = require('projen');
  const lib: typeof import('../src') | undefined = req.mode === 'lib' ? require('../src') : undefined;
  const fullstack: typeof import('../examples/fullstack/declare') | undefined =
    req.mode === 'lib' && req.shape === 'example' ? require('../examples/fullstack/declare') : undefined;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const t1 = performance.now();

  const project = new projen.Project({ name: req.shape === 'example' ? 'fullstack-example' : 'bench', outdir: req.outdir });
  if (req.shape === 'example') new projen.typescript.ProjenrcTs(project);
  // What the example declared (its containers and outputs): the files they write are the bare project's manifest.
  let declared: object[] = [];
  if (fullstack) {
    // examples/fullstack/.projenrc.ts, as it is.
    declared = Object.values(fullstack.declareFullstack(project));
  } else if (lib) {
    for (let i = 0; i < req.containers; i++) {
      if (i % 2 === 0) new lib.FastApiBackend(project, `backend-${i}`, { name: `backend-${i}` });
      else new lib.StaticFrontend(project, `frontend-${i}`, { name: `frontend-${i}` });
    }
  } else {
    for (const f of manifest) {
      if (f.obj !== undefined && req.mode === 'bare') new projen.YamlFile(project, f.path, { obj: f.obj, readonly: true, committed: true });
      else new projen.TextFile(project, f.path, { lines: f.content.replace(/\n$/, '').split('\n'), readonly: true, committed: true });
    }
  }
  const t2 = performance.now();
  project.synth();
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);

  const files: string[] = JSON.parse(fs.readFileSync(path.join(req.outdir, '.projen', 'files.json'), 'utf8')).files;
  const result: ChildResult = {
    loadMs: t1 - t0,
    constructMs: t2 - t1,
    synthMs: t3 - t2,
    totalMs: t3 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKb: process.resourceUsage().maxRSS,
    files: files.length,
  };
  if (lib && req.manifest) {
    // After the measurement: every file a container wrote, for the bare project of the same shape.
    const entries: ManifestEntry[] = project.files
      .filter((f) => f.node.scopes.some((s) => s instanceof lib.ContainerService || declared.includes(s)))
      .map((f) => {
        const content = fs.readFileSync(path.join(req.outdir, f.path), 'utf8');
        // One YAML document: what a YamlFile is given; several (the kustomize patches): a TextFile, as plain projen would.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const docs = /\.ya?ml$/.test(f.path) ? (require('yaml') as typeof import('yaml')).parseAllDocuments(content) : [];
        const obj = docs.length === 1 ? docs[0].toJS() : undefined;
        return { path: f.path, content, obj };
      });
    fs.writeFileSync(req.manifest, JSON.stringify(entries));
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main();
