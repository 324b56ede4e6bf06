import { AdditionalPort } from '../container/additional-port';
import { ContainerUser } from '../container/container-user';
import { OciLabels } from '../container/oci-labels';
import { Duration } from '../duration';
import { CheckTool } from '../health/check-tool';
import { HealthCheck } from '../health/health-check';
import { HealthTiming } from '../health/health-timing';
import { ReadinessTiming } from '../health/readiness-timing';
import { StartPeriodMapping } from '../health/start-period-mapping';

/**
 * What every container preset shares: its port, checks, timing, user, labels and output paths.
 * One value here feeds every file that carries it (Dockerfile, nginx.conf, Kubernetes snippet).
 * Where this page says "set by each construct", `ContainerService` and each preset document their own defaults.
 *
 * @see https://docs.docker.com/reference/dockerfile/#healthcheck
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export interface ContainerServiceOptions {
  /**
   * Container name in the Kubernetes snippet, an RFC 1123 DNS label (`[a-z0-9-]`, at most 63).
   * @default - set by each construct (ContainerService: the construct id; FastApiBackend 'backend', StaticFrontend 'frontend', NodeService 'node', GoService 'server')
   */
  readonly name?: string;

  /**
   * Project-relative directory of the service, its build context: its Dockerfile and .dockerignore (and nginx.conf)
   * are written there. May start with `..` segments (`'../services/orders'`) for a projen project in a folder of
   * its own inside an existing repository; `'.'` alone is the project's own folder (a Dockerfile at the repository
   * root: `./Dockerfile`, `./.dockerignore`); `..` after a folder name, `.` inside a path, empty, `.git`, `.projen`
   * and `node_modules` segments are refused. projen never deletes a generated file outside its folder: delete it
   * yourself when you remove the container.
   * @default - the container name
   * @throws Error `<path>.directory: must be a relative path ...` for any other value
   * @see https://github.com/projen-containers/projen-containers/blob/main/docs/getting-started.md#an-existing-repository
   */
  readonly directory?: string;

  /**
   * File name of the Dockerfile in `directory`. Several containers built from the same code directory (an API and
   * a worker with another command) each need their own: e.g. `Dockerfile` and `Dockerfile.worker`. They share the
   * directory's `.dockerignore` (the build context is the same). Each Dockerfile of its own rather than stages of a
   * shared one: a container's stages, setup step and final stage stay its own, and `docker build -f` picks it.
   * @default 'Dockerfile'
   */
  readonly dockerfileName?: string;

  /**
   * The port the service serves on, 1024-65535 (non-root processes cannot bind below 1024; 1-1023 with
   * `lowPortSysctl`). Must be unset with `noPort`.
   * It feeds EXPOSE, the server's listen setting, the check URL, the first `containerPort`, Compose's published port,
   * Helm's `service.port` and the probes of every check without a `port` of its own (other ports: `additionalPorts`).
   * @default - set by each construct (ContainerService 8080; FastApiBackend 8000, StaticFrontend 8080, NodeService 3000, GoService 8080)
   */
  readonly port?: number;

  /**
   * The service listens on no port (a worker, e.g. a Celery-like queue consumer): no `EXPOSE`, no
   * `containerPort`, no Compose `ports`. Its checks must then be exec checks (`HealthCheck.exec` or
   * `HealthCheck.shell`): an HTTP, TCP or gRPC check is an error. Without a `readinessCheck` it gets no
   * readinessProbe (no Service sends it traffic; the pod is Ready once the startupProbe passes).
   * @default false
   */
  readonly noPort?: boolean;

  /**
   * Name of the container port, which the probes refer to (IANA_SVC_NAME: 1-15 of `[a-z0-9-]`). Service meshes
   * read the protocol from it.
   * @default 'grpc' for a gRPC health check, else 'http'
   */
  readonly portName?: string;

  /**
   * Ports the container declares beside its service port: a metrics port, a health port of its own, an admin port.
   * Each becomes `EXPOSE <port>/<protocol>`, a named `containerPort` after the service port's, and a Compose
   * `expose` entry (not published on the host: only the service port is). A check whose `port` is one of them
   * (`HealthCheck.httpGet({ path: '/healthz', port: 8081 })`) is probed there, by the port's name. Names are unique
   * among the container's ports (`portName` included), numbers unique per protocol, 1024-65535 (1-1023 too with
   * `lowPortSysctl`).
   * Not with StaticFrontend (nginx listens on its one port).
   * @default - none
   * @throws Error `<path>.additionalPorts[<n>].<field>: must be ...` for an invalid name, number or protocol, or a duplicate
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
   */
  readonly additionalPorts?: AdditionalPort[];

  /**
   * Listen on IPv6 too: the server binds the IPv6 wildcard `::` instead of `0.0.0.0`, for clusters whose pod IPs
   * are IPv6 (single-stack IPv6 or dual-stack), where the kubelet's probes and the Service's traffic arrive over
   * IPv6. On Linux a socket bound to `::` takes IPv4 too (unless the host sets `net.ipv6.bindv6only=1`), so the
   * Docker HEALTHCHECK keeps requesting `127.0.0.1`. FastApiBackend: uvicorn `--host ::`. NodeService and
   * GoService: `ENV HOST=::` for an app that reads `HOST` (Node's `server.listen(port)` and Go's
   * `http.ListenAndServe(":8080", ...)` without a host already bind `::`). StaticFrontend: nginx `listen [::]:<port>`
   * beside `listen <port>`. A `command` of your own must bind it itself (`--host ::`, `--bind [::]:8000`).
   * Must be unset with `noPort`.
   * @default false: IPv4 only (`0.0.0.0`)
   * @see https://www.uvicorn.org/settings/#socket-binding
   * @see https://kubernetes.io/docs/concepts/services-networking/dual-stack/
   */
  readonly ipv6?: boolean;

  /**
   * Let the non-root process bind `port` or an `additionalPorts` entry below 1024 (an ASP.NET app on 80, nginx or
   * Apache on 80), through the namespaced sysctl `net.ipv4.ip_unprivileged_port_start`, set to the lowest port the
   * container declares (least privilege: ports from there up become bindable, none lower). The container keeps running
   * as its non-root user with every capability dropped: never `NET_BIND_SERVICE` (a non-root process without file
   * capabilities does not get it) and never root. Written explicitly in every output that runs the container: the
   * Kubernetes snippet's pod `securityContext.sysctls` (a "safe" sysctl since Kubernetes 1.22, allowed without
   * kubelet flags; not with `hostNetwork`), the kustomize patch's and the Helm values' pod securityContext
   * (`podSecurityContext`), Compose `sysctls:` (Docker Engine 20.10+ already sets it to 0 in a container with its own
   * network namespace; the file says it anyway), the ECS fragment's `systemControls` (EC2, and Fargate platform
   * 1.4.0+; not with the `host` network mode), and the alignment report.
   *
   * It trades a linter finding for keeping the app's port: Trivy KSV-0117 flags a containerPort below 1024. Prefer
   * moving the app to a port from 1024 where you can change it.
   * @default false: every port is 1024-65535
   * @throws Error `<path>.port: must be from 1024 to 65535 ... (or set lowPortSysctl: true ...)` for a port below 1024
   *   without it, `<path>.lowPortSysctl: must be unset ...` when no port is below 1024
   * @see https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
   * @see https://docs.docker.com/reference/cli/docker/container/run/#sysctl
   * @see https://docs.docker.com/reference/compose-file/services/#sysctls
   */
  readonly lowPortSysctl?: boolean;

  /**
   * The liveness check: Docker's HEALTHCHECK, the livenessProbe and the startupProbe. It should
   * check the process only, not its dependencies. HTTP checks must use `HttpScheme.HTTP`: the presets' servers
   * (uvicorn, nginx) serve plain HTTP, and an HTTPS check could never pass.
   * @default - set by each construct (ContainerService, NodeService, GoService: HTTP GET '/healthz'; FastApiBackend '/api/v1/health'; StaticFrontend '/')
   */
  readonly healthCheck?: HealthCheck;

  /**
   * The readinessProbe's check (Docker has no readiness check). It may check dependencies. A warning
   * is logged when it equals the liveness check (kube-score pod-probes-identical).
   * @default - set by each construct (HTTP GET '/readyz'; FastApiBackend '/api/v1/health/ready')
   */
  readonly readinessCheck?: HealthCheck;

  /**
   * The program that runs an HTTP or TCP check for Docker; installed in the final stage when the
   * base image lacks it.
   * @default - set by each construct (ContainerService: a tool the final stage has, else wget installed; FastApiBackend and StaticFrontend WGET, NodeService NODE, GoService: its health program as checkBinary); docs/performance.md has each tool's cost
   */
  readonly checkTool?: CheckTool;

  /**
   * Absolute path of a health-check program in the final stage that Docker runs instead of `checkTool`
   * (for images with neither a shell nor an HTTP client, such as distroless): exec form
   * `[checkBinary, <target>, <timeout seconds>, <Header: value>...]`, where the target is the check URL (HTTP) or
   * `<host>:<port>` (TCP, gRPC). It must exit 0 (healthy) or 1. The probes still use `healthCheck`.
   * @default - none: `checkTool` runs the check
   */
  readonly checkBinary?: string;

  /**
   * The image has no Docker health check: only the kubelet's probes (`healthCheck`, `readinessCheck`) check it. For a
   * final stage with no program that can run the check (distroless or another shell-less base, no HTTP client, no
   * health program): Kubernetes' httpGet, tcpSocket and grpc probes are sent by the kubelet and need nothing in the
   * image. The Dockerfile then has `HEALTHCHECK NONE` (which also turns off a check the base image may carry), the
   * Compose service `healthcheck: { disable: true }`, and the alignment report says so; a Compose `depends_on` on it
   * with `service_healthy` and an `EcsHealthCheck` of it are errors (nothing could report it healthy). An exec
   * check (`HealthCheck.exec`) still needs its program in the image: the kubelet runs it there. `checkTool`,
   * `checkBinary` and `dockerStartInterval` must be unset with it.
   * @default false: the image has a HEALTHCHECK running the liveness check (with `checkTool` or `checkBinary`)
   * @throws Error `<path>.checkTool` (or `.checkBinary`, `.dockerStartInterval`): `must be unset when noDockerHealthcheck
   *   is true ...` when one of them is set with it; `<ComposeFile path>.dependencies: must be an edge to a container with
   *   a Docker health check ...` for a `service_healthy` edge to it, at synth
   * @see https://docs.docker.com/reference/dockerfile/#healthcheck
   * @see https://docs.docker.com/reference/compose-file/services/#healthcheck
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
   */
  readonly noDockerHealthcheck?: boolean;

  /**
   * The readinessProbe's own period, timeout and thresholds (the liveness check's interval does not slow it down).
   * @default - period 5 s, timeout 3 s, failureThreshold 3, successThreshold 1: a failing pod leaves the Service within 15 s (18 s when checks time out)
   */
  readonly readinessTiming?: ReadinessTiming;

  /**
   * readinessProbe `successThreshold`: consecutive successes before a not-ready container is ready again,
   * 1 to 100 (liveness and startup probes must use 1).
   * @default 1
   */
  readonly readinessSuccessThreshold?: number;

  /**
   * Probe-level `terminationGracePeriodSeconds` of the liveness and startup probes: how long a container
   * that failed them gets to stop before it is killed, 1 s to one day, whole seconds.
   * @default - not written: the pod's terminationGracePeriodSeconds applies
   */
  readonly probeTerminationGracePeriod?: Duration;

  /**
   * How long the app takes to shut down gracefully after SIGTERM (finish requests in flight), whole seconds, 1 s to
   * one hour. One field for every output: uvicorn's `--timeout-graceful-shutdown` (FastApiBackend), and 5 s more for
   * the pod's `terminationGracePeriodSeconds` (Kubernetes snippet; the kustomize patch and Helm values, which merge
   * over a pod of the user's, only when that is more than Kubernetes' default of 30 s) and Compose's
   * `stop_grace_period` (what `docker compose stop` waits before SIGKILL), so the app ends before it is killed.
   * A `probeTerminationGracePeriod` shorter than it is a warning.
   * @default - not written: Kubernetes and Docker give 30 s and 10 s, uvicorn waits for every request
   */
  readonly shutdownGracePeriod?: Duration;

  /**
   * Interval, timeout, start period, start interval and retries.
   * @default - interval 30 s, timeout 10 s, retries 3; start period and start interval set by each construct (10 s and 2 s; StaticFrontend 5 s and 1 s)
   */
  readonly timing?: HealthTiming;

  /**
   * How the start period is expressed in Kubernetes.
   * @default StartPeriodMapping.STARTUP_PROBE
   */
  readonly startPeriodMapping?: StartPeriodMapping;

  /**
   * Write `--start-interval` in the HEALTHCHECK. Docker Engine 25 or later understands it; older
   * engines reject the Dockerfile, so it is off by default (the startupProbe still uses the start interval).
   * @default false
   */
  readonly dockerStartInterval?: boolean;

  /**
   * The non-root account the container runs as.
   * @default - the base image's own account when it has one (node 1000:1000, distroless nonroot 65532:65532, nginx-unprivileged nginx 101:101), else appuser, uid 1000, gid 1000, group 'appuser' ('appgroup' for StaticFrontend), created in the image
   */
  readonly user?: ContainerUser;

  /**
   * OCI labels of the production image.
   * @default - title: the container name; description set by each construct; licenses (unless projen's default Apache-2.0), source, url and version from the projen project's metadata where it has them (see OciLabels); no vendor
   */
  readonly labels?: OciLabels;

  /**
   * Absolute paths the container writes to at run time. The Kubernetes snippet mounts an emptyDir at
   * each (the root filesystem is read-only), its volume named `<name>-<path>` (`backend-tmp`); `docker run --read-only` needs a `--tmpfs` at each. Normalized
   * paths only, never `/` nor a system directory (`/etc`, `/usr`, ...) nor the service's own files (`/app`,
   * the nginx docroot), or anything above them. The static frontend needs at least one: nginx writes its pid
   * file and temp files to the first.
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];

  /**
   * Write `<directory>/.dockerignore`, keeping local build output, caches and VCS data out of the
   * build context (and so out of `COPY . .`). Set to false to keep your own file: projen never touches a file you
   * wrote, and a generated one that carried your lines (`replaceExisting`) gives them back as your own file.
   * @default true
   * @see https://docs.docker.com/build/concepts/context/#dockerignore-files
   */
  readonly dockerignore?: boolean;

  /**
   * Let synthesis replace files projen did not generate at this container's paths (its Dockerfile, .dockerignore,
   * nginx.conf and Kubernetes snippet). Without it, an existing file with no projen marker that is not in
   * `.projen/files.json` (a hand-written `backend/Dockerfile` or `k8s/backend.yaml`) stops synthesis with an error
   * naming it, and nothing is written. A replaced `.dockerignore` keeps your lines, carried below the generated entries.
   * @default false
   */
  readonly replaceExisting?: boolean;

  /**
   * Project-relative path of the Kubernetes snippet (a PodSpec fragment).
   * @default 'k8s/<name>.yaml'
   */
  readonly kubernetesFile?: string;
}
