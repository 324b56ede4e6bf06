/**
 * Rules on a Kubernetes container alone: missing probes, identical liveness and readiness, probe ports,
 * localhost.
 */
import { Finding, finding } from './_finding';
import { K8sContainer, ProbeFacts } from './_read-manifests';

/** The container's name in messages: `<workload>/<container>`. */
export function containerLabel(c: K8sContainer): string {
  return c.kind === 'PodSpec' ? c.name : `${c.kind}/${c.workload}/${c.name}`;
}

function handler(p: ProbeFacts): string {
  return JSON.stringify([p.kind, p.path ?? null, p.port ?? null, p.host ?? null, p.command ?? null, p.service ?? null]);
}

export function probeRules(c: K8sContainer): Finding[] {
  const out: Finding[] = [];
  const subject = containerLabel(c);
  if (!c.runsToCompletion) {
    for (const [field, p] of [['livenessProbe', c.liveness], ['readinessProbe', c.readiness]] as const) {
      // A worker (no ports, checked by an exec livenessProbe) receives no Service traffic: no readinessProbe is expected.
      const worker = c.ports.length === 0 && c.liveness?.kind === 'exec';
      if (!p && !(field === 'readinessProbe' && worker)) out.push(finding('PC012', c.file, c.line, subject, `container ${c.name} has no ${field}`));
    }
  }
  if (c.liveness && c.readiness && handler(c.liveness) === handler(c.readiness)) {
    out.push(finding('PC013', c.file, c.readiness.line, subject, `readinessProbe checks the same ${c.readiness.kind} endpoint as livenessProbe (kube-score pod-probes-identical): a dependency outage restarts the container`));
  }
  const names = c.ports.map((p) => p.name).filter((n): n is string => n !== undefined);
  const numbers = c.ports.map((p) => p.containerPort);
  for (const [field, p] of [['startupProbe', c.startup], ['livenessProbe', c.liveness], ['readinessProbe', c.readiness]] as const) {
    if (!p) continue;
    if (p.port !== undefined && (p.kind === 'httpGet' || p.kind === 'tcpSocket' || p.kind === 'grpc')) {
      const ok = typeof p.port === 'string' && !/^\d+$/.test(p.port) ? names.includes(p.port) : numbers.length === 0 || numbers.includes(Number(p.port));
      if (!ok) {
        out.push(finding('PC003', c.file, p.portLine ?? p.line, subject,
          `${field} port ${JSON.stringify(p.port)} is not a declared containerPort (${c.ports.map((x) => (x.name ? `${x.name}=${x.containerPort}` : String(x.containerPort))).join(', ') || 'none'})`));
      }
    }
    if (p.host?.toLowerCase() === 'localhost' || (p.command ?? []).some((w) => /\blocalhost\b/i.test(w))) {
      out.push(finding('PC017', c.file, p.line, subject, `${field} uses localhost; it may resolve to ::1 where the server does not listen`));
    }
  }
  return out;
}
