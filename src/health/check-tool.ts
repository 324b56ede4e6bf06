/**
 * The program that runs an HTTP or TCP health check inside the container for Docker's
 * `HEALTHCHECK` (the kubelet needs none: it probes from outside).
 *
 * The tool must exist in the final stage: each preset installs it when its base image lacks it and
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
   * HTTP and TCP. Only where the final stage has python3 (the Python presets).
   */
  PYTHON = 'python3',
}
