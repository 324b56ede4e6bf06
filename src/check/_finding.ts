/**
 * The alignment checker's findings and its rule table (ids are stable; docs/check.md documents each).
 */

/** How bad a finding is: errors make `projen-containers check` exit 1. */
export type Severity = 'error' | 'warning' | 'info';

/** One rule: a stable id, its severity, a short title and the fix it suggests. */
export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly fix: string;
}

/** A disagreement found at a line of a file (1-based), with the rule it breaks. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  /** The file, relative to the working directory the checker ran in. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** The Kubernetes container (or the Dockerfile's image) the finding is about. */
  readonly subject: string;
  readonly message: string;
  readonly fix: string;
}

const rule = (id: string, severity: Severity, title: string, fix: string): Rule => ({ id, severity, title, fix });

/** Every rule, by id. */
export const RULES: Record<string, Rule> = Object.fromEntries([
  rule('PC001', 'error', 'containerPort and EXPOSE disagree', 'Use one port for EXPOSE and containerPort (the port the process listens on).'),
  rule('PC002', 'error', 'the HEALTHCHECK URL port is not the container port', 'Point the HEALTHCHECK URL at the port the image EXPOSEs and the container declares.'),
  rule('PC003', 'error', 'a probe port is not a declared containerPort', 'Reference a declared containerPort, preferably by its name.'),
  rule('PC004', 'warning', 'the HEALTHCHECK path and the livenessProbe path differ', 'Check the same endpoint in the HEALTHCHECK and the livenessProbe.'),
  rule('PC005', 'warning', 'HEALTHCHECK --interval differs from livenessProbe periodSeconds', 'Set livenessProbe.periodSeconds to the --interval (or the other way round).'),
  rule('PC006', 'warning', 'HEALTHCHECK --timeout differs from livenessProbe timeoutSeconds', 'Set livenessProbe.timeoutSeconds to the --timeout (or the other way round).'),
  rule('PC007', 'warning', 'HEALTHCHECK --retries differs from livenessProbe failureThreshold', 'Set livenessProbe.failureThreshold to the --retries (or the other way round).'),
  rule('PC008', 'error', 'the startup budget is shorter than the HEALTHCHECK start period', 'Make the startupProbe budget (initialDelaySeconds + periodSeconds x failureThreshold) at least the --start-period; without a startupProbe, the livenessProbe initialDelaySeconds.'),
  rule('PC009', 'error', 'runAsNonRoot cannot verify the image USER', 'Use a numeric non-root USER uid:gid in the Dockerfile, or set runAsUser.'),
  rule('PC010', 'warning', 'runAsUser differs from the image USER uid', 'Use the same uid in USER and runAsUser, so file ownership in the image matches.'),
  rule('PC011', 'error', 'read-only root filesystem, but the image writes to a path without a volume', 'Mount an emptyDir at the path, or move the writes under a mounted directory.'),
  rule('PC012', 'warning', 'a livenessProbe or readinessProbe is missing', 'Add the probe (the image HEALTHCHECK is ignored by Kubernetes).'),
  rule('PC013', 'warning', 'livenessProbe and readinessProbe are identical', 'Give readiness its own endpoint (it may check dependencies; liveness checks the process only).'),
  rule('PC014', 'error', 'the HEALTHCHECK tool is not in the image', 'Install the tool in the final stage or use one the base image has (busybox wget on Alpine, python3 on python images).'),
  rule('PC015', 'warning', 'cannot tell whether the HEALTHCHECK tool is in the image', 'Install the tool explicitly in the final stage, so the Dockerfile shows it is there.'),
  rule('PC016', 'warning', 'shell-form HEALTHCHECK CMD', 'Use the exec form: HEALTHCHECK CMD ["executable", "arg", ...] (hadolint DL3025).'),
  rule('PC017', 'warning', 'localhost in a health check', 'Use 127.0.0.1: Alpine resolves localhost to ::1 first, where the server may not listen.'),
  rule('PC018', 'info', 'the image has no HEALTHCHECK', 'Add a HEALTHCHECK for docker run, Compose and Swarm, matching the livenessProbe.'),
  rule('PC019', 'info', 'no Dockerfile paired with the container', 'Pair it: --pair <container>=<Dockerfile>, a --map file, or a Dockerfile in a directory named like the container or its image.'),
].map((r) => [r.id, r]));

/** A finding of rule `id` (its severity and fix from the table). */
export function finding(id: string, file: string, line: number, subject: string, message: string): Finding {
  const r = RULES[id];
  if (!r) throw new Error(`unknown rule ${id}`);
  return { rule: id, severity: r.severity, file, line, subject, message, fix: r.fix };
}
