/**
 * Rules on the HEALTHCHECK timing against the probes (docs: the mapping table of DESIGN.md):
 * interval = livenessProbe.periodSeconds, timeout = timeoutSeconds, retries = failureThreshold, and the
 * startup budget (startupProbe periodSeconds x failureThreshold, else livenessProbe initialDelaySeconds)
 * at least the start period.
 */
import { Finding, finding } from './_finding';
import { DockerImage } from './_read-dockerfile';
import { K8sContainer } from './_read-manifests';
import { containerLabel } from './_rules-probes';

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
    const s = c.startup;
    const budget = s ? s.initialDelaySeconds + s.periodSeconds * s.failureThreshold : live.initialDelaySeconds;
    if (budget < hc.startPeriod) {
      const how = s
        ? `startupProbe allows ${budget}s (initialDelaySeconds ${s.initialDelaySeconds} + periodSeconds ${s.periodSeconds} x failureThreshold ${s.failureThreshold})`
        : `livenessProbe.initialDelaySeconds is ${live.initialDelaySeconds} and there is no startupProbe`;
      out.push(finding('PC008', c.file, s ? s.line : at('initialDelaySeconds'), subject,
        `${how}, shorter than the HEALTHCHECK --start-period=${hc.flags['start-period']} (${image.file}:${hc.line}): a slow start gets the container restarted`));
    }
  }
  return out;
}
