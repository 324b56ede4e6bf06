/**
 * Rules on the HEALTHCHECK timing against the probes (docs: the mapping table of DESIGN.md):
 * interval = livenessProbe.periodSeconds, timeout = timeoutSeconds, retries = failureThreshold, and the
 * startup budget at least the start period. The budget is the generator's own (`startupBudgetSeconds`,
 * health/_startup-budget.ts): the time from the container's start before which the kubelet does not restart an app
 * that is not answering yet, `initialDelaySeconds + periodSeconds x (failureThreshold - 1)`, of the startupProbe when
 * there is one (liveness waits for it), else of the livenessProbe.
 */
import { Finding, finding } from './_finding';
import { DockerImage, K8sContainer } from '../read';
import { containerLabel } from './_probes';
import { startupBudgetSeconds, startupBudgetText } from '../../health/_startup-budget';

const fmt = (s: number) => `${Number(s.toFixed(3))}s`;

export function timingRules(image: DockerImage, c: K8sContainer): Finding[] {
  const out: Finding[] = [];
  const hc = image.healthcheck;
  const live = c.liveness;
  if (!hc || hc.none || !live) return out;
  const subject = containerLabel(c);
  const at = (field: string) => live.lines[field] ?? live.line;
  const written = (flag: string, value: string) => (hc.flags[flag] !== undefined ? `--${flag}=${hc.flags[flag]}` : `${value} (Docker's default ${flag})`);
  const dflt = (field: string) => (live.lines[field] === undefined ? ' (Kubernetes default)' : '');
  if (hc.interval !== live.periodSeconds) {
    out.push(finding('PC005', c.file, at('periodSeconds'), subject,
      `livenessProbe.periodSeconds ${live.periodSeconds}${dflt('periodSeconds')}, HEALTHCHECK ${written('interval', fmt(hc.interval))} (${image.file}:${hc.line})`));
  }
  if (hc.timeout !== live.timeoutSeconds) {
    out.push(finding('PC006', c.file, at('timeoutSeconds'), subject,
      `livenessProbe.timeoutSeconds ${live.timeoutSeconds}${dflt('timeoutSeconds')}, HEALTHCHECK ${written('timeout', fmt(hc.timeout))} (${image.file}:${hc.line})`));
  }
  if (hc.retries !== live.failureThreshold) {
    out.push(finding('PC007', c.file, at('failureThreshold'), subject,
      `livenessProbe.failureThreshold ${live.failureThreshold}${dflt('failureThreshold')}, HEALTHCHECK ${written('retries', String(hc.retries))} (${image.file}:${hc.line})`));
  }
  if (hc.startPeriod > 0) {
    const s = c.startup ?? live;
    const budget = startupBudgetSeconds(s);
    if (budget < hc.startPeriod) {
      const how = `${c.startup ? 'startupProbe' : 'with no startupProbe, livenessProbe'} allows ${budget}s (${startupBudgetText(s)})`;
      out.push(finding('PC008', c.file, c.startup ? c.startup.line : at('initialDelaySeconds'), subject,
        `${how}, shorter than the HEALTHCHECK --start-period=${hc.flags['start-period']} (${image.file}:${hc.line}): a start as slow as the image allows gets the container restarted`));
    }
  }
  return out;
}
