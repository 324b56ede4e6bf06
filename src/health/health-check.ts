import {
  checkHeaderName,
  checkKnownKeys,
  checkHeaderValue,
  checkHttpPath,
  checkPort,
  fail,
} from '../_validate';
import { checkExecArgv, shellArgv } from './_exec-argv';
import { ResolvedCheck } from './_resolved';
import { HealthCheckKind } from './health-check-kind';
import { HttpScheme } from './http-scheme';

/**
 * Options of an HTTP GET health check.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#HTTPGetAction
 */
export interface HttpGetCheckOptions {
  /**
   * Request path with optional query string. Must start with `/` and contain only RFC 3986 path and
   * query characters (letters, digits, `-._~!$&'()*+,;=:@%/?`; `%` only as a `%XX` escape).
   * @default '/'
   */
  readonly path?: string;

  /**
   * Port to probe, 1-65535: the container's port, or a TCP port of its `additionalPorts` (a health port of its own,
   * e.g. 8081 beside the service port 8080). The probe refers to the port by its name; the Docker HEALTHCHECK
   * requests `http://<host>:<port><path>`.
   * @default - the container's port
   * @throws Error (when a container uses the check) `<path>.<field>.port: must be the container's port ... or one of its additionalPorts ...`
   */
  readonly port?: number;

  /**
   * Scheme of the request. Containers accept HTTP only (HTTPS is refused: terminate TLS in front of the server).
   * @default HttpScheme.HTTP
   */
  readonly scheme?: HttpScheme;

  /**
   * Host the Docker HEALTHCHECK connects to from inside the container: an IPv4 address or a DNS name
   * other than `localhost` (refused).
   * Not written to the Kubernetes probe, where the kubelet connects to the pod IP.
   * `127.0.0.1` rather than `localhost`, which Alpine resolves to `::1` first.
   * @default '127.0.0.1'
   */
  readonly host?: string;

  /**
   * Extra request headers, name to value. Names are letters, digits and `-` only (`^[-A-Za-z0-9]+$`, the rule
   * of the Kubernetes API server, which refuses a Deployment whose probe header name has `_`, `.` or any other
   * RFC 7230 token character: write `X-Api-Key`, not `X_Api_Key`), unique regardless of case. Values are 1-4096
   * visible ASCII characters with inner spaces.
   * @default - no headers
   * @throws Error (when a container uses the check) `<path>.<field>.headers: must be an HTTP header name of letters, digits and '-' only ...`
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#HTTPGetAction
   * @see https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go
   */
  readonly headers?: { [name: string]: string };
}

/**
 * Options of a TCP health check: success when a connection opens.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#TCPSocketAction
 */
export interface TcpSocketCheckOptions {
  /**
   * Port to connect to, 1-65535: the container's port, or a TCP port of its `additionalPorts` (the probe refers
   * to it by name).
   * @default - the container's port
   */
  readonly port?: number;

  /**
   * Host the Docker HEALTHCHECK connects to; not written to the Kubernetes probe.
   * @default '127.0.0.1'
   */
  readonly host?: string;
}

/**
 * Options of a gRPC health check (the gRPC health checking protocol, `grpc.health.v1.Health/Check`).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#GRPCAction
 * @see https://github.com/grpc/grpc/blob/master/doc/health-checking.md
 */
export interface GrpcCheckOptions {
  /**
   * Port of the gRPC server, 1-65535: the container's port, or a TCP port of its `additionalPorts`. The
   * Kubernetes `grpc` probe takes the port as a number (not a name).
   * @default - the container's port
   */
  readonly port?: number;

  /**
   * The service name sent in the HealthCheckRequest; empty asks for the server's overall health.
   * 0-255 characters of `[A-Za-z0-9._/-]`.
   * @default '' (the whole server)
   */
  readonly service?: string;

  /**
   * Host the Docker HEALTHCHECK connects to; not written to the Kubernetes probe.
   * @default '127.0.0.1'
   */
  readonly host?: string;
}

/** The keys of each check's options (complete: the compiler checks `Record<keyof ...>`), refused otherwise at resolve. */
const HTTP_GET_KEYS: Record<keyof HttpGetCheckOptions, true> = { path: true, port: true, scheme: true, host: true, headers: true };
const TCP_SOCKET_KEYS: Record<keyof TcpSocketCheckOptions, true> = { port: true, host: true };
const GRPC_KEYS: Record<keyof GrpcCheckOptions, true> = { port: true, service: true, host: true };
const KEYS_OF_KIND: Record<string, readonly [Record<string, true>, string]> = {
  [HealthCheckKind.HTTP_GET]: [HTTP_GET_KEYS, 'HttpGetCheckOptions'],
  [HealthCheckKind.TCP_SOCKET]: [TCP_SOCKET_KEYS, 'TcpSocketCheckOptions'],
  [HealthCheckKind.GRPC]: [GRPC_KEYS, 'GrpcCheckOptions'],
};

const HOST_RE = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)$/;

/**
 * What a container is checked with: the same check becomes the Dockerfile `HEALTHCHECK` command
 * and the Kubernetes probe handler.
 *
 * Values are validated when a container uses the check, so errors name the container's field.
 *
 * @see https://docs.docker.com/reference/dockerfile/#healthcheck
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class HealthCheck {
  /**
   * An HTTP GET check; healthy on a status from 200 to 399.
   * @param options path, port, scheme, host and headers; all optional (default: GET / on the container's port from 127.0.0.1)
   * @throws Error (when a container uses it) `<path>.<field>.headers: must be an HTTP header name of letters, digits and '-' only ...`
   * for a header name Kubernetes refuses (`X_Api_Key`), and `<path>.<field>.<option>: must be ...` for any other invalid option
   */
  public static httpGet(options: HttpGetCheckOptions = {}): HealthCheck {
    return new HealthCheck(HealthCheckKind.HTTP_GET, options, undefined);
  }

  /**
   * A TCP check; healthy when a connection to the port opens.
   * @param options port and host; all optional (default: the container's port from 127.0.0.1)
   */
  public static tcpSocket(options: TcpSocketCheckOptions = {}): HealthCheck {
    return new HealthCheck(HealthCheckKind.TCP_SOCKET, options, undefined);
  }

  /**
   * A gRPC check (the gRPC health checking protocol); healthy when the server answers `SERVING`.
   * Kubernetes runs it natively (the `grpc` probe); Docker needs `CheckTool.GRPC_HEALTH_PROBE` in the image.
   * @param options port, service and host; all optional (default: the whole server on the container's port from 127.0.0.1)
   */
  public static grpc(options: GrpcCheckOptions = {}): HealthCheck {
    return new HealthCheck(HealthCheckKind.GRPC, options, undefined);
  }

  /**
   * A command run inside the container (exec form, no shell); healthy on exit status 0.
   * For Docker it must exit 0 or 1 (2 is reserved). The program should exist in the final stage: a known
   * tool (curl, wget, python3, node, a shell) the final stage lacks is a warning at synth.
   * @param command argv, at least one element, each a non-empty string without control characters; no word a
   *   shell would interpret (`||`, `&&`, `;`, `|`, `>`, `<`, `$VAR`, `${VAR}`, `$(...)`, backticks), except after
   *   a shell's `-c`
   * @throws Error (when a container uses it) `<path>.command[<n>]: must be an argv word the program receives as it is ...`
   *   for a shell word, naming `HealthCheck.shell` as the fix
   */
  public static exec(command: string[]): HealthCheck {
    return new HealthCheck(HealthCheckKind.EXEC, {}, command);
  }

  /**
   * A shell script run inside the container: `/bin/sh -c "(<script>) || exit 1"` for both the Docker
   * HEALTHCHECK and the Kubernetes exec probe, so every failure exits 1 (Docker reserves 2). The final stage
   * needs `/bin/sh`: refused on a distroless base image.
   * @param script one line of shell, e.g. `test -n "$(find /tmp/heartbeat -mmin -1)"`
   * @throws Error (when a container uses it) `<path>.script: must be ...` for an empty script or one with control characters,
   *   and `<path>: must be ...` on a base image without a shell
   */
  public static shell(script: string): HealthCheck {
    return new HealthCheck(HealthCheckKind.EXEC, {}, undefined, script);
  }

  /** The kind of check. */
  public readonly kind: HealthCheckKind;
  private readonly options: HttpGetCheckOptions & GrpcCheckOptions;
  /** The option keys as given, checked against the kind's options at resolve (errors then name the container's field). */
  private readonly givenKeys: string[];
  private readonly command?: string[];
  private readonly script?: string;

  private constructor(kind: HealthCheckKind, options: HttpGetCheckOptions & GrpcCheckOptions, command: string[] | undefined, script?: string) {
    this.kind = kind;
    this.script = script;
    this.givenKeys = options !== null && typeof options === 'object' ? Object.keys(options) : [];
    this.options = { ...options, headers: options.headers ? { ...options.headers } : undefined };
    this.command = command ? [...command] : undefined;
  }

  /**
   * Validates the check for a container listening on `containerPort` and declaring the TCP ports `otherPorts`.
   * @param path field path for errors, e.g. `app/backend.healthCheck`
   * @internal
   */
  public _resolve(path: string, containerPort: number, otherPorts: readonly number[] = []): ResolvedCheck {
    const o = this.options;
    const keys = KEYS_OF_KIND[this.kind];
    if (keys) checkKnownKeys(path, Object.fromEntries(this.givenKeys.map((k) => [k, (o as Record<string, unknown>)[k]])), keys[0], keys[1]);
    if (this.kind === HealthCheckKind.EXEC) {
      const shell = this.script !== undefined;
      const command = shell ? shellArgv(path, this.script!) : checkExecArgv(`${path}.command`, this.command ?? []);
      return { kind: this.kind, path: '', port: containerPort, scheme: HttpScheme.HTTP, host: '', headers: [], command, service: '', shell };
    }
    const port = o.port === undefined ? containerPort : checkPort(`${path}.port`, o.port);
    if (port !== containerPort && !otherPorts.includes(port)) {
      const others = otherPorts.length > 0 ? ` or one of its additionalPorts (${otherPorts.join(', ')})` : '';
      fail(`${path}.port`, `the container's port ${containerPort}${others} (probes refer to a named containerPort); to check a port of its own, declare it in additionalPorts with a name`, port);
    }
    const host = o.host ?? '127.0.0.1';
    if (typeof host !== 'string' || !HOST_RE.test(host)) fail(`${path}.host`, 'an IPv4 address or a lowercase DNS name', host);
    if (host === 'localhost') fail(`${path}.host`, 'an address other than localhost (Alpine resolves it to ::1 first; use 127.0.0.1)', host);
    if (this.kind === HealthCheckKind.TCP_SOCKET) {
      return { kind: this.kind, path: '', port, scheme: HttpScheme.HTTP, host, headers: [], command: [], service: '' };
    }
    if (this.kind === HealthCheckKind.GRPC) {
      const service = o.service ?? '';
      if (typeof service !== 'string' || !/^[A-Za-z0-9._/-]{0,255}$/.test(service)) fail(`${path}.service`, 'at most 255 of [A-Za-z0-9._/-]', service);
      return { kind: this.kind, path: '', port, scheme: HttpScheme.HTTP, host, headers: [], command: [], service };
    }
    const httpPath = checkHttpPath(`${path}.path`, o.path ?? '/');
    const scheme = o.scheme ?? HttpScheme.HTTP;
    if (scheme !== HttpScheme.HTTP && scheme !== HttpScheme.HTTPS) fail(`${path}.scheme`, 'HTTP or HTTPS', scheme);
    const headers: Array<readonly [string, string]> = [];
    const seen = new Set<string>();
    for (const [name, value] of Object.entries(o.headers ?? {})) {
      checkHeaderName(`${path}.headers`, name);
      checkHeaderValue(`${path}.headers.${name}`, value);
      if (seen.has(name.toLowerCase())) fail(`${path}.headers`, 'header names unique regardless of case', name);
      seen.add(name.toLowerCase());
      headers.push([name, value]);
    }
    return { kind: this.kind, path: httpPath, port, scheme, host, headers, command: [], service: '', ...(o.path === undefined ? { pathDefaulted: true } : {}) };
  }
}
