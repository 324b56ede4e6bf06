/**
 * API reference completeness: reads the jsii assembly (`.jsii`, what jsii-docgen renders into API.md and what
 * jsii-pacmak turns into the Python module) and fails for every public symbol a reader would meet without a
 * description.
 *
 * Rules:
 * - every type, property, method, initializer, parameter and enum member has a summary;
 * - every optional property (struct field or class property) names its `@default`;
 * - every class, interface (struct) and enum has a `@see` link to the reference it follows;
 * - a `@throws` tag, when present, is not empty.
 *
 * The assembly is rebuilt (`npx projen compile`) when it is missing or older than a file under `src/`, so the
 * test also works on a fresh clone where `test` runs before `compile`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

const ROOT = path.join(__dirname, '..');
const ASSEMBLY = path.join(ROOT, '.jsii');

interface Docs {
  readonly summary?: string;
  readonly remarks?: string;
  readonly default?: string;
  readonly see?: string;
  readonly custom?: Record<string, string>;
}
interface Parameter {
  readonly name: string;
  readonly docs?: Docs;
}
interface Callable {
  readonly name?: string;
  readonly docs?: Docs;
  readonly parameters?: Parameter[];
}
interface Property {
  readonly name: string;
  readonly docs?: Docs;
  readonly optional?: boolean;
}
interface TypeDef {
  readonly fqn: string;
  readonly kind: 'class' | 'interface' | 'enum';
  readonly datatype?: boolean;
  readonly docs?: Docs;
  readonly initializer?: Callable;
  readonly methods?: Callable[];
  readonly properties?: Property[];
  readonly members?: Array<{ readonly name: string; readonly docs?: Docs }>;
}
interface Assembly {
  readonly name: string;
  readonly types: Record<string, TypeDef>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function loadAssembly(): Assembly {
  const stale = !fs.existsSync(ASSEMBLY) || fs.statSync(ASSEMBLY).mtimeMs < newestMtime(path.join(ROOT, 'src'));
  if (stale) {
    execFileSync('npx', ['projen', 'compile'], { cwd: ROOT, stdio: 'pipe' });
  }
  const raw = JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8'));
  if (raw.schema === 'jsii/file-redirect') {
    return JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(ROOT, raw.filename))).toString('utf8'));
  }
  return raw;
}

function hasText(s: string | undefined): boolean {
  return typeof s === 'string' && s.trim().length > 0;
}

/** Every gap in the assembly's docs, one line each: `<symbol>: <what is missing>`. */
function docGaps(assembly: Assembly): string[] {
  const gaps: string[] = [];
  const callable = (owner: string, c: Callable, label: string) => {
    const name = `${owner}.${label}`;
    if (!hasText(c.docs?.summary)) gaps.push(`${name}: no summary`);
    const paramOwner = `${owner}.${c.name ?? 'constructor'}`;
    if (c.docs?.custom && 'throws' in c.docs.custom && !hasText(c.docs.custom.throws)) {
      gaps.push(`${name}: empty @throws`);
    }
    for (const p of c.parameters ?? []) {
      if (!hasText(p.docs?.summary)) gaps.push(`${paramOwner}(${p.name}): parameter has no description`);
    }
  };
  for (const t of Object.values(assembly.types)) {
    const name = t.fqn.replace(`${assembly.name}.`, '');
    if (!hasText(t.docs?.summary)) gaps.push(`${name}: no summary`);
    if (!hasText(t.docs?.see)) gaps.push(`${name}: no @see`);
    if (t.initializer) callable(name, t.initializer, 'constructor');
    for (const m of t.methods ?? []) callable(name, m, `${m.name}()`);
    for (const p of t.properties ?? []) {
      if (!hasText(p.docs?.summary)) gaps.push(`${name}.${p.name}: no summary`);
      if (p.optional && !hasText(p.docs?.default)) gaps.push(`${name}.${p.name}: optional without @default`);
    }
    for (const m of t.members ?? []) {
      if (!hasText(m.docs?.summary)) gaps.push(`${name}.${m.name}: no summary`);
    }
  }
  return gaps.sort();
}

/** Gaps that cannot be closed by a docstring here, each with its reason (none now). The list only shrinks. */
const KNOWN_GAPS: string[] = [];

describe('API reference (.jsii assembly)', () => {
  const assembly = loadAssembly();

  test('declares the public types', () => {
    const names = Object.keys(assembly.types).map((fqn) => fqn.replace(`${assembly.name}.`, ''));
    for (const t of ['Duration', 'HealthCheck', 'HealthTiming', 'FastApiBackend', 'StaticFrontend', 'Dockerfile', 'Instruction']) {
      expect(names).toContain(t);
    }
  });

  test('every type, member, parameter and enum member is described; optional properties name a @default; types @see a reference', () => {
    const gaps = docGaps(assembly);
    expect(gaps.filter((g) => !KNOWN_GAPS.includes(g))).toEqual([]);
    // A known gap that is now closed must leave the list.
    expect(KNOWN_GAPS.filter((g) => !gaps.includes(g))).toEqual([]);
  });

  test('API.md is what jsii-docgen renders from the assembly, and describes every symbol but the inherited Component.project', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'api-md-')), 'API.md');
    execFileSync('npx', ['jsii-docgen', '-o', out], { cwd: ROOT, stdio: 'pipe' });
    const rendered = fs.readFileSync(out, 'utf8');
    // Stale API.md: run `npx projen docgen` and commit it.
    expect(fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8')).toEqual(rendered);
    const undocumented = rendered.split('\n').filter((l) => l.includes('*No description.*'))
      .map((l) => /href="#([^"]+)"/.exec(l)?.[1] ?? l);
    // projen's own Component.project has no docstring (node_modules/projen/.jsii), and API.md repeats it for every
    // component subclass.
    const inherited = /^projen-containers\.[A-Za-z]+\.property\.project$/;
    expect(undocumented.filter((a) => !inherited.test(a))).toEqual([]);
  });

  test('the checker reports each kind of gap', () => {
    const gaps = docGaps({
      name: 'x',
      types: {
        'x.Bare': {
          fqn: 'x.Bare',
          kind: 'class',
          initializer: { parameters: [{ name: 'scope' }] },
          methods: [{ name: 'render', docs: { summary: 'Renders.', custom: { throws: '' } } }],
          properties: [{ name: 'port', optional: true, docs: { summary: 'The port.' } }],
        },
        'x.Kind': { fqn: 'x.Kind', kind: 'enum', docs: { summary: 'A kind.', see: 'https://example.org' }, members: [{ name: 'A' }] },
      },
    });
    expect(gaps).toEqual([
      'Bare.constructor(scope): parameter has no description',
      'Bare.constructor: no summary',
      'Bare.port: optional without @default',
      'Bare.render(): empty @throws',
      'Bare: no @see',
      'Bare: no summary',
      'Kind.A: no summary',
    ]);
  });
});
