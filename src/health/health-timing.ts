import { Duration } from '../duration';

/**
 * When and how often a health check runs, in Docker's terms; the Kubernetes probes are derived from it.
 *
 * Every duration must be a whole number of seconds from 1 s to 86400 s (one day), the timeout may not
 * exceed the interval, and the start interval may not exceed the interval.
 *
 * | field | Dockerfile `HEALTHCHECK` | Kubernetes |
 * |---|---|---|
 * | interval | `--interval` | `periodSeconds` (liveness, readiness) |
 * | timeout | `--timeout` | `timeoutSeconds` |
 * | retries | `--retries` | `failureThreshold` (liveness, readiness) |
 * | startPeriod | `--start-period` | startupProbe budget (or `initialDelaySeconds`) |
 * | startInterval | `--start-interval` (only when enabled) | `startupProbe.periodSeconds` |
 *
 * @see https://docs.docker.com/reference/dockerfile/#healthcheck
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
 */
export interface HealthTiming {
  /**
   * Time between two checks once the container has started.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;

  /**
   * Time after which one check counts as failed. At most `interval`.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;

  /**
   * Time the container gets to start: failures in it do not count, and the first success ends it.
   * @default - set by each construct (10 s; 5 s for the static frontend)
   */
  readonly startPeriod?: Duration;

  /**
   * Time between checks during the start period: the startupProbe's `periodSeconds`, and Docker's
   * `--start-interval` when that flag is enabled. At most `interval` when the flag is written (Docker's rule;
   * Kubernetes does not bound the startupProbe's period by the liveness period). The startupProbe checks every
   * start interval until the start period has passed (`failureThreshold = ceil(startPeriod / startInterval) + 1`).
   * @default - set by each construct (2 s; 1 s for the static frontend); 5 s (Docker's own default) for `Instruction.healthcheck`
   */
  readonly startInterval?: Duration;

  /**
   * Consecutive failures after which the container is unhealthy (Kubernetes: restarted, or taken
   * out of service for readiness). An integer from 1 to 1000.
   * @default 3
   */
  readonly retries?: number;
}
