import { Duration } from '../duration';

/**
 * How often the readinessProbe runs and when it takes the pod out of the Service endpoints: its own timing,
 * independent of the liveness check's (Docker has no readiness check, so nothing in the Dockerfile uses it).
 * The defaults take a failing pod out of the Service within 15 s (3 failures x 5 s), 18 s when every check
 * times out, well within 30 s; the liveness timing (30 s x 3) would take up to 90 s.
 *
 * Whole seconds, 1 s to one day; the timeout may not exceed the period.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
 */
export interface ReadinessTiming {
  /**
   * readinessProbe `periodSeconds`: time between two checks.
   * @default Duration.seconds(5)
   */
  readonly period?: Duration;

  /**
   * readinessProbe `timeoutSeconds`: time after which one check counts as failed. At most `period`.
   * @default Duration.seconds(3)
   */
  readonly timeout?: Duration;

  /**
   * readinessProbe `failureThreshold`: failures in a row that take the pod out of the Service, 1 to 1000.
   * @default 3
   */
  readonly failureThreshold?: number;

  /**
   * readinessProbe `successThreshold`: successes in a row that put it back, 1 to 100.
   * @default 1 (or the container's `readinessSuccessThreshold`)
   */
  readonly successThreshold?: number;
}
