import { IConstruct } from 'constructs';
import { Component, Project } from 'projen';
import { GeneratedFile } from '../_generated-file';
import {
  checkAbsolutePath,
  checkDnsLabel,
  checkPort,
  checkPortName,
  checkRelativePath,
  fail,
} from '../_validate';
import { safeYaml } from '../_yaml';
import { IMAGE_ACCOUNTS } from './_accounts';
import { addDockerignore, claimPaths } from './_paths';
import { ContainerServiceOptions } from './container-service-options';
import { resolveLabels } from '../container/_labels';
import { ResolvedUser, resolveUser } from '../container/_user';
import { OciLabels } from '../container/oci-labels';
import { ResolvedBaseImage } from '../dockerfile/_resolved-base';
import { ImageFamily } from '../dockerfile/image-family';
import { Instruction } from '../dockerfile/instruction';
import { Duration } from '../duration';
import { binaryCheckCommand, dockerCheckCommand } from '../health/_docker-check';
import { missingProgramWarning } from '../health/_exec-argv';
import { ResolvedCheck } from '../health/_resolved';
import { resolveReadinessTiming } from '../health/_readiness-timing';
import { resolveTiming, seconds } from '../health/_timing';
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

/**
 * Resolves a check for a container on `port`; a service without a port (a worker) takes exec checks only.
 * @throws Error `<path>: must be an exec check ...` saying how to model a worker
 */
function resolveCheck(path: string, check: HealthCheck, port: number | undefined): ResolvedCheck {
  if (!(check instanceof HealthCheck)) fail(path, 'a HealthCheck (HealthCheck.httpGet, .tcpSocket, .grpc, .exec or .shell)', check);
  if (port === undefined && check.kind !== HealthCheckKind.EXEC) {
    fail(path, 'an exec check (HealthCheck.exec([...]) or HealthCheck.shell(script)) for a service without a port: a worker with noPort: true is checked by a command in the container, e.g. the age of a heartbeat file it touches', check.kind);
  }
  return check._resolve(path, port ?? 0);
}

/** The validated model of one container: every output is rendered from it. */
export interface ServiceModel extends ProbeModel {
  /** Construct path, for errors and warnings. */
  readonly path: string;
  readonly directory: string;
  /** The Dockerfile, `<directory>/<dockerfileName>`. */
  readonly dockerfilePath: string;
  readonly kubernetesFile: string;
  /** The tool Docker runs the check with; undefined for exec checks and checkBinary. */
  readonly tool?: CheckTool;
  /** The exec-form argv of the Docker HEALTHCHECK (rendered once, at validation). */
  readonly checkCommand: string[];
  readonly startIntervalFlag: boolean;
  readonly labels: Record<string, string>;
  readonly user: ResolvedUser;
  /** The final stage's base image and what it has. */
  readonly base: ResolvedBaseImage;
  /** The final stage's name (`docker build --target`). */
  readonly stageName: string;
  /** Create the account (the base image does not already have it and has a shell). */
  readonly createAccount: boolean;
  /** Packages the setup step installs (the user's system packages, then the check tool's). */
  readonly packages: string[];
  /** The package installed for the check tool, if any. */
  readonly toolPackage?: string;
  /** The app's graceful shutdown budget (uvicorn --timeout-graceful-shutdown); undefined: not written. */
  readonly shutdownSeconds?: number;
  /** The check tools the final stage has (base image, systemPackages, addedTools, the installed tool). */
  readonly availableTools: readonly CheckTool[];
}

/** The defaults a construct gives the shared options it leaves unset. */
export interface ServiceDefaults {
  readonly name: string;
  readonly port: number;
  /** Undefined: the options must give one (a service without a port has no HTTP default). */
  readonly healthCheck?: HealthCheck;
  /** Undefined: no readinessProbe unless the options give one (only for a service without a port). */
  readonly readinessCheck?: HealthCheck;
  readonly startPeriodSeconds: number;
  readonly startIntervalSeconds: number;
  readonly group: string;
  readonly labels: OciLabels;
  /** Paths the image needs as they are: a writable path may not be, contain or lie under one. */
  readonly protectedPaths: string[];
}

/**
 * Checks an account the image will create: ids from 1000 (below is the system range, where base images keep
 * their own accounts: www-data 33, nginx 101, postgres 999) and names no base image already uses.
 */
function checkNewAccount(path: string, u: ResolvedUser): void {
  const existing = `{ name: '${u.name}', uid: ${u.uid}, group: '${u.group}', gid: ${u.gid}, existing: true }`;
  for (const [field, id] of [['uid', u.uid], ['gid', u.gid]] as const) {
    const known = IMAGE_IDS[id];
    if (known) {
      fail(`${path}.${field}`, `an id the base image does not already use (${id} is ${known}; creating it fails the build): to run as that account without creating it, set user ${existing} with the base image's names`, id);
    }
    if (id < 1000) fail(`${path}.${field}`, `from 1000 for an account the image creates (lower ids are the system range, where base images keep their own accounts: www-data 33, nginx 101, postgres 999); to run as an account the base image has, set user ${existing} with the base image's names`, id);
  }
  for (const [field, name] of [['name', u.name], ['group', u.group]] as const) {
    if (IMAGE_ACCOUNTS.has(name)) fail(`${path}.${field}`, `a name base images do not already have (creating it would fail the build); to run as the base image's own ${name}, set user ${existing}`, name);
  }
}

/** Ids base images already use above the system range, and what they are. */
const IMAGE_IDS: Record<number, string> = {
  65534: 'nobody/nogroup on Debian and Alpine',
  65532: 'nonroot on distroless and Chainguard images',
};

/** The Debian/Alpine package that provides a tool, or undefined when it cannot be installed. */
function toolPackage(tool: CheckTool, family: ImageFamily): string | undefined {
  if (family === ImageFamily.DISTROLESS) return undefined;
  if (tool === CheckTool.CURL) return 'curl';
  if (tool === CheckTool.WGET) return 'wget';
  return undefined;
}

/** Tools a package list provides. */
const PACKAGE_TOOLS: Record<string, CheckTool> = { curl: CheckTool.CURL, wget: CheckTool.WGET, python3: CheckTool.PYTHON, nodejs: CheckTool.NODE };

/**
 * The default tool, from the cost figures in docs/performance.md: an HTTP client the final stage has
 * (wget, curl: 2-9 ms CPU per check), else wget installed where a package manager exists (0.7 MB), else the
 * runtime the image has (node, python3: 66-94 ms CPU and 20-58 MB per check); gRPC needs grpc_health_probe.
 */
function defaultTool(check: ResolvedCheck, available: readonly CheckTool[], family: ImageFamily): CheckTool | undefined {
  if (check.kind === HealthCheckKind.GRPC) return CheckTool.GRPC_HEALTH_PROBE;
  if (check.kind === HealthCheckKind.HTTP_GET) {
    const client = available.find((t) => t === CheckTool.WGET || t === CheckTool.CURL);
    if (client) return client;
    if (family !== ImageFamily.DISTROLESS) return CheckTool.WGET;
  }
  return available.find((t) => t === CheckTool.NODE || t === CheckTool.PYTHON);
}

/**
 * Validates the options of a container into a model. Throws the house-style error.
 * @param addedTools tools the container's own instructions put into the final stage
 */
export function resolveService(
  path: string,
  o: ContainerServiceOptions,
  d: ServiceDefaults,
  base: ResolvedBaseImage,
  systemPackages: readonly string[],
  addedTools: readonly CheckTool[],
  stageName: string,
): ServiceModel {
  const name = checkDnsLabel(`${path}.name`, o.name ?? d.name);
  const directory = checkRelativePath(`${path}.directory`, o.directory ?? name);
  const dockerfileName = o.dockerfileName ?? 'Dockerfile';
  if (typeof dockerfileName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(dockerfileName) || dockerfileName === '.dockerignore') {
    fail(`${path}.dockerfileName`, 'a file name of [A-Za-z0-9._-] (no directory), such as Dockerfile or Dockerfile.worker', dockerfileName);
  }
  const noPort = o.noPort ?? false;
  if (noPort && o.port !== undefined) fail(`${path}.port`, 'unset when noPort is true (a service without a port listens on none)', o.port);
  if (noPort && o.portName !== undefined) fail(`${path}.portName`, 'unset when noPort is true', o.portName);
  const port = noPort ? undefined : checkPort(`${path}.port`, o.port ?? d.port);
  if (port !== undefined && port < 1024) fail(`${path}.port`, 'from 1024 to 65535 (a non-root process cannot bind below 1024; Trivy KSV-0117)', port);
  const healthCheck = o.healthCheck ?? d.healthCheck;
  if (healthCheck === undefined) fail(`${path}.healthCheck`, 'a health check (a service without a port takes an exec check: HealthCheck.exec([...]) or HealthCheck.shell(script))', undefined);
  const liveness = resolveCheck(`${path}.healthCheck`, healthCheck, port);
  // The port name tells meshes (Istio, Linkerd) the protocol: grpc for a gRPC server.
  const portName = noPort ? '' : checkPortName(`${path}.portName`, o.portName ?? (liveness.kind === HealthCheckKind.GRPC ? 'grpc' : 'http'));
  // A service without a port gets no readinessProbe unless one is given: no Service sends it traffic.
  const readinessCheck = o.readinessCheck ?? d.readinessCheck;
  const readiness = readinessCheck === undefined ? undefined : resolveCheck(`${path}.readinessCheck`, readinessCheck, port);
  if (readiness === undefined && !noPort) fail(`${path}.readinessCheck`, 'a readiness check for a service with a port', undefined);
  for (const [field, c] of [['healthCheck', liveness], ['readinessCheck', readiness]] as const) {
    if (c?.shell && base.family === ImageFamily.DISTROLESS) {
      fail(`${path}.${field}`, `an exec check without a shell: ${base.reference} has no /bin/sh for HealthCheck.shell; use HealthCheck.exec([...]) with a program of the image`, c.command.join(' '));
    }
  }
  const timing = resolveTiming(`${path}.timing`, o.timing, d.startPeriodSeconds, d.startIntervalSeconds);
  const mapping = o.startPeriodMapping ?? StartPeriodMapping.STARTUP_PROBE;
  if (!Object.values(StartPeriodMapping).includes(mapping)) fail(`${path}.startPeriodMapping`, 'a StartPeriodMapping', mapping);
  for (const [field, c] of [['healthCheck', liveness], ['readinessCheck', readiness]] as const) {
    if (c?.scheme === HttpScheme.HTTPS) fail(`${path}.${field}.scheme`, 'HTTP (the server serves plain HTTP; terminate TLS in front of it)', c.scheme);
  }
  const readinessTiming = resolveReadinessTiming(`${path}.readinessTiming`, o.readinessTiming, o.readinessSuccessThreshold, `${path}.readinessSuccessThreshold`);
  const readinessSuccessThreshold = readinessTiming.successThreshold;
  const shutdownSeconds = o.shutdownGracePeriod === undefined ? undefined : seconds(`${path}.shutdownGracePeriod`, o.shutdownGracePeriod, 0);
  if (shutdownSeconds !== undefined && shutdownSeconds > 3600) fail(`${path}.shutdownGracePeriod`, 'at most 1 hour', o.shutdownGracePeriod!.text);
  const probeGracePeriodSeconds = o.probeTerminationGracePeriod === undefined
    ? undefined
    : seconds(`${path}.probeTerminationGracePeriod`, o.probeTerminationGracePeriod, 0);

  // The account: the image's own unless the options name one; created where the image has a shell.
  const shell = base.family !== ImageFamily.DISTROLESS;
  const user = o.user === undefined && base.user ? { ...base.user } : resolveUser(`${path}.user`, o.user, d.group);
  const existingAccount = o.user?.existing ?? false;
  if (o.user !== undefined && base.user && user.uid === base.user.uid && !existingAccount) {
    fail(`${path}.user.uid`, `different from the base image's own account ${base.user.name} (${base.user.uid}), or leave user unset to run as it`, user.uid);
  }
  const createAccount = shell && !(o.user === undefined && base.user) && !existingAccount;
  if (createAccount) checkNewAccount(`${path}.user`, user);

  // The check tool: verified to exist in the final stage, or installed there.
  const packages = [...systemPackages];
  if (packages.length > 0 && !shell) fail(`${path}.systemPackages`, 'empty for a distroless base image (it has no package manager)', packages);
  const fromPackages = packages.map((p) => PACKAGE_TOOLS[p]).filter((t) => t !== undefined);
  // Tools the packages install come first: the image pays for them anyway (and curl beside wget trips hadolint DL4001).
  const available = [...new Set([...fromPackages, ...base.tools, ...addedTools])];
  let tool: CheckTool | undefined;
  let toolPkg: string | undefined;
  let checkCommand: string[];
  if (o.checkBinary !== undefined) {
    checkAbsolutePath(`${path}.checkBinary`, o.checkBinary);
    if (liveness.kind === HealthCheckKind.EXEC) fail(`${path}.checkBinary`, 'unset when the health check is an exec check (Docker runs that command)', o.checkBinary);
    checkCommand = binaryCheckCommand(o.checkBinary, liveness, timing.timeoutSeconds);
  } else if (liveness.kind === HealthCheckKind.EXEC) {
    checkCommand = [...liveness.command];
  } else {
    tool = o.checkTool ?? defaultTool(liveness, available, base.family);
    if (tool === undefined && !shell) {
      fail(`${path}.checkBinary`, `a health-check program in the image: ${base.reference} has no shell, package manager or runtime that can run a ${liveness.kind} check`, undefined);
    }
    if (tool === undefined) {
      fail(`${path}.checkTool`, `a tool that can run a ${liveness.kind} check in ${base.reference} (CheckTool.PYTHON or CheckTool.NODE where the image has it, declared in addedTools if you add it), or use checkBinary or an exec check`, undefined);
    }
    if (!Object.values(CheckTool).includes(tool)) fail(`${path}.checkTool`, 'a CheckTool', tool);
    if (!available.includes(tool)) {
      toolPkg = toolPackage(tool, base.family);
      if (toolPkg === undefined) {
        fail(`${path}.checkTool`, `a tool the final stage has (${available.join(', ') || 'none'}) or can install (${shell ? 'curl, wget' : 'none: no package manager'}); declare tools your own instructions add in addedTools`, tool);
      }
      packages.push(toolPkg);
    }
    // Rendered now so that a tool that cannot run the check fails at construction.
    checkCommand = dockerCheckCommand(`${path}.checkTool`, liveness, tool, timing.timeoutSeconds, { shell, program: base.programs[tool] });
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
    dockerfilePath: `${directory}/${dockerfileName}`,
    port,
    portName,
    user,
    liveness,
    readiness,
    timing,
    mapping,
    writablePaths,
    readinessSuccessThreshold,
    readinessTiming,
    shutdownSeconds,
    podGracePeriodSeconds: shutdownSeconds === undefined ? undefined : shutdownSeconds + 5,
    probeGracePeriodSeconds,
    tool,
    checkCommand,
    startIntervalFlag: o.dockerStartInterval ?? false,
    labels: resolveLabels(`${path}.labels`, o.labels, d.labels),
    kubernetesFile: checkYamlPath(`${path}.kubernetesFile`, o.kubernetesFile ?? `k8s/${name}.yaml`),
    base,
    stageName,
    createAccount,
    packages,
    toolPackage: toolPkg,
    availableTools: tool === undefined ? available : [...new Set([...available, tool])],
  };
}

/** The HEALTHCHECK instruction of the model's liveness check. */
export function healthcheckInstruction(m: ServiceModel): Instruction {
  const t = m.timing;
  const c = m.liveness;
  const what = c.kind === HealthCheckKind.HTTP_GET
    ? `GET ${c.path} on ${c.host}:${m.port} (127.0.0.1, not localhost: Alpine resolves localhost to ::1 first)`
    : c.kind === HealthCheckKind.TCP_SOCKET ? `a TCP connection to ${c.host}:${m.port}`
      : c.kind === HealthCheckKind.GRPC ? `the gRPC health service${c.service ? ` ${c.service}` : ''} on ${c.host}:${m.port}` : 'the exec check';
  const how = m.tool === undefined && c.kind !== HealthCheckKind.EXEC ? ` run by ${m.checkCommand[0]}` : '';
  return Instruction.healthcheck(
    `Health check for docker run, Compose and Swarm (Kubernetes ignores it and uses the generated probes): ${what}${how}; it must exit 0 or 1 (Docker reserves 2).`,
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
  if (m.readiness !== undefined && sameCheck(m.liveness, m.readiness)) {
    w.push(`${m.path}.readinessCheck: identical to the liveness check; a failing dependency check would restart the container (kube-score pod-probes-identical)`);
  }
  if (t.timeoutSeconds * 2 > t.intervalSeconds && t.timeoutSeconds > 1) {
    w.push(`${m.path}.timing.timeout: ${t.timeoutSeconds}s is more than half the ${t.intervalSeconds}s interval; slow checks will run back to back`);
  }
  const other = m.tool === CheckTool.CURL ? 'wget' : m.tool === CheckTool.WGET ? 'curl' : undefined;
  if (other && m.packages.includes(other)) {
    w.push(`${m.path}.checkTool: ${m.tool} runs the check while the image also installs ${other}; one HTTP client is enough (hadolint DL4001)`);
  }
  if (m.tool === CheckTool.GRPC_HEALTH_PROBE && m.base.family === ImageFamily.DISTROLESS) {
    w.push(`${m.path}.checkTool: grpc_health_probe runs without a shell here and exits 2 on a connection failure, a code Docker reserves; prefer an image with /bin/sh or a checkBinary that exits 0 or 1`);
  }
  for (const [field, c] of [['healthCheck', m.liveness], ['readinessCheck', m.readiness]] as const) {
    const missing = c?.kind === HealthCheckKind.EXEC ? missingProgramWarning(`${m.path}.${field}`, c.command, m.availableTools, m.base.family, m.base.reference) : undefined;
    if (missing) w.push(missing);
  }
  if (m.shutdownSeconds !== undefined && m.probeGracePeriodSeconds !== undefined && m.probeGracePeriodSeconds < m.shutdownSeconds) {
    w.push(`${m.path}.probeTerminationGracePeriod: ${m.probeGracePeriodSeconds}s is shorter than the ${m.shutdownSeconds}s shutdownGracePeriod; a container restarted by a failed probe is killed before it finishes its requests`);
  }
  if (m.mapping === StartPeriodMapping.STARTUP_PROBE && t.startIntervalSeconds >= t.startPeriodSeconds) {
    w.push(`${m.path}.timing.startInterval: ${t.startIntervalSeconds}s is not shorter than the ${t.startPeriodSeconds}s start period; the startupProbe allows one check only, and one slow start restarts the container`);
  }
  return w;
}

/**
 * Adds the files every preset writes besides its Dockerfile (`.dockerignore` unless disabled, shared by the
 * containers built from one directory, and the Kubernetes snippet, rendered later by `renderServiceFiles`),
 * after checking that no other container writes the Dockerfile's or the snippet's path.
 * @param dockerignoreExtra the preset's own `.dockerignore` entries
 * @returns the snippet file
 */
export function addServiceFiles(scope: Component, m: ServiceModel, dockerignore: boolean | undefined, dockerignoreExtra: string[]): GeneratedFile {
  claimPaths(scope.project, m.path, {
    dockerfileName: [m.dockerfilePath, `two containers built from ${m.directory}/ need their own Dockerfiles: give this one another dockerfileName (e.g. Dockerfile.${m.name})`],
    kubernetesFile: [m.kubernetesFile, `give this container its own kubernetesFile (k8s/<name>.yaml by default, so two containers of one name clash)`],
  });
  if (dockerignore !== false) addDockerignore(scope, m.directory, m.dockerfilePath.split('/').pop()!, dockerignoreExtra);
  return new GeneratedFile(scope, m.kubernetesFile);
}

/** At preSynthesize: renders the Kubernetes snippet and logs the model's warnings. */
export function renderServiceFiles(scope: Component, probes: GeneratedFile, m: ServiceModel): void {
  fillProbes(probes, m);
  for (const w of serviceWarnings(m)) scope.project.logger.warn(w);
}

/** Renders the PodSpec fragment of the model as YAML (YAML 1.1-safe, see `safeYaml`). */
function fillProbes(file: GeneratedFile, m: ServiceModel): void {
  const text = safeYaml(podSpecFragment(m));
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

/** The path `pathOf` will give a construct with `id` under `scope`, before it exists. */
export function childPath(scope: IConstruct, id: string): string {
  const parent = scope instanceof Project ? '' : pathOf(scope);
  return parent ? `${parent}/${id}` : id;
}
