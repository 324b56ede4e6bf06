/**
 * Random valid models for the property tests, and read-back of the generated files.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { Project } from 'projen';
import * as YAML from 'yaml';
import {
  CheckTool,
  Duration,
  FastApiBackend,
  FastApiBackendOptions,
  HealthCheck,
  HttpScheme,
  StartPeriodMapping,
  StaticFrontend,
  StaticFrontendOptions,
} from '../../src';
import { IMAGE_ACCOUNTS } from '../../src/images/_facts';

/** Seeded so that a failure reproduces: FC_SEED=<seed> npx jest test/property. */
export const SEED = Number(process.env.FC_SEED ?? 20261130);
/** Models per property; CI runs the default (10,000 valid models across the two presets). */
export const RUNS = Number(process.env.FC_RUNS ?? 5000);

const lower = 'abcdefghijklmnopqrstuvwxyz';
const alnum = `${lower}0123456789`;
const chars = (set: string) => fc.constantFrom(...set.split(''));
const str = (set: string, min: number, max: number) => fc.string({ unit: chars(set), minLength: min, maxLength: max });

export const pathSegment = str(`${alnum}ABCXYZ._~-`, 1, 12);
/** Any RFC 3986 path and query characters the validator allows, including shell metacharacters. */
const queryChars = `${alnum}-._~!$&'()*+,;=:@/?`;
export const httpPath = fc
  .tuple(fc.array(pathSegment, { minLength: 0, maxLength: 4 }), fc.option(str(queryChars, 0, 20), { nil: undefined }))
  .map(([segs, q]) => `/${segs.join('/')}${q !== undefined ? `?${q}` : ''}`);
/** Paths nginx can hold in a `location =` (the frontend's readiness path). */
export const nginxPath = fc.array(pathSegment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}`);

/** Header-name characters the Kubernetes API server accepts (`[-A-Za-z0-9]+`; `_`, `.` and the other RFC 7230 token characters are refused). */
const headerNameChars = `${alnum}ABCDEFGHIJKLMNOPQRSTUVWXYZ-`;
const visible = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('');
export const headers = fc.dictionary(
  str(headerNameChars, 1, 12),
  fc.tuple(str(visible, 1, 10), str(`${visible} `, 0, 10), str(visible, 0, 1)).map(([a, b, c]) => `${a}${b}${c}`.trimEnd()),
  { maxKeys: 3 },
).filter((h) => new Set(Object.keys(h).map((k) => k.toLowerCase())).size === Object.keys(h).length);

export const timing = fc
  .record({ interval: fc.integer({ min: 1, max: 600 }), retries: fc.integer({ min: 1, max: 10 }), startPeriod: fc.integer({ min: 1, max: 3600 }) })
  .chain((t) =>
    fc.record({
      interval: fc.constant(t.interval),
      retries: fc.constant(t.retries),
      startPeriod: fc.constant(t.startPeriod),
      timeout: fc.integer({ min: 1, max: t.interval }),
      startInterval: fc.integer({ min: 1, max: t.interval }),
    }),
  );

export const accountName = fc
  .tuple(chars(`${lower}_`), str(`${alnum}_-`, 0, 20))
  .map(([a, b]) => a + b)
  .filter((n) => n !== 'root' && !IMAGE_ACCOUNTS.has(n));
/** Ids of accounts the image creates: 1000 and up (below is the base images' system range, refused). */
export const id = fc.integer({ min: 1000, max: 2147483647 });
/** Label values: any text without control characters (unicode, quotes, `$`, backslashes). */
export const labelValue = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
  .map((s) => s.replace(/[\u0000-\u001f\u007f]/g, ''))
  .filter((s) => s.trim().length > 0 && !/^['"]/.test(s));
const PROTECTED = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/sbin', '/sys', '/usr', '/app'];
/** Writable paths: normalized, and not over a directory the image needs (those are refused). */
export const absPath = fc
  .array(str(`${alnum}_-`, 1, 8), { minLength: 1, maxLength: 3 })
  .map((s) => `/${s.join('/')}`)
  .filter((p) => !PROTECTED.some((q) => p === q || p.startsWith(`${q}/`)));
export const writablePaths = fc
  .uniqueArray(absPath, { minLength: 1, maxLength: 3, selector: (p) => p.replace(/^\/+|\/+$/g, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase() });

export interface HttpModel {
  readonly kind: 'httpGet';
  readonly path: string;
  readonly scheme: HttpScheme;
  readonly headers: Record<string, string>;
}
export interface TcpModel {
  readonly kind: 'tcpSocket';
}
export interface ExecModel {
  readonly kind: 'exec';
  readonly command: string[];
}
export type CheckModel = HttpModel | TcpModel | ExecModel;

export const httpCheck = (p: fc.Arbitrary<string>) =>
  // The presets serve plain HTTP (HTTPS is refused, see validation tests).
  fc.record({ kind: fc.constant('httpGet' as const), path: p, scheme: fc.constant(HttpScheme.HTTP), headers });
export const execCheck = fc.record({
  kind: fc.constant('exec' as const),
  // Argv words only: a word a shell would interpret (HealthCheck.exec refuses it) is left out.
  command: fc.array(str(`${visible} `, 1, 12).filter((s) => s.trim().length > 0 && !/^(?:\|\||&&|;;?|\||&|!|[0-9]*(?:>>?|<<?|>&|<&)\S*)$/.test(s) && !/\$[A-Za-z_{(?#@*!$0-9]|`/.test(s)), { minLength: 1, maxLength: 4 }),
});

export function toHealthCheck(m: CheckModel): HealthCheck {
  if (m.kind === 'httpGet') return HealthCheck.httpGet({ path: m.path, scheme: m.scheme, headers: m.headers });
  if (m.kind === 'tcpSocket') return HealthCheck.tcpSocket();
  return HealthCheck.exec(m.command);
}

export interface CommonModel {
  readonly port: number;
  readonly portName: string;
  readonly liveness: CheckModel;
  readonly readiness: CheckModel;
  readonly tool: CheckTool;
  readonly timing: { interval: number; timeout: number; startPeriod: number; startInterval: number; retries: number };
  readonly mapping: StartPeriodMapping;
  readonly startIntervalFlag: boolean;
  readonly user: { name: string; uid: number; group: string; gid: number };
  readonly labels: { title: string; description: string; vendor: string; licenses: string };
  readonly writablePaths: string[];
  readonly alpine: boolean;
}

export const portName = fc.tuple(chars(lower), str(`${lower}0123456789`, 0, 13)).map(([a, b]) => a + b);

export function common(liveness: fc.Arbitrary<CheckModel>, readiness: fc.Arbitrary<CheckModel>, tools: CheckTool[]) {
  return fc.record({
    port: fc.integer({ min: 1024, max: 65535 }),
    portName,
    liveness,
    readiness,
    tool: fc.constantFrom(...tools),
    timing,
    mapping: fc.constantFrom(StartPeriodMapping.STARTUP_PROBE, StartPeriodMapping.INITIAL_DELAY),
    startIntervalFlag: fc.boolean(),
    user: fc.record({ name: accountName, uid: id, group: accountName, gid: id }),
    labels: fc.record({ title: labelValue, description: labelValue, vendor: labelValue, licenses: fc.constantFrom('MIT', 'Apache-2.0', 'MIT OR Apache-2.0') }),
    writablePaths,
    alpine: fc.boolean(),
  });
}

export function sharedOptions(m: CommonModel) {
  const s = (n: number) => Duration.seconds(n);
  return {
    port: m.port,
    portName: m.portName,
    healthCheck: toHealthCheck(m.liveness),
    readinessCheck: toHealthCheck(m.readiness),
    checkTool: m.tool,
    timing: {
      interval: s(m.timing.interval),
      timeout: s(m.timing.timeout),
      startPeriod: s(m.timing.startPeriod),
      startInterval: s(m.timing.startInterval),
      retries: m.timing.retries,
    },
    startPeriodMapping: m.mapping,
    dockerStartInterval: m.startIntervalFlag,
    user: m.user,
    labels: m.labels,
    writablePaths: m.writablePaths,
  };
}

/** The backend preset's random valid models (the property test and lint:real draw from it). */
export const backendCheck: fc.Arbitrary<CheckModel> = fc.oneof(
  { weight: 6, arbitrary: httpCheck(httpPath) },
  { weight: 1, arbitrary: fc.constant({ kind: 'tcpSocket' as const }) },
  { weight: 1, arbitrary: execCheck },
);
export type BackendModel = CommonModel & { readonly pythonVersion: string };
export const backendModel: fc.Arbitrary<BackendModel> = common(backendCheck, httpCheck(httpPath), [CheckTool.CURL, CheckTool.WGET, CheckTool.PYTHON])
  .map((m) => (m.liveness.kind === 'tcpSocket' ? { ...m, tool: CheckTool.PYTHON } : m))
  .chain((m) => fc.constantFrom('3.11', '3.12', '3.13').map((v) => ({ ...(m as CommonModel), pythonVersion: v })));
/** The frontend preset's random valid models. */
export const frontendModel: fc.Arbitrary<CommonModel> = common(httpCheck(httpPath), httpCheck(nginxPath), [CheckTool.CURL, CheckTool.WGET]);

export function renderBackendModel(m: BackendModel): Rendered {
  return renderBackend({
    ...sharedOptions(m),
    // pythonVersion names the default image only; with baseImage it is an error.
    pythonVersion: m.alpine ? undefined : m.pythonVersion,
    baseImage: m.alpine ? `python:${m.pythonVersion}-alpine` : undefined,
  });
}
export function renderFrontendModel(m: CommonModel): Rendered {
  return renderFrontend({ ...sharedOptions(m), nginxImage: m.alpine ? 'nginx:1.27-alpine' : 'nginx:1.27-bookworm' });
}

export interface Rendered {
  readonly dockerfile: string;
  readonly snippet: any;
  readonly snippetText: string;
  readonly nginxConf?: string;
}

const identity = { resolve: (x: any) => x };

/** The outdir of the projects below: a folder of this module's own in the run's temp folder (nothing is written there). */
let scratch: string | undefined;
const outdir = (): string => {
  if (scratch === undefined) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-property-'));
    // Removed when the process ends: lint:real imports this module outside jest, whose run folder would remove it.
    process.once('exit', () => fs.rmSync(made, { recursive: true, force: true }));
    scratch = made;
  }
  return scratch;
};

/** Builds the construct in a fresh project and renders its files in memory (the same code synth writes with). */
export function renderBackend(options: FastApiBackendOptions): Rendered {
  const project = new Project({ name: 'p', outdir: outdir() });
  const b = new FastApiBackend(project, 'backend', options);
  b.preSynthesize();
  const snippetText = (b.kubernetesSnippet as any).synthesizeContent(identity);
  return { dockerfile: b.dockerfile._render(), snippet: YAML.parse(snippetText), snippetText };
}

export function renderFrontend(options: StaticFrontendOptions): Rendered {
  const project = new Project({ name: 'p', outdir: outdir() });
  const f = new StaticFrontend(project, 'frontend', options);
  f.preSynthesize();
  const snippetText = (f.kubernetesSnippet as any).synthesizeContent(identity);
  return {
    dockerfile: f.dockerfile._render(),
    snippet: YAML.parse(snippetText),
    snippetText,
    nginxConf: (f.nginxConfig as any).synthesizeContent(identity),
  };
}

/** Splits a POSIX shell command line of bare and single-quoted words (what the renderer emits). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '\\') {
      cur += line[++i];
      inWord = true;
    } else if (c === ' ') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
