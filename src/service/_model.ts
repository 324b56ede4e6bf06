// The container model: options in, every default and validation applied, one typed immutable model out.
import { Project } from 'projen';
import { checkDirectory, checkFilePath } from '../_paths';
import {
  checkAbsolutePath,
  checkArgvWith,
  checkDnsLabel,
  checkLine,
  checkNonEmpty,
  checkPackageName,
  checkPortName,
  checkSignal,
  checkStageName,
  checkUnpinnedImageReference,
  fail,
} from '../_validate';
import { ContainerServiceOptions } from './container-service-options';
import { ContainerServiceProps } from './container-service-props';
import { loopbackOnlyBind } from '../container/_bind';
import { resolveLabels } from '../container/_labels';
import { Listen } from '../container/_listen';
import { checkUnprivilegedPort, resolveAdditionalPorts, resolveUnprivilegedPortStart } from '../container/_ports';
import { projectLabels } from '../container/_project-labels';
import { ResolvedUser, resolveUser } from '../container/_user';
import { OciLabels } from '../container/oci-labels';
import { ResolvedBaseImage } from '../dockerfile/_resolved-base';
import { BaseImage } from '../dockerfile/base-image';
import { DockerfileStage } from '../dockerfile/dockerfile-stage';
import { Duration } from '../duration';
import { binaryCheckCommand, dockerCheckCommand } from '../health/_docker-check';
import { execProgram, isShellProgram, missingProgramWarning } from '../health/_exec-argv';
import { resolveReadinessTiming } from '../health/_readiness-timing';
import { ResolvedCheck } from '../health/_resolved';
import { startupFailureThreshold } from '../health/_startup-budget';
import { resolveTiming, seconds } from '../health/_timing';
import { CheckTool } from '../health/check-tool';
import { HealthCheck } from '../health/health-check';
import { HealthCheckKind } from '../health/health-check-kind';
import { HttpScheme } from '../health/http-scheme';
import { StartPeriodMapping } from '../health/start-period-mapping';
import { baseAccount, IMAGE_ACCOUNTS, PACKAGE_TOOLS } from '../images/_facts';
import { checkPackageFamily } from '../images/_package-names';
import { ImageFamily } from '../images/image-family';
import { ProbeModel, volumeName } from '../kubernetes/_probes';

/** The default `writablePaths`: an emptyDir (a tmpfs with docker run --read-only) at /tmp. */
export const DEFAULT_WRITABLE_PATHS: readonly string[] = ['/tmp'];

/** System directories an emptyDir may never hide. */
const SYSTEM_PATHS = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/sbin', '/sys', '/usr'];

/**
 * Resolves a check for a container on `port`; a service without a port (a worker) takes exec checks only.
 * @throws Error `<path>: must be an exec check ...` saying how to model a worker
 */
function resolveCheck(path: string, check: HealthCheck, port: number | undefined, otherPorts: readonly number[]): ResolvedCheck {
  if (!(check instanceof HealthCheck)) fail(path, 'a HealthCheck (HealthCheck.httpGet, .tcpSocket, .grpc, .exec or .shell)', check);
  if (port === undefined && check.kind !== HealthCheckKind.EXEC) {
    fail(path, 'an exec check (HealthCheck.exec([...]) or HealthCheck.shell(script)) for a service without a port: a worker with noPort: true is checked by a command in the container, e.g. the age of a heartbeat file it touches', check.kind);
  }
  return check._resolve(path, port ?? 0, otherPorts);
}

/** The validated model of one container: every output is rendered from it. Frozen. */
export interface ServiceModel extends ProbeModel {
  /** Construct path, for errors and warnings. */
  readonly path: string;
  readonly directory: string;
  /** The Dockerfile, `<directory>/<dockerfileName>`. */
  readonly dockerfilePath: string;
  readonly kubernetesFile: string;
  /** The tool Docker runs the check with; undefined for exec checks and checkBinary. */
  readonly tool?: CheckTool;
  /** The exec-form argv of the Docker HEALTHCHECK (rendered once, at validation); undefined: `noDockerHealthcheck`, no Docker check. */
  readonly checkCommand?: readonly string[];
  readonly startIntervalFlag: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** The final stage's base image and what it has. */
  readonly base: ResolvedBaseImage;
  /** The final stage's name (`docker build --target`). */
  readonly stageName: string;
  /** Create the account (the base image does not already have it and has a shell). */
  readonly createAccount: boolean;
  /** Packages the setup step installs (the user's system packages, then the check tool's). */
  readonly packages: readonly string[];
  /** The package installed for the check tool, if any. */
  readonly toolPackage?: string;
  /** The app's graceful shutdown budget (uvicorn --timeout-graceful-shutdown); undefined: not written. */
  readonly shutdownSeconds?: number;
  /** The check tools the final stage has (base image, systemPackages, addedTools, the installed tool). */
  readonly availableTools: readonly CheckTool[];
  /** CMD of the final stage; undefined: none written (`entrypoint` alone, or `baseImageCommand`). */
  readonly command?: readonly string[];
  readonly commandComment: string;
  /** No ENTRYPOINT and no CMD written: the container runs what the final stage inherits (`baseImageCommand`). */
  readonly baseImageCommand: boolean;
  /** STOPSIGNAL of the final stage (the program's graceful shutdown); undefined: the base image's, not written. */
  readonly stopSignal?: string;
  /** ENTRYPOINT of the final stage; undefined: the base image's. */
  readonly entrypoint?: readonly string[];
  /** The build stage the final stage starts from; undefined: the base image. */
  readonly from?: string;
  /** The build stage that gets the setup step; undefined: the final stage. */
  readonly setupStage?: string;
  /** Images the final stage's instructions may name unpinned (`unpinnedImages`). */
  readonly unpinnedImages: readonly string[];
  /**
   * The health paths the construct assumed because the options gave no check (`GET /api/v1/health`), for the
   * one warning that names them; empty when the options gave the checks.
   */
  readonly assumedChecks: readonly string[];
  /** Write `.dockerignore`. */
  readonly dockerignore: boolean;
  /** The preset's own `.dockerignore` entries. */
  readonly dockerignoreEntries: readonly string[];
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
}

/** Marks a default check as one the app must serve (see `PresetDefaults.appServesChecks`). */
function assumed(check: HealthCheck): HealthCheck {
  ASSUMED_CHECKS.add(check);
  return check;
}

/** The defaults of `ContainerService` used directly (the presets override them through `presetOptions`). */
export function containerDefaults(id: string, name: string | undefined, noPort: boolean | undefined, project: Project): ServiceDefaults {
  return {
    name: id,
    port: 8080,
    // A service without a port has no HTTP default: its exec checks are the user's.
    healthCheck: noPort ? undefined : assumed(HealthCheck.httpGet({ path: '/healthz' })),
    readinessCheck: noPort ? undefined : assumed(HealthCheck.httpGet({ path: '/readyz' })),
    startPeriodSeconds: 10,
    startIntervalSeconds: 2,
    group: 'appuser',
    // The project's own metadata (license, repository, homepage, version), then the container's title and description.
    labels: { ...projectLabels(project), title: name ?? id, description: `${name ?? id} service` },
  };
}

/** What a preset changes of the `ContainerService` defaults; each preset states them once, in one table. */
export interface PresetDefaults {
  readonly name: string;
  readonly port: number;
  readonly healthCheck: HealthCheck;
  readonly readinessCheck: HealthCheck;
  /** The check tool unless `checkTool` or `checkBinary` is given. */
  readonly checkTool?: CheckTool;
  readonly startPeriod: Duration;
  readonly startInterval: Duration;
  /** The group of the account the image creates (not used when the base image has its own account). */
  readonly group?: string;
  /**
   * The default checks are paths the user's app must serve (FastAPI, Node, Go): when the options leave them
   * unset, synthesis warns once naming them. False (the static frontend): the generated server answers them.
   */
  readonly appServesChecks?: boolean;
  readonly labels: OciLabels;
}

/** The default check objects a construct filled in for paths the app must serve (warned about, by the model). */
const ASSUMED_CHECKS = new WeakSet<HealthCheck>();

/**
 * The options with a preset's defaults applied (the only place a preset's defaults meet the options).
 * @param base the preset's base image: a base with its own account keeps it unless `user` is set
 */
export function presetOptions<T extends ContainerServiceOptions>(options: T, d: PresetDefaults, base: BaseImage): T {
  const ownAccount = base._resolve('baseImage').user !== undefined;
  if (d.appServesChecks) [d.healthCheck, d.readinessCheck].forEach(assumed);
  return {
    ...options,
    name: options.name ?? d.name,
    // A service without a port (a worker) has no port and no HTTP defaults: its exec checks are the user's.
    port: options.noPort ? options.port : options.port ?? d.port,
    healthCheck: options.healthCheck ?? (options.noPort ? undefined : d.healthCheck),
    readinessCheck: options.readinessCheck ?? (options.noPort ? undefined : d.readinessCheck),
    checkTool: options.checkTool ?? (options.checkBinary === undefined && !options.noPort && !options.noDockerHealthcheck ? d.checkTool : undefined),
    timing: { startPeriod: d.startPeriod, startInterval: d.startInterval, ...options.timing },
    user: d.group === undefined || (options.user === undefined && ownAccount) ? options.user : { group: d.group, ...options.user },
    labels: { ...d.labels, ...options.labels },
  };
}

/**
 * Checks an account the image will create: ids from 1000 (below is the system range, where base images keep
 * their own accounts: www-data 33, nginx 101, postgres 999) and names no base image already uses. The fix names
 * the base image's own account as it is (`baseAccount`: nobody 65534:65534 with group nogroup on Debian, nobody on
 * Alpine; distroless nonroot 65532:65532; www-data 33:33 on Debian), else the given ids.
 */
function checkNewAccount(path: string, u: ResolvedUser, reference: string): void {
  const suggest = (known: ResolvedUser | undefined) => {
    const a = known ?? u;
    const with_ = known ? '' : " with the base image's names and ids";
    return `set user { name: '${a.name}', uid: ${a.uid}, group: '${a.group}', gid: ${a.gid}, existing: true }${with_}`;
  };
  for (const [field, id] of [['uid', u.uid], ['gid', u.gid]] as const) {
    const known = IMAGE_IDS[id];
    if (known) {
      fail(`${path}.${field}`, `an id the base image does not already use (${id} is ${known}; creating it fails the build): to run as that account without creating it, ${suggest(baseAccount(reference, id))}`, id);
    }
    if (id < 1000) fail(`${path}.${field}`, `from 1000 for an account the image creates (lower ids are the system range, where base images keep their own accounts: www-data 33, nginx 101, postgres 999); to run as an account the base image has, ${suggest(baseAccount(reference, id))}`, id);
  }
  for (const [field, name] of [['name', u.name], ['group', u.group]] as const) {
    if (IMAGE_ACCOUNTS.has(name)) fail(`${path}.${field}`, `a name base images do not already have (creating it would fail the build); to run as the base image's own ${name}, ${suggest(baseAccount(reference, name))}`, name);
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

/** The check tool a package provides (Debian's busybox wget is not used: it crashes with -T). */
function packageTool(pkg: string): CheckTool | undefined {
  if (pkg === 'busybox') return undefined;
  return Object.values(CheckTool).find((t) => t === PACKAGE_TOOLS[pkg]);
}

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

/** The container's own argv (command, entrypoint): each argument non-empty, without control characters. */
function checkArgv(path: string, argv: readonly string[]): string[] {
  return checkArgvWith(path, argv, (p, a) => checkNonEmpty(p, a));
}

/**
 * Refuses a command that binds only loopback (`--host 127.0.0.1`, `-b localhost:8000`, `--bind [::1]:8000`) in a
 * container with network probes: the Docker HEALTHCHECK, run inside the container, passes, but the kubelet sends
 * its httpGet, tcpSocket and grpc probes to the pod IP, where nothing listens, and restarts the container forever.
 * ENTRYPOINT and CMD are read as the one argv Docker runs.
 * @throws Error `<path>.command[<n>]: must be an address the kubelet's probes reach ...`
 */
function checkReachableBind(path: string, entrypoint: readonly string[], command: readonly string[]): void {
  const bind = loopbackOnlyBind([...entrypoint, ...command]);
  if (bind === undefined) return;
  const field = bind.index < entrypoint.length ? `entrypoint[${bind.index}]` : `command[${bind.index - entrypoint.length}]`;
  fail(`${path}.${field}`, `an address the kubelet's probes reach: ${bind.host} is loopback, which only the container itself reaches (the Docker HEALTHCHECK passes; the httpGet, tcpSocket and grpc probes go to the pod IP and fail, so Kubernetes restarts the container forever); bind 0.0.0.0, or :: for IPv6 (with ipv6: true)`, bind.word);
}

/**
 * What the final stage runs: its CMD and ENTRYPOINT (a CMD, an ENTRYPOINT, or both), or, with `baseImageCommand`,
 * neither: what the final stage inherits from its base image runs.
 * @throws Error `<path>.command: must be unset with baseImageCommand: true ...` (likewise `entrypoint`, `commandComment`)
 * @throws Error `<path>.command: must be a non-empty argv array (the CMD the container runs) ...` when nothing says what runs
 */
function resolveRun(path: string, o: ContainerServiceProps): { command?: string[]; entrypoint?: string[]; baseImageCommand: boolean } {
  const baseImageCommand = o.baseImageCommand ?? false;
  if (typeof baseImageCommand !== 'boolean') fail(`${path}.baseImageCommand`, 'a boolean', baseImageCommand);
  if (baseImageCommand) {
    for (const field of ['command', 'entrypoint', 'commandComment'] as const) {
      if (o[field] !== undefined) {
        fail(`${path}.${field}`, `unset with baseImageCommand: true (no ENTRYPOINT or CMD is written: the base image's run); remove ${field} to run the base image's command, or remove baseImageCommand to run your own`, o[field]);
      }
    }
    return { baseImageCommand };
  }
  const entrypoint = o.entrypoint === undefined ? undefined : checkArgv(`${path}.entrypoint`, o.entrypoint);
  if (o.command === undefined && entrypoint === undefined) {
    fail(`${path}.command`, 'a non-empty argv array (the CMD the container runs); to run the base image\'s own ENTRYPOINT and CMD instead, set baseImageCommand: true', o.command);
  }
  if (o.command === undefined && o.commandComment !== undefined) fail(`${path}.commandComment`, 'unset when no CMD is written (command is unset: the ENTRYPOINT runs alone)', o.commandComment);
  const command = o.command === undefined ? undefined : checkArgv(`${path}.command`, o.command);
  return { command, entrypoint, baseImageCommand };
}

/** Freezes a plain-data value and everything in it. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Validates the props of a container into its model: every check knowable at construction, in one place.
 * Throws the house-style error `<path>.<field>: must be <constraint>; received <value>`.
 */
export function resolveService(path: string, o: ContainerServiceProps, d: ServiceDefaults): ServiceModel {
  if (!(o.baseImage instanceof BaseImage)) fail(`${path}.baseImage`, 'a BaseImage (BaseImage.debian(...), .alpine, .distroless, .nginxUnprivileged)', o.baseImage);
  const base = o.baseImage._resolve(`${path}.baseImage`);
  const systemPackages = [...(o.systemPackages ?? [])];
  systemPackages.forEach((p, i) => checkPackageName(`${path}.systemPackages[${i}]`, p));
  const addedTools = [...(o.addedTools ?? [])];
  addedTools.forEach((t, i) => {
    if (!Object.values(CheckTool).includes(t)) fail(`${path}.addedTools[${i}]`, 'a CheckTool', t);
  });
  const userProtected = [...(o.protectedPaths ?? [])];
  userProtected.forEach((p, i) => checkAbsolutePath(`${path}.protectedPaths[${i}]`, p));
  const stageName = checkStageName(`${path}.stageName`, o.stageName ?? 'production');

  const name = checkDnsLabel(`${path}.name`, o.name ?? d.name);
  const directory = checkDirectory(`${path}.directory`, o.directory ?? name);
  const dockerfileName = o.dockerfileName ?? 'Dockerfile';
  if (typeof dockerfileName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(dockerfileName) || dockerfileName === '.dockerignore') {
    fail(`${path}.dockerfileName`, 'a file name of [A-Za-z0-9._-] (no directory), such as Dockerfile or Dockerfile.worker', dockerfileName);
  }
  const noPort = o.noPort ?? false;
  if (noPort && o.port !== undefined) fail(`${path}.port`, 'unset when noPort is true (a service without a port listens on none)', o.port);
  if (noPort && o.portName !== undefined) fail(`${path}.portName`, 'unset when noPort is true', o.portName);
  if (o.ipv6 !== undefined && typeof o.ipv6 !== 'boolean') fail(`${path}.ipv6`, 'a boolean', o.ipv6);
  if (noPort && o.ipv6 !== undefined) fail(`${path}.ipv6`, 'unset when noPort is true (a service without a port binds no address)', o.ipv6);
  if (o.lowPortSysctl !== undefined && typeof o.lowPortSysctl !== 'boolean') fail(`${path}.lowPortSysctl`, 'a boolean', o.lowPortSysctl);
  const lowPorts = o.lowPortSysctl === true;
  const port = noPort ? undefined : checkUnprivilegedPort(`${path}.port`, o.port ?? d.port, lowPorts);
  const healthCheck = o.healthCheck ?? d.healthCheck;
  if (healthCheck === undefined) fail(`${path}.healthCheck`, 'a health check (a service without a port takes an exec check: HealthCheck.exec([...]) or HealthCheck.shell(script))', undefined);
  // What the container listens on, the one state every output switches on: a named port, or none (a worker).
  // The port name tells meshes (Istio, Linkerd) the protocol: grpc for a gRPC server.
  const listen: Listen = port === undefined
    ? { kind: 'none' }
    : { kind: 'port', port, name: checkPortName(`${path}.portName`, o.portName ?? (healthCheck instanceof HealthCheck && healthCheck.kind === HealthCheckKind.GRPC ? 'grpc' : 'http')), ipv6: o.ipv6 ?? false };
  // The other declared ports (metrics, a health port of its own): a check may use any TCP one of them.
  const additionalPorts = resolveAdditionalPorts(path, o.additionalPorts, listen, lowPorts);
  // lowPortSysctl: the lowest port becomes the pod's net.ipv4.ip_unprivileged_port_start (the container stays non-root).
  const unprivilegedPortStart = resolveUnprivilegedPortStart(path, o.lowPortSysctl, listen, additionalPorts);
  const tcpPorts = additionalPorts.filter((p) => p.protocol === 'TCP').map((p) => p.port);
  const liveness = resolveCheck(`${path}.healthCheck`, healthCheck, port, tcpPorts);
  // A service without a port gets no readinessProbe unless one is given: no Service sends it traffic.
  const readinessCheck = o.readinessCheck ?? d.readinessCheck;
  const readiness = readinessCheck === undefined ? undefined : resolveCheck(`${path}.readinessCheck`, readinessCheck, port, tcpPorts);
  if (readiness === undefined && listen.kind === 'port') fail(`${path}.readinessCheck`, 'a readiness check for a service with a port', undefined);
  for (const [field, c] of [['healthCheck', liveness], ['readinessCheck', readiness]] as const) {
    if (c?.shell && base.family === ImageFamily.DISTROLESS) {
      fail(`${path}.${field}`, `an exec check without a shell: ${base.reference} has no /bin/sh for HealthCheck.shell; use HealthCheck.exec([...]) with a program of the image`, c.command.join(' '));
    }
    if (c?.kind === HealthCheckKind.EXEC && base.family === ImageFamily.DISTROLESS && isShellProgram(c.command[0])) {
      fail(`${path}.${field}.command[0]`, `a program the image has: ${base.reference} has no shell, so the check could never pass; copy a check program into the image and run it with HealthCheck.exec(['/app/healthcheck', ...]) (or checkBinary for an HTTP/TCP check), or use a base image with a shell (BaseImage.debian, BaseImage.alpine)`, execProgram(c.command));
    }
  }
  const timing = resolveTiming(`${path}.timing`, o.timing, d.startPeriodSeconds, d.startIntervalSeconds, o.dockerStartInterval ?? false);
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
  if (createAccount) checkNewAccount(`${path}.user`, user, base.reference);

  // The check tool: verified to exist in the final stage, or installed there.
  const packages = [...systemPackages];
  if (packages.length > 0 && !shell) fail(`${path}.systemPackages`, `empty for a ${base.scratch ? 'scratch' : 'distroless'} base image (it has no package manager)`, packages);
  packages.forEach((p, i) => checkPackageFamily(`${path}.systemPackages[${i}]`, p, base.family, `the base image ${base.reference}`));
  const fromPackages = packages.map(packageTool).filter((t) => t !== undefined);
  // Tools the packages install come first: the image pays for them anyway (and curl beside wget trips hadolint DL4001).
  const available = [...new Set([...fromPackages, ...base.tools, ...addedTools])];
  let tool: CheckTool | undefined;
  let toolPkg: string | undefined;
  let checkCommand: string[] | undefined;
  const noDockerHealthcheck = o.noDockerHealthcheck ?? false;
  if (typeof noDockerHealthcheck !== 'boolean') fail(`${path}.noDockerHealthcheck`, 'a boolean', noDockerHealthcheck);
  if (noDockerHealthcheck) {
    // Only the kubelet checks the container: nothing for a Docker check tool to run.
    const docker = [['checkTool', o.checkTool], ['checkBinary', o.checkBinary], ['dockerStartInterval', o.dockerStartInterval || undefined]] as const;
    for (const [field, v] of docker) {
      if (v !== undefined) fail(`${path}.${field}`, 'unset when noDockerHealthcheck is true (the image has no HEALTHCHECK for it to run)', v);
    }
    checkCommand = undefined;
  } else if (o.checkBinary !== undefined) {
    checkAbsolutePath(`${path}.checkBinary`, o.checkBinary);
    if (liveness.kind === HealthCheckKind.EXEC) fail(`${path}.checkBinary`, 'unset when the health check is an exec check (Docker runs that command)', o.checkBinary);
    checkCommand = binaryCheckCommand(o.checkBinary, liveness, timing.timeoutSeconds);
  } else if (liveness.kind === HealthCheckKind.EXEC) {
    checkCommand = [...liveness.command];
  } else {
    tool = o.checkTool ?? defaultTool(liveness, available, base.family);
    if (tool === undefined && !shell) {
      fail(`${path}.checkBinary`, `a health-check program in the image: ${base.reference} has no shell, package manager or runtime that can run a ${liveness.kind} check; set checkBinary to a program the stages copy in, or noDockerHealthcheck: true (only the kubelet's probes check the container)`, undefined);
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

  const writablePaths = [...(o.writablePaths ?? DEFAULT_WRITABLE_PATHS)];
  const volumes = new Set<string>();
  const protectedPaths = [...SYSTEM_PATHS, ...userProtected];
  writablePaths.forEach((p, i) => {
    checkAbsolutePath(`${path}.writablePaths[${i}]`, p);
    if (p === '/') fail(`${path}.writablePaths[${i}]`, 'a directory other than /', p);
    const clash = protectedPaths.find((q) => p === q || p.startsWith(`${q}/`) || q.startsWith(`${p}/`));
    if (clash) fail(`${path}.writablePaths[${i}]`, `a path that does not mount an empty directory over ${clash} (the image needs what is there)`, p);
    const v = volumeName(name, p);
    if (volumes.has(v)) fail(`${path}.writablePaths[${i}]`, `a path whose volume name (${v}: the container name and the path, at most 63 characters) is unique`, p);
    volumes.add(v);
  });
  const labels = resolveLabels(`${path}.labels`, o.labels, d.labels);
  const kubernetesFile = checkFilePath(`${path}.kubernetesFile`, o.kubernetesFile ?? `k8s/${name}.yaml`, ['.yaml', '.yml']);

  const { command, entrypoint, baseImageCommand } = resolveRun(path, o);
  const commandComment = checkLine(`${path}.commandComment`, o.commandComment ?? 'The service, in the foreground, exec form (it receives SIGTERM directly).');
  const stopSignal = o.stopSignal === undefined ? undefined : checkSignal(`${path}.stopSignal`, o.stopSignal);
  const networkChecks = [liveness, readiness].some((c) => c !== undefined && c.kind !== HealthCheckKind.EXEC);
  if (networkChecks) checkReachableBind(path, entrypoint ?? [], command ?? []);
  const from = o.from === undefined ? undefined : checkStageName(`${path}.from`, o.from);
  const setupStage = o.setupStage === undefined ? undefined : checkStageName(`${path}.setupStage`, o.setupStage);
  return deepFreeze({
    path,
    name,
    directory,
    dockerfilePath: `${directory}/${dockerfileName}`,
    listen,
    additionalPorts,
    unprivilegedPortStart,
    user,
    liveness,
    readiness,
    timing,
    mapping,
    // The smallest failureThreshold whose startup budget covers the start period (health/_startup-budget.ts).
    startupFailureThreshold: startupFailureThreshold(timing.startPeriodSeconds, timing.startIntervalSeconds),
    writablePaths,
    readinessSuccessThreshold,
    readinessTiming,
    shutdownSeconds,
    podGracePeriodSeconds: shutdownSeconds === undefined ? undefined : shutdownSeconds + 5,
    probeGracePeriodSeconds,
    tool,
    checkCommand,
    startIntervalFlag: o.dockerStartInterval ?? false,
    labels,
    kubernetesFile,
    base,
    stageName,
    createAccount,
    packages,
    toolPackage: toolPkg,
    availableTools: tool === undefined ? available : [...new Set([...available, tool])],
    command,
    commandComment,
    baseImageCommand,
    stopSignal,
    entrypoint,
    from,
    setupStage,
    assumedChecks: [['healthCheck', healthCheck], ['readinessCheck', readinessCheck]].flatMap(([field, c]) => {
      const r = field === 'healthCheck' ? liveness : readiness;
      return c instanceof HealthCheck && ASSUMED_CHECKS.has(c) && r !== undefined ? [`${field} GET ${r.path}`] : [];
    }),
    dockerignore: o.dockerignore ?? true,
    dockerignoreEntries: [...(o.dockerignoreEntries ?? [])],
    unpinnedImages: (o.unpinnedImages ?? []).map((r, i) => checkUnpinnedImageReference(`${path}.unpinnedImages[${i}]`, r)),
  });
}

/**
 * The synth-time check across the model and the build stages (added after construction): `from` names a
 * build stage descending from the base image, and `setupStage` is one the final stage descends from.
 */
export function checkStageChain(m: ServiceModel, buildStages: readonly DockerfileStage[]): void {
  const names = new Map(buildStages.map((s) => [s.name, s]));
  if (m.from !== undefined && !names.has(m.from)) fail(`${m.path}.from`, `the name of a build stage (${[...names.keys()].join(', ') || 'none'})`, m.from);
  // The chain of stages the final stage descends from, ending at an image.
  const chain: string[] = [];
  let cursor = m.from;
  while (cursor !== undefined && names.has(cursor) && !chain.includes(cursor)) {
    chain.push(cursor);
    cursor = names.get(cursor)!.from;
  }
  const root = m.from === undefined ? m.base.reference : cursor;
  if (root !== m.base.reference) fail(`${m.path}.from`, `a stage descending from the base image ${m.base.reference}`, root);
  if (m.setupStage !== undefined && !chain.includes(m.setupStage)) {
    fail(`${m.path}.setupStage`, `a build stage the final stage descends from (${chain.join(', ') || 'none'})`, m.setupStage);
  }
}

/**
 * The endpoint a probe checks, compared as kube-score's pod-probes-identical and the checker's PC013 compare it: the
 * kind, the port, the HTTP path, the gRPC service, the exec argv. The scheme and the headers are not part of it, so
 * two checks that differ only there check the same endpoint.
 */
function sameEndpoint(a: ResolvedCheck, b: ResolvedCheck): boolean {
  const endpoint = (c: ResolvedCheck) => JSON.stringify([
    c.kind,
    c.kind === HealthCheckKind.HTTP_GET ? c.path : null,
    c.kind === HealthCheckKind.EXEC ? null : c.port,
    c.kind === HealthCheckKind.GRPC ? c.service : null,
    c.kind === HealthCheckKind.EXEC ? c.command : null,
  ]);
  return endpoint(a) === endpoint(b);
}

/** Legal but risky choices, as warning lines. */
export function serviceWarnings(m: ServiceModel): string[] {
  const w: string[] = [];
  const t = m.timing;
  if (m.readiness !== undefined && sameEndpoint(m.liveness, m.readiness)) {
    w.push(`${m.path}.readinessCheck: checks the same endpoint as the liveness check (headers and scheme aside); a failing dependency check would restart the container (kube-score pod-probes-identical)`);
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
    if (c?.kind === HealthCheckKind.HTTP_GET && c.pathDefaulted) {
      w.push(`${m.path}.${field}: HealthCheck.httpGet() without a path checks GET /; give the app's health endpoint (path: '/healthz'), or path: '/' to check the root on purpose`);
    }
  }
  if (!m.base.pinned) {
    w.push(`${m.path}.baseImage: ${m.base.reference} is not pinned (no tag, or latest; BaseImage.fromUnpinnedReference): each build may take another image (hadolint DL3006/DL3007); pin it with BaseImage.fromReference('<repository>:<version>') or a digest`);
  }
  if (m.assumedChecks.length > 0) {
    w.push(`${m.path}: the health checks are this construct's defaults, not paths read from your app: ${m.assumedChecks.join(', ')}; make sure the app serves them, or set ${m.assumedChecks.map((a) => a.split(' ')[0]).join(' and ')} to the app's own`);
  }
  for (const [field, c] of [['healthCheck', m.liveness], ['readinessCheck', m.readiness]] as const) {
    const missing = c?.kind === HealthCheckKind.EXEC ? missingProgramWarning(`${m.path}.${field}`, c.command, m.availableTools, m.base.family, m.base.reference) : undefined;
    if (missing) w.push(missing);
  }
  if (m.shutdownSeconds !== undefined && m.probeGracePeriodSeconds !== undefined && m.probeGracePeriodSeconds < m.shutdownSeconds) {
    w.push(`${m.path}.probeTerminationGracePeriod: ${m.probeGracePeriodSeconds}s is shorter than the ${m.shutdownSeconds}s shutdownGracePeriod; a container restarted by a failed probe is killed before it finishes its requests`);
  }
  return w;
}
