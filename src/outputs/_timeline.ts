// What a container's health settings mean in time (seconds), derived from the model for the alignment report.
import { BudgetProbe, startupBudgetSeconds, startupBudgetText } from '../health/_startup-budget';
import { StartPeriodMapping } from '../health/start-period-mapping';
import { ServiceModel } from '../service/_model';
import { rendered } from '../service/_rendered';

/**
 * What a container's health settings mean in time, in whole seconds after the container starts
 * (Docker) or after the failure begins. Derived from the model only.
 *
 * Docker runs a check `interval` after the previous one ended (during the start period every
 * `start interval` when `--start-interval` is written, Engine >= 25); failures inside the start period
 * are not counted; `retries` counted failures in a row mark the container unhealthy (Docker and
 * Compose do not restart it; Compose's `depends_on: service_healthy` fails). The kubelet starts a
 * probe every `periodSeconds`; `failureThreshold` failures in a row fail it: a failed startup or
 * liveness probe restarts the container, a failed readiness probe takes it out of the Service endpoints.
 */
export interface HealthTimeline {
  /** Docker: when the first check runs. */
  readonly dockerFirstCheck: number;
  /** Docker: when an app that never answers is marked unhealthy (fast-failing checks). */
  readonly dockerUnhealthyIfNeverUp: number;
  /** Docker: a dead process (checks fail at once) is unhealthy at most this long after it died. */
  readonly dockerDetectDead: number;
  /** Docker: a hung process (every check times out) is unhealthy at most this long after it hung. */
  readonly dockerDetectHung: number;
  /**
   * Kubernetes: the startup budget (`startupBudgetSeconds` of the startupProbe, else of the livenessProbe): an app
   * that has not answered by then may be restarted, and is not restarted before.
   */
  readonly kubeStartupBudget: number;
  /** Kubernetes: how the startup budget is made, e.g. `startupProbe: initialDelaySeconds 0 + periodSeconds 2 x (failureThreshold 6 - 1) = 10s`. */
  readonly kubeStartupBudgetText: string;
  /** Kubernetes: a dead process is restarted at most this long after it died (before the grace period). */
  readonly kubeDetectDead: number;
  /** Kubernetes: a hung process is restarted at most this long after it hung. */
  readonly kubeDetectHung: number;
  /** Kubernetes: a failing readiness check takes the pod out of the endpoints after at most this long. */
  readonly kubeNotReady: number;
}

/** Docker's unhealthy time for an app that never answers: checks fail at once, starting at 0 s. */
function dockerUnhealthyAt(m: ServiceModel): number {
  const t = m.timing;
  let at = 0;
  let counted = 0;
  while (counted < t.retries) {
    at += m.startIntervalFlag && at < t.startPeriodSeconds ? t.startIntervalSeconds : t.intervalSeconds;
    if (at >= t.startPeriodSeconds) counted++;
  }
  return at;
}

/** The timeline of one container. */
export function healthTimeline(m: ServiceModel): HealthTimeline {
  const t = m.timing;
  const startup = m.mapping === StartPeriodMapping.STARTUP_PROBE;
  const livenessFail = t.retries * t.intervalSeconds;
  // The probe as written (the liveness probe waits for the startupProbe, so the budget is the startupProbe's).
  const c = rendered(m).kubernetes.container;
  const budgetProbe: BudgetProbe = (startup ? c.startupProbe : c.livenessProbe)!;
  return {
    dockerFirstCheck: m.startIntervalFlag ? t.startIntervalSeconds : t.intervalSeconds,
    dockerUnhealthyIfNeverUp: dockerUnhealthyAt(m),
    dockerDetectDead: t.retries * t.intervalSeconds,
    dockerDetectHung: t.retries * (t.intervalSeconds + t.timeoutSeconds),
    kubeStartupBudget: startupBudgetSeconds(budgetProbe),
    kubeStartupBudgetText: `${startup ? 'startupProbe' : 'livenessProbe'}: ${startupBudgetText(budgetProbe)}`,
    kubeDetectDead: livenessFail,
    kubeDetectHung: livenessFail + t.timeoutSeconds,
    kubeNotReady: m.readinessTiming.failureThreshold * m.readinessTiming.periodSeconds,
  };
}
