/**
 * The program that runs an HTTP, TCP or gRPC health check inside the container for Docker's
 * `HEALTHCHECK` (the kubelet needs none: it probes from outside).
 *
 * The tool must exist in the final stage: the container installs it when its base image lacks it and
 * refuses a tool it cannot provide.
 *
 * @see https://docs.docker.com/reference/dockerfile/#healthcheck
 */
export enum CheckTool {
  /**
   * `curl -fsS -o /dev/null --max-time <timeout> <url>`, wrapped in `/bin/sh -c '... || exit 1'`
   * so the exit status is 0 or 1 (Docker reserves 2). HTTP only.
   */
  CURL = 'curl',
  /**
   * `wget -q -O /dev/null -T <timeout> <url>` with only the flags BusyBox wget takes (and GNU wget
   * too), wrapped in `/bin/sh -c '... || exit 1'`. `-T` is always given: BusyBox's default timeout is 900 s. HTTP only.
   */
  WGET = 'wget',
  /**
   * `python3 -c <script>` using only the standard library (`urllib.request`, `socket`); exits 0 or 1.
   * HTTP and TCP. Only where the final stage has python3 (python images, distroless python3, or `addedTools`).
   */
  PYTHON = 'python3',
  /**
   * `node -e <script>` using Node's global `fetch` (Node 18 or later) or `net` for TCP; exits 0 or 1.
   * HTTP and TCP. Only where the final stage has Node.js (Node images, distroless nodejs, where it runs
   * as `/nodejs/bin/node`).
   */
  NODE = 'node',
  /**
   * `grpc_health_probe -addr=<host>:<port> -connect-timeout=<timeout>s -rpc-timeout=<timeout>s [-service=<name>]`,
   * the gRPC health checking protocol client. gRPC checks only. Never installed by this library: the image
   * must have it (see `ContainerServiceProps.addedTools`). Wrapped in `/bin/sh -c '... || exit 1'` where the
   * image has a shell (it exits 2 on a connection failure, which Docker reserves).
   * @see https://github.com/grpc-ecosystem/grpc-health-probe
   */
  GRPC_HEALTH_PROBE = 'grpc_health_probe',
}
