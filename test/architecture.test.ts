/**
 * The import graph of `src/`: imports only point down (to the same folder or to a folder of a lower layer) and no
 * file imports itself back through others. The layer table below is the one statement of the order;
 * docs/architecture.md shows it (checked here too).
 *
 * A file's unit is its folder under `src/` (`src/health/_timing.ts` -> `health`); a file directly in `src/` is in `.`
 * (the ground floor) except `src/index.ts`, the package root, which is its own unit on top. Every import counts:
 * `import type`, `export ... from`, `import()` and `require()` alike.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');

/** The layers of `src/`, lowest first; folders of one layer may not import each other. */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['.'],
  ['container', 'images'],
  ['health'],
  ['dockerfile', 'kubernetes'],
  ['service'],
  ['outputs', 'presets'],
  ['check'],
  ['index.ts'],
];

type Graph = ReadonlyMap<string, readonly string[]>;

/**
 * The rooms of `src/check/`, in pipeline order: a room imports only its own files and the rooms before it, another
 * room only through its `index.ts`; the files directly in `src/check/` (the pipeline, the CLI, the task) may use all.
 */
const CHECK_ROOMS: readonly string[] = ['read', 'pair', 'rules', 'adopt', 'report'];

/** The relative module specifiers a source text imports, re-exports, `import()`s or `require()`s. */
function specifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.'));
}

/** The `.ts` file a relative specifier names (`./x` -> `x.ts` or `x/index.ts`), relative to ROOT; undefined if none. */
function resolve(from: string, spec: string): string | undefined {
  const base = path.join(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((f) => f.endsWith('.ts') && fs.existsSync(path.join(ROOT, f)));
}

/** Every `src/**\/*.ts`, relative to ROOT with `/` separators, and the files each imports. */
function importGraph(dir = 'src'): { graph: Graph; unresolved: string[] } {
  const graph = new Map<string, string[]>();
  const unresolved: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const f = `${d}/${e.name}`;
      if (e.isDirectory()) {
        walk(f);
      } else if (f.endsWith('.ts')) {
        const targets: string[] = [];
        for (const s of specifiers(fs.readFileSync(path.join(ROOT, f), 'utf8'))) {
          const t = resolve(f, s);
          if (t === undefined) unresolved.push(`${f} imports '${s}', which names no .ts file`);
          else targets.push(t.split(path.sep).join('/'));
        }
        graph.set(f, [...new Set(targets)]);
      }
    }
  };
  walk(dir);
  return { graph, unresolved };
}

/** The unit of a file under `src/`: its folder, `.` for the ground floor, `index.ts` for the package root. */
function unitOf(file: string): string {
  const parts = file.split('/').slice(1);
  if (parts.length > 1) return parts[0];
  return parts[0] === 'index.ts' ? 'index.ts' : '.';
}

/**
 * The imports that break the layering, one line each: `src/x/a.ts imports src/y/b.ts: y is above x` (or beside it,
 * in the same layer), and the files of a unit the table does not place.
 */
function layerViolations(graph: Graph, layers: ReadonlyArray<readonly string[]>): string[] {
  const rank = new Map<string, number>();
  layers.forEach((units, i) => units.forEach((u) => rank.set(u, i)));
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = unitOf(from);
    const ra = rank.get(a);
    if (ra === undefined) {
      out.push(`${from} is in ${a}, which no layer holds: add ${a} to LAYERS in test/architecture.test.ts`);
      continue;
    }
    for (const to of targets) {
      const b = unitOf(to);
      const rb = rank.get(b);
      if (a === b || rb === undefined) continue;
      if (rb > ra) out.push(`${from} imports ${to}: ${b} is above ${a}`);
      else if (rb === ra) out.push(`${from} imports ${to}: ${b} is beside ${a} (same layer)`);
    }
  }
  return out;
}

/** The room of a file under `src/check/` (`top` for the files directly in it), undefined outside. */
function roomOf(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] !== 'src' || parts[1] !== 'check') return undefined;
  return parts.length > 3 ? parts[2] : 'top';
}

/** The imports between the rooms of `src/check/` that break the pipeline order or bypass a room's `index.ts`. */
function roomViolations(graph: Graph, rooms: readonly string[]): string[] {
  const rank = (room: string): number => (room === 'top' ? rooms.length : rooms.indexOf(room));
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = roomOf(from);
    if (a === undefined) continue;
    if (rank(a) < 0) {
      out.push(`${from} is in src/check/${a}/, which no room holds: add ${a} to CHECK_ROOMS in test/architecture.test.ts`);
      continue;
    }
    for (const to of targets) {
      const b = roomOf(to);
      if (b === undefined || a === b) continue;
      if (rank(b) > rank(a)) out.push(`${from} imports ${to}: ${b} comes after ${a}`);
      else if (b !== 'top' && !to.endsWith(`/${b}/index.ts`)) out.push(`${from} imports ${to}: use src/check/${b}/index.ts`);
    }
  }
  return out;
}

/** One import cycle per strongly connected group of files, as `a -> b -> ... -> a` (Tarjan, then a path back). */
function importCycles(graph: Graph): string[] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) groups.push(group);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return groups.map((group) => {
    // The shortest way back to the group's first file (breadth first, inside the group).
    const inGroup = new Set(group);
    const start = [...group].sort()[0];
    const back = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (w === start) {
          const cycle = [v];
          while (cycle[0] !== start) cycle.unshift(back.get(cycle[0])!);
          return [...cycle, start].join(' -> ');
        }
        if (inGroup.has(w) && !back.has(w)) {
          back.set(w, v);
          queue.push(w);
        }
      }
    }
    return group.join(' -> ');
  });
}

describe('the checkers, on small graphs', () => {
  const layers = [['.'], ['health'], ['outputs', 'presets'], ['index.ts']];

  test('an import of a higher layer is named with both files and both folders', () => {
    const graph = new Map([
      ['src/_validate.ts', []],
      ['src/health/_timing.ts', ['src/_validate.ts', 'src/health/health-timing.ts']],
      ['src/health/health-timing.ts', ['src/outputs/helm-values.ts']],
      ['src/outputs/helm-values.ts', ['src/health/_timing.ts', 'src/presets/_base.ts']],
      ['src/presets/_base.ts', ['src/index.ts']],
      ['src/index.ts', ['src/presets/_base.ts']],
      ['src/_yaml.ts', ['src/health/_timing.ts']],
    ]);
    expect(layerViolations(graph, layers)).toEqual([
      'src/health/health-timing.ts imports src/outputs/helm-values.ts: outputs is above health',
      'src/outputs/helm-values.ts imports src/presets/_base.ts: presets is beside outputs (same layer)',
      'src/presets/_base.ts imports src/index.ts: index.ts is above presets',
      'src/_yaml.ts imports src/health/_timing.ts: health is above .',
    ]);
  });

  test('a folder no layer holds is named', () => {
    expect(layerViolations(new Map([['src/widgets/a.ts', []]]), layers)).toEqual([
      'src/widgets/a.ts is in widgets, which no layer holds: add widgets to LAYERS in test/architecture.test.ts',
    ]);
  });

  test('a cycle is named as the path around it, inside one folder too', () => {
    const graph = new Map([
      ['src/check/_tools.ts', ['src/check/_read-dockerfile.ts', 'src/_images.ts']],
      ['src/check/_read-dockerfile.ts', ['src/check/_tools.ts']],
      ['src/_images.ts', []],
      ['src/a.ts', ['src/b.ts']],
      ['src/b.ts', ['src/c.ts']],
      ['src/c.ts', ['src/a.ts', 'src/_images.ts']],
      ['src/self.ts', ['src/self.ts']],
    ]);
    expect(importCycles(graph)).toEqual([
      'src/check/_read-dockerfile.ts -> src/check/_tools.ts -> src/check/_read-dockerfile.ts',
      'src/a.ts -> src/b.ts -> src/c.ts -> src/a.ts',
      'src/self.ts -> src/self.ts',
    ]);
    expect(importCycles(new Map([['src/a.ts', ['src/b.ts']], ['src/b.ts', []]]))).toEqual([]);
  });

  test('a room of src/check/ that imports a later room, or a file behind another room\'s index, is named', () => {
    const graph = new Map([
      ['src/check/read/_dockerfile.ts', ['src/check/rules/index.ts', 'src/_validate.ts']],
      ['src/check/rules/_ports.ts', ['src/check/read/_dockerfile.ts', 'src/check/read/index.ts']],
      ['src/check/report/_format.ts', ['src/check/_check.ts']],
      ['src/check/_check.ts', ['src/check/report/index.ts', 'src/check/read/index.ts']],
      ['src/check/extra/_x.ts', []],
    ]);
    expect(roomViolations(graph, ['read', 'rules', 'report'])).toEqual([
      'src/check/read/_dockerfile.ts imports src/check/rules/index.ts: rules comes after read',
      'src/check/rules/_ports.ts imports src/check/read/_dockerfile.ts: use src/check/read/index.ts',
      'src/check/report/_format.ts imports src/check/_check.ts: top comes after report',
      'src/check/extra/_x.ts is in src/check/extra/, which no room holds: add extra to CHECK_ROOMS in test/architecture.test.ts',
    ]);
  });

  test('every kind of import is read', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      'import {',
      '  c,',
      "} from './c';",
      "export * from './d';",
      "export { e } from './e';",
      "const f = require('./f');",
      "const g = import('./g');",
      "import * as fs from 'fs';",
      "// import { h } from './h' is a comment, not an import",
    ].join('\n');
    expect(specifiers(text)).toEqual(['./a', '../b', './c', './d', './e', './f', './g']);
  });
});

describe('src/', () => {
  const { graph, unresolved } = importGraph();

  test('is read whole', () => {
    expect(unresolved).toEqual([]);
    expect(graph.get('src/index.ts')).toContain('src/kubernetes/index.ts');
    expect(graph.get('src/kubernetes/_probes.ts')).toEqual(expect.arrayContaining(['src/kubernetes/container-probe-set.ts', 'src/health/_timing.ts']));
    expect(graph.size).toBeGreaterThan(90);
  });

  test('every import points to the same folder or a lower layer', () => {
    expect(layerViolations(graph, LAYERS)).toEqual([]);
  });

  test('no file imports itself through others', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  test('the rooms of src/check/ import only earlier rooms, through their index.ts', () => {
    expect(roomViolations(graph, CHECK_ROOMS)).toEqual([]);
    expect(CHECK_ROOMS.filter((r) => !graph.has(`src/check/${r}/index.ts`))).toEqual([]);
  });

  test('every layer names a folder that exists', () => {
    const units = new Set([...graph.keys()].map(unitOf));
    expect(LAYERS.flat().filter((u) => !units.has(u))).toEqual([]);
  });

  test('docs/architecture.md shows the same layers', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
    // The rows of the layer table: `| <n> | `a`, `b` | ... |`, lowest first.
    const rows = [...doc.matchAll(/^\| (\d+) \| ([^|]+) \|/gm)].map((m) => [...m[2].matchAll(/`([^`]+)`/g)].map((u) => u[1].replace(/^src\/|\/$/g, '') || '.'));
    expect(rows).toEqual(LAYERS.map((units) => [...units]));
  });
});
