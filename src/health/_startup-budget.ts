// The one startup-budget formula (what the kubelet guarantees a starting app) and the startup failureThreshold it gives.

/** The probe fields the startup budget depends on, in whole seconds and counts as a Probe writes them. */
export interface BudgetProbe {
  /** Seconds after the container's start before the first probe. */
  readonly initialDelaySeconds: number;
  /** Seconds between probes. */
  readonly periodSeconds: number;
  /** Failures in a row that make the kubelet restart the container (at least 1). */
  readonly failureThreshold: number;
}

/**
 * The startup budget, in seconds: how long after the container starts an app that is not answering yet is
 * guaranteed not to be restarted by this probe (the startupProbe, or the livenessProbe when there is none).
 *
 * `initialDelaySeconds + periodSeconds x (failureThreshold - 1)`: the first probe runs at the earliest at
 * `initialDelaySeconds`, the failureThreshold-th failure in a row `periodSeconds x (failureThreshold - 1)` later,
 * and the kubelet restarts the container on it. `timeoutSeconds` is not added: an app that does not listen yet
 * refuses the connection, so its probe fails at once, whatever the timeout.
 *
 * Measured on kubelet 1.34.4 (docs/mapping.md, "On a real kubelet"): with failureThreshold 5 and periodSeconds 2
 * (timeoutSeconds 2), an app that never answers was restarted 8.0 s after the first failed probe every time, and
 * 8.2-9.2 s after the kubelet saw the container started: `(5 - 1) x 2 = 8 s`, not the 10 s that adding
 * timeoutSeconds (or `failureThreshold x periodSeconds`) would promise. The kubelet's first probe may come up to
 * one period late, so the actual restart can come up to `periodSeconds` (+ about 1 s) after the budget, never before.
 *
 * @param p the probe's timing (seconds, a count).
 * @returns seconds after the container's start.
 * @throws nothing: the caller passes validated whole seconds and a failureThreshold of at least 1.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 * @see docs/mapping.md ("startupProbe rather than initialDelaySeconds", "On a real kubelet")
 */
export function startupBudgetSeconds(p: BudgetProbe): number {
  return p.initialDelaySeconds + p.periodSeconds * (p.failureThreshold - 1);
}

/**
 * How the startup budget is made, for messages and the report:
 * `initialDelaySeconds 0 + periodSeconds 3 x (failureThreshold 8 - 1) = 21s`.
 *
 * @param p the probe's timing (seconds, a count).
 * @returns the formula with the probe's values and the budget in seconds.
 * @throws nothing.
 * @see startupBudgetSeconds
 */
export function startupBudgetText(p: BudgetProbe): string {
  return `initialDelaySeconds ${p.initialDelaySeconds} + periodSeconds ${p.periodSeconds} x (failureThreshold ${p.failureThreshold} - 1) = ${startupBudgetSeconds(p)}s`;
}

/**
 * The startupProbe's failureThreshold: the smallest count (at least 1) whose startup budget
 * (`startupBudgetSeconds`, with `initialDelaySeconds` 0 as the generator writes it) is at least the start period,
 * i.e. `ceil(startPeriod / periodSeconds) + 1` (start period 10 s, interval 2 s: 6; 20 s and 3 s: 8).
 *
 * @param startPeriodSeconds the Docker start period, whole seconds (at least 1 once resolved).
 * @param periodSeconds the startupProbe's period (the start interval), whole seconds, at least 1.
 * @param initialDelaySeconds the startupProbe's initialDelaySeconds. @default 0
 * @returns a failureThreshold, at least 1.
 * @throws Error when periodSeconds is not a positive whole number (the model validated it first).
 * @see startupBudgetSeconds
 */
export function startupFailureThreshold(startPeriodSeconds: number, periodSeconds: number, initialDelaySeconds: number = 0): number {
  if (!Number.isInteger(periodSeconds) || periodSeconds < 1) throw new Error(`periodSeconds: must be a whole number of seconds, at least 1; received ${periodSeconds}`);
  const failureThreshold = 1 + Math.max(0, Math.ceil((startPeriodSeconds - initialDelaySeconds) / periodSeconds));
  return failureThreshold;
}
