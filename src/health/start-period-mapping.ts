/**
 * How Docker's `--start-period` is expressed in Kubernetes.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/#startup-probe
 */
export enum StartPeriodMapping {
  /**
   * A `startupProbe` with the liveness check, `periodSeconds = startInterval` and
   * `failureThreshold = ceil(startPeriod / startInterval) + 1`; liveness and readiness start at once
   * (`initialDelaySeconds: 0`) after it succeeds. Like Docker, the first success ends the start period. The
   * failureThreshold is the smallest whose startup budget, `periodSeconds x (failureThreshold - 1)` seconds (the
   * kubelet restarts the container at the failureThreshold-th failure, that long after the first probe), covers the
   * whole start period (docs/mapping.md, "The startup budget").
   */
  STARTUP_PROBE = 'startupProbe',
  /**
   * The literal mapping many hand-written setups use: no startup probe; liveness and readiness get
   * `initialDelaySeconds = startPeriod`.
   */
  INITIAL_DELAY = 'initialDelaySeconds',
}
