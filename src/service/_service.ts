import { IConstruct } from 'constructs';
import { Component, Project } from 'projen';
import * as YAML from 'yaml';
import { GeneratedFile } from '../_generated-file';
import {
  checkAbsolutePath,
  checkDnsLabel,
  checkPort,
  checkPortName,
  checkRelativePath,
  fail,
} from '../_validate';
import { ContainerServiceOptions } from './container-service-options';
import { resolveLabels } from '../container/_labels';
import { ResolvedUser, resolveUser } from '../container/_user';
import { OciLabels } from '../container/oci-labels';
import { Instruction } from '../dockerfile/instruction';
import { Duration } from '../duration';
import { dockerCheckCommand } from '../health/_docker-check';
import { ResolvedCheck } from '../health/_resolved';
import { resolveTiming } from '../health/_timing';
import { CheckTool } from '../health/check-tool';
import { HealthCheck } from '../health/health-check';
import { HealthCheckKind } from '../health/health-check-kind';
import { HttpScheme } from '../health/http-scheme';
import { StartPeriodMapping } from '../health/start-period-mapping';
import { podSpecFragment, ProbeModel, volumeName } from '../kubernetes/_probes';

/** A project-relative path of a YAML file. */
function checkYamlPath(path: string, value: string): string {
  checkRelativePath(path, value);
  if (!/\.ya?ml$/.test(value)) fail(path, 'a path ending in .yaml or .yml', value);
  return value;
}

/** System directories an emptyDir may never hide. */
const SYSTEM_PATHS = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/sbin', '/sys', '/usr'];

/** The defaults a preset gives the shared options. */
export interface ServiceDefaults {
  readonly name: string;
  readonly port: number;
  readonly healthCheck: HealthCheck;
  readonly readinessCheck: HealthCheck;
  readonly checkTool: CheckTool;
  readonly startPeriodSeconds: number;
  readonly startIntervalSeconds: number;
  readonly group: string;
  readonly labels: OciLabels;
  /** Paths the image needs as they are: a writable path may not be, contain or lie under one. */
  readonly protectedPaths: string[];
}

/** The validated model of one container: every output is rendered from it. */
export interface ServiceModel extends ProbeModel {
  /** Construct path, for errors and warnings. */
  readonly path: string;
  readonly directory: string;
  readonly kubernetesFile: string;
  readonly tool: CheckTool;
  /** The exec-form argv of the Docker HEALTHCHECK (rendered once, at validation). */
  readonly checkCommand: string[];
  readonly startIntervalFlag: boolean;
  readonly labels: Record<string, string>;
  readonly user: ResolvedUser;
}

/** The paths each project's container services write (their Dockerfiles and Kubernetes files). */
const claimedPaths = new WeakMap<Project, Set<string>>();

/**
 * Checks that no other container service of the project writes the paths a preset writes (two
 * containers with the same name, directory or Kubernetes file), then claims them. One set per project:
 * `project.tryFindFile` searches every construct, which made adding N containers quadratic. A clash with
 * a file of another component is refused by projen itself ("There is already a file under ...").
 * @param paths field name to project-relative path
 */
function checkPathsFree(project: Project, path: string, paths: Record<string, string>): void {
  const claimed = claimedPaths.get(project) ?? new Set<string>();
  claimedPaths.set(project, claimed);
  for (const [field, p] of Object.entries(paths)) {
    if (claimed.has(p)) fail(`${path}.${field}`, 'a path no other file of the project uses (is another container named the same?)', p);
  }
  for (const p of Object.values(paths)) claimed.add(p);
}

/** Validates the shared options of `scope` (a preset) into a model. Throws the house-style error. */
export function resolveService(path: string, o: ContainerServiceOptions, d: ServiceDefaults): ServiceModel {
  const name = checkDnsLabel(`${path}.name`, o.name ?? d.name);
  const directory = checkRelativePath(`${path}.directory`, o.directory ?? name);
  const port = checkPort(`${path}.port`, o.port ?? d.port);
  if (port < 1024) fail(`${path}.port`, 'from 1024 to 65535 (a non-root process cannot bind below 1024; Trivy KSV-0117)', port);
  const portName = checkPortName(`${path}.portName`, o.portName ?? 'http');
  const liveness = (o.healthCheck ?? d.healthCheck)._resolve(`${path}.healthCheck`, port);
  const readiness = (o.readinessCheck ?? d.readinessCheck)._resolve(`${path}.readinessCheck`, port);
  const timing = resolveTiming(`${path}.timing`, o.timing, d.startPeriodSeconds, d.startIntervalSeconds);
  const mapping = o.startPeriodMapping ?? StartPeriodMapping.STARTUP_PROBE;
  if (!Object.values(StartPeriodMapping).includes(mapping)) fail(`${path}.startPeriodMapping`, 'a StartPeriodMapping', mapping);
  const tool = o.checkTool ?? d.checkTool;
  if (!Object.values(CheckTool).includes(tool)) fail(`${path}.checkTool`, 'a CheckTool', tool);
  // Rendered now so that a tool that cannot run the check fails at construction.
  const checkCommand = dockerCheckCommand(`${path}.checkTool`, liveness, tool, timing.timeoutSeconds);
  for (const [field, c] of [['healthCheck', liveness], ['readinessCheck', readiness]] as const) {
    if (c.scheme === HttpScheme.HTTPS) fail(`${path}.${field}.scheme`, 'HTTP (the server serves plain HTTP; terminate TLS in front of it)', c.scheme);
  }
  const writablePaths = [...(o.writablePaths ?? ['/tmp'])];
  const volumes = new Set<string>();
  const protectedPaths = [...SYSTEM_PATHS, ...d.protectedPaths];
  writablePaths.forEach((p, i) => {
    checkAbsolutePath(`${path}.writablePaths[${i}]`, p);
    if (p === '/') fail(`${path}.writablePaths[${i}]`, 'a directory other than /', p);
    const clash = protectedPaths.find((q) => p === q || p.startsWith(`${q}/`) || q.startsWith(`${p}/`));
    if (clash) fail(`${path}.writablePaths[${i}]`, `a path that does not mount an empty directory over ${clash} (the image needs what is there)`, p);
    const v = volumeName(p);
    if (volumes.has(v)) fail(`${path}.writablePaths[${i}]`, 'a path whose volume name is unique', p);
    volumes.add(v);
  });
  return {
    path,
    name,
    directory,
    port,
    portName,
    user: resolveUser(`${path}.user`, o.user, d.group),
    liveness,
    readiness,
    timing,
    mapping,
    writablePaths,
    tool,
    checkCommand,
    startIntervalFlag: o.dockerStartInterval ?? false,
    labels: resolveLabels(`${path}.labels`, o.labels, { vendor: 'Unknown vendor', licenses: 'MIT', ...d.labels }),
    kubernetesFile: checkYamlPath(`${path}.kubernetesFile`, o.kubernetesFile ?? `k8s/${name}.yaml`),
  };
}

/** The HEALTHCHECK instruction of the model's liveness check. */
export function healthcheckInstruction(m: ServiceModel): Instruction {
  const t = m.timing;
  const what = m.liveness.kind === HealthCheckKind.HTTP_GET
    ? `GET ${m.liveness.path} on ${m.liveness.host}:${m.port} (127.0.0.1, not localhost: Alpine resolves localhost to ::1 first)`
    : m.liveness.kind === HealthCheckKind.TCP_SOCKET ? `a TCP connection to ${m.liveness.host}:${m.port}` : 'the exec check';
  return Instruction.healthcheck(
    `Health check for docker run, Compose and Swarm (Kubernetes ignores it and uses the generated probes): ${what}; exits 0 or 1.`,
    m.checkCommand,
    {
      interval: Duration.seconds(t.intervalSeconds),
      timeout: Duration.seconds(t.timeoutSeconds),
      startPeriod: Duration.seconds(t.startPeriodSeconds),
      startInterval: Duration.seconds(t.startIntervalSeconds),
      retries: t.retries,
    },
    m.startIntervalFlag,
  );
}

function sameCheck(a: ResolvedCheck, b: ResolvedCheck): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Legal but risky choices, as warning lines. */
function serviceWarnings(m: ServiceModel): string[] {
  const w: string[] = [];
  const t = m.timing;
  if (sameCheck(m.liveness, m.readiness)) {
    w.push(`${m.path}.readinessCheck: identical to the liveness check; a failing dependency check would restart the container (kube-score pod-probes-identical)`);
  }
  if (t.timeoutSeconds * 2 > t.intervalSeconds && t.timeoutSeconds > 1) {
    w.push(`${m.path}.timing.timeout: ${t.timeoutSeconds}s is more than half the ${t.intervalSeconds}s interval; slow checks will run back to back`);
  }
  if (m.mapping === StartPeriodMapping.STARTUP_PROBE && t.startIntervalSeconds >= t.startPeriodSeconds) {
    w.push(`${m.path}.timing.startInterval: ${t.startIntervalSeconds}s is not shorter than the ${t.startPeriodSeconds}s start period; the startupProbe allows one check only, and one slow start restarts the container`);
  }
  return w;
}

/**
 * Adds the files every preset writes besides its Dockerfile (`.dockerignore` unless disabled, and the
 * Kubernetes snippet, rendered later by `renderServiceFiles`), after checking that no file of the
 * project already has the Dockerfile's or the snippet's path.
 * @param dockerignoreExtra the preset's own `.dockerignore` entries
 * @returns the snippet file
 */
export function addServiceFiles(scope: Component, m: ServiceModel, dockerignore: boolean | undefined, dockerignoreExtra: string[]): GeneratedFile {
  checkPathsFree(scope.project, m.path, { directory: `${m.directory}/Dockerfile`, kubernetesFile: m.kubernetesFile });
  createDockerignore(scope, m, dockerignore, dockerignoreExtra);
  return new GeneratedFile(scope, m.kubernetesFile);
}

/** At preSynthesize: renders the Kubernetes snippet and logs the model's warnings. */
export function renderServiceFiles(scope: Component, probes: GeneratedFile, m: ServiceModel): void {
  fillProbes(probes, m);
  for (const w of serviceWarnings(m)) scope.project.logger.warn(w);
}

/**
 * Adds `<directory>/.dockerignore` with the common entries and `extra` (unless disabled).
 * The Dockerfile and .dockerignore themselves stay out of the context too.
 */
function createDockerignore(scope: IConstruct, m: ServiceModel, enabled: boolean | undefined, extra: string[]): void {
  if (enabled === false) return;
  const file = new GeneratedFile(scope, `${m.directory}/.dockerignore`);
  const entries = ['.git', '.gitignore', 'Dockerfile', '.dockerignore', '.env', '.env.*', ...extra];
  file.setContent((marker) => [...(marker ? [`# ${marker}`] : []), ...entries].join('\n') + '\n');
}

/**
 * Strings no YAML 1.1 or 1.2 reader takes for anything else: a letter or `/` first (numbers, dates and
 * `.inf` start otherwise), then `[A-Za-z0-9_./-]`, longer than every boolean and null word (`false` has 5).
 */
const PLAIN_STRING_RE = /^[A-Za-z/][A-Za-z0-9_./-]{5,}$/;

/**
 * Strings a YAML reader takes as one plain scalar, which is a string unless one of the schemas'
 * implicit tags (null, bool, int, float, timestamp) matches it.
 */
const SCALAR_RE = /^[A-Za-z0-9_.+~][A-Za-z0-9_./+~-]*$/;

/** The implicit tags of YAML 1.1 (kubectl, go-yaml) and of YAML 1.2's core schema, as the yaml package resolves them. */
let implicitTags: RegExp[] | undefined;

/** Results of `ambiguous` for the other strings already asked. */
const ambiguity = new Map<string, boolean>();

/**
 * True when a YAML reader could take `value`, written plain, for something other than this string.
 * Plain-scalar strings are matched against the schemas' implicit tags; other strings are parsed
 * (yaml's parser costs about as much as rendering a snippet when it first runs).
 */
function ambiguous(value: string): boolean {
  if (PLAIN_STRING_RE.test(value)) return false;
  if (SCALAR_RE.test(value)) {
    implicitTags ??= ['1.1', '1.2'].flatMap((version) =>
      new YAML.Document(null, { version: version as '1.1' | '1.2' }).schema.tags
        .flatMap((t) => ('test' in t && t.default && t.test instanceof RegExp ? [t.test] : [])),
    );
    return implicitTags.some((re) => re.test(value));
  }
  const known = ambiguity.get(value);
  if (known !== undefined) return known;
  let result: boolean;
  try {
    result = YAML.parse(value, { version: '1.1' }) !== value || YAML.parse(value, { version: '1.2' }) !== value;
  } catch {
    result = true;
  }
  if (ambiguity.size >= 10_000) ambiguity.clear();
  ambiguity.set(value, result);
  return result;
}

/**
 * Renders the PodSpec fragment of the model as YAML. A string that YAML 1.1 (kubectl, go-yaml) or
 * YAML 1.2 would read as a boolean, number or null (`on`, `no`, `1_000`, `0o0`) is double-quoted.
 */
function fillProbes(file: GeneratedFile, m: ServiceModel): void {
  // The strings are marked on the plain object (its keys are fixed Kubernetes field names): a
  // YAML.visit over the document cost about as much as writing it.
  const quote = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!ambiguous(v)) return v;
      const scalar = new YAML.Scalar(v);
      scalar.type = 'QUOTE_DOUBLE';
      return scalar;
    }
    if (Array.isArray(v)) return v.map(quote);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, quote(x)]));
    return v;
  };
  const text = new YAML.Document(quote(podSpecFragment(m))).toString({ indent: 2, lineWidth: 0 });
  file.setContent((marker) => (marker ? `# ${marker}\n\n` : '') + text);
}

/**
 * The construct path of a component below its project, for messages: `backend`, or
 * `services/backend` for a construct nested in a component with id `services`.
 */
export function pathOf(scope: IConstruct): string {
  const scopes = scope.node.scopes;
  let start = 0;
  scopes.forEach((s, i) => {
    if (s instanceof Project) start = i + 1;
  });
  return scopes.slice(start).map((s) => s.node.id).join('/') || scope.node.id;
}
