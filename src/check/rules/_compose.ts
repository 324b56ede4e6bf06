/**
 * Rules on Compose, the third side: a service's `healthcheck:` against the image it builds (the tool is there, the
 * same endpoint and port as the HEALTHCHECK, a port the image EXPOSEs) and against the Kubernetes livenessProbe of
 * the same image, its `start_period` against their startup budget; a `depends_on: { condition: service_healthy }` on a
 * service that has no healthcheck at all.
 */
import * as path from 'path';
import { Finding, finding, Severity } from './_finding';
import { containerLabel } from './_probes';
import { startupBudgetSeconds, startupBudgetText } from '../../health/_startup-budget';
import { checkUrl, ComposeService, DockerImage, hasTool, imageName, K8sContainer, ProbeFacts, toolsOfCheck } from '../read';

/** A Compose service and the image Compose builds for it (its `build:` Dockerfile at its `target`), when that is here. */
export interface ComposeSide {
  readonly service: ComposeService;
  readonly image?: DockerImage;
}

/** A Kubernetes container and the Dockerfile it was paired with. */
export interface PairedContainer {
  readonly container: K8sContainer;
  readonly image?: DockerImage;
}

const subjectOf = (s: ComposeService) => `compose/${s.name}`;
const pathOnly = (p: string) => p.split('?')[0];
type Endpoint = { readonly port: number; readonly path?: string };
const show = (e: Endpoint) => `port ${e.port}${e.path !== undefined ? ` path ${e.path}` : ''}`;

/** The port and path a probe checks (a named port resolved by the container's ports); undefined for exec, grpc or an unknown port. */
function probeEndpoint(c: K8sContainer, p: ProbeFacts | undefined): Endpoint | undefined {
  if (!p || (p.kind !== 'httpGet' && p.kind !== 'tcpSocket') || p.port === undefined) return undefined;
  const port = typeof p.port === 'number' || /^\d+$/.test(p.port) ? Number(p.port) : c.ports.find((x) => x.name === p.port)?.containerPort;
  if (port === undefined) return undefined;
  return { port, path: p.kind === 'httpGet' && p.path !== undefined ? pathOnly(p.path) : undefined };
}

/** Whether two endpoints differ: the port, and the path when both have one. */
function differ(a: Endpoint, b: Endpoint): boolean {
  return a.port !== b.port || (a.path !== undefined && b.path !== undefined && a.path !== b.path);
}

/** The Kubernetes containers running the image a Compose service runs: paired with its Dockerfile, or (no build) the same repository. */
function sameImage(side: ComposeSide, k8s: readonly PairedContainer[]): K8sContainer[] {
  const df = side.image?.absFile;
  if (df) return k8s.filter((p) => p.image?.absFile === df).map((p) => p.container);
  const img = side.service.build ? undefined : side.service.image;
  if (!img || /\$/.test(img)) return [];
  return k8s.filter((p) => p.container.image !== undefined && imageName(p.container.image).path === imageName(img).path).map((p) => p.container);
}

function healthcheckRules(side: ComposeSide, k8s: readonly PairedContainer[]): Finding[] {
  const out: Finding[] = [];
  const s = side.service;
  const hc = s.healthcheck;
  if (!hc || hc.disabled || !hc.argv) return out;
  const subject = subjectOf(s);
  const image = side.image;
  const ihc = image?.healthcheck && !image.healthcheck.none ? image.healthcheck : undefined;
  const url = checkUrl(hc.argv);
  const mine: Endpoint | undefined = url ? { port: url.port, path: pathOnly(url.path) } : undefined;
  const imgUrl = ihc ? checkUrl(ihc.argv) : undefined;
  const theirs: Endpoint | undefined = imgUrl ? { port: imgUrl.port, path: pathOnly(imgUrl.path) } : undefined;
  if (image) {
    // A tool the image's own HEALTHCHECK also runs is reported on the Dockerfile (PC014, PC015).
    const imageTools = ihc ? toolsOfCheck(ihc.argv).tools : [];
    for (const tool of toolsOfCheck(hc.argv).tools.filter((t) => !imageTools.includes(t))) {
      const has = hasTool(image, tool);
      const name = tool === 'sh' ? '/bin/sh' : tool;
      const stage = `${image.file}${image.target.name ? `#${image.target.name}` : ''}`;
      if (has === 'absent') {
        out.push(finding('PC030', s.file, hc.testLine, subject, `the Compose healthcheck runs ${name}, which the image it builds (${stage}, FROM ${image.base}) does not have and no RUN of the stage installs: the container never turns healthy`));
      } else if (has === 'unknown') {
        out.push(finding('PC030', s.file, hc.testLine, subject, `the Compose healthcheck runs ${name}; cannot tell whether the image it builds (${stage}, FROM ${image.base}) has it`, 'info'));
      }
    }
    if (mine && theirs && differ(mine, theirs)) {
      out.push(finding('PC031', s.file, hc.testLine, subject, `the Compose healthcheck checks ${show(mine)}, the image's HEALTHCHECK (${image.file}:${ihc!.line}) ${show(theirs)}: Compose replaces the image's check, so one of them is stale`));
    } else if (mine && !theirs) {
      const exposed = image.exposes.filter((e) => e.protocol === 'tcp').map((e) => e.port);
      if (exposed.length > 0 && !exposed.includes(mine.port)) {
        out.push(finding('PC034', s.file, hc.testLine, subject, `the Compose healthcheck requests port ${mine.port}, the image it builds (${image.file}) EXPOSEs ${exposed.join(', ')}${image.exposesUnknown ? '' : ' only'}`,
          image.exposesUnknown ? 'warning' : undefined));
      }
    }
  }
  // Against the livenessProbe of the same image, when the image has no HEALTHCHECK URL to stand between them (else
  // PC031 compares Compose with the image, PC004 the image with the livenessProbe); the endpoint of its
  // readinessProbe or startupProbe is a match too.
  if (mine && !theirs) {
    const seen = new Set<string>();
    for (const c of sameImage(side, k8s)) {
      const probe = probeEndpoint(c, c.liveness);
      // Compose's health gates `depends_on` as readiness gates a Service: checking the readinessProbe's (or the
      // startupProbe's) endpoint is a match, not a stale check.
      const others = [c.readiness, c.startup].map((x) => probeEndpoint(c, x)).filter((e): e is Endpoint => e !== undefined);
      if (!probe || !differ(mine, probe) || others.some((e) => !differ(mine, e))) continue;
      const key = `${containerLabel(c)} ${show(probe)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(finding('PC032', s.file, hc.testLine, subject, `the Compose healthcheck checks ${show(mine)}, the livenessProbe of ${containerLabel(c)} (${c.file}:${c.liveness!.line}), the same image, ${show(probe)}`));
    }
  }
  return out;
}

/**
 * Compose's `start_period`, when longer than the image's own, says the app may take that long to start: a container
 * of the same image whose startup budget (`startupBudgetSeconds`, the generator's formula) is shorter gets restarted
 * by the kubelet in such a start. A start period no longer than the image's is PC008's concern.
 */
function startPeriodRules(side: ComposeSide, k8s: readonly PairedContainer[]): Finding[] {
  const out: Finding[] = [];
  const s = side.service;
  const hc = s.healthcheck;
  const sp = hc?.startPeriod;
  if (!hc || hc.disabled || sp === undefined || sp <= 0) return out;
  const own = side.image?.healthcheck && !side.image.healthcheck.none ? side.image.healthcheck.startPeriod : 0;
  if (sp <= own) return out;
  const seen = new Set<string>();
  for (const c of sameImage(side, k8s)) {
    const probe = c.startup ?? c.liveness;
    if (!probe || c.runsToCompletion) continue;
    const budget = startupBudgetSeconds(probe);
    if (budget >= sp || seen.has(containerLabel(c))) continue;
    seen.add(containerLabel(c));
    out.push(finding('PC035', s.file, hc.startPeriodLine, subjectOf(s),
      `the Compose start_period is ${sp}s, the ${c.startup ? 'startupProbe' : 'livenessProbe (no startupProbe)'} of ${containerLabel(c)} (${c.file}:${probe.line}), the same image, allows ${budget}s (${startupBudgetText(probe)}): a start as slow as Compose allows gets the container restarted by the kubelet`));
  }
  return out;
}

/**
 * `depends_on: { <service>: { condition: service_healthy } }` where the service has no healthcheck: Compose stops
 * `up` with "container ... has no healthcheck configured" (docker/compose, isServiceHealthy). The Compose files of
 * one folder are read together (an override file may give the healthcheck); a service defined in none of them, or
 * one that `extends:` another, is not judged.
 */
function dependencyRules(sides: readonly ComposeSide[]): Finding[] {
  const out: Finding[] = [];
  const folder = (s: ComposeService) => path.dirname(s.absFile);
  for (const side of sides) {
    const s = side.service;
    for (const dep of s.dependsOn.filter((d) => d.condition === 'service_healthy')) {
      const targets = sides.filter((t) => folder(t.service) === folder(s) && t.service.name === dep.service);
      if (targets.length === 0 || targets.some((t) => t.service.extends)) continue;
      // A Compose healthcheck with a test runs; one with timing only runs the image's HEALTHCHECK, judged below.
      if (targets.some((t) => t.service.healthcheck?.argv !== undefined && !t.service.healthcheck.disabled)) continue;
      const grade = (sev: Severity): Severity => (dep.required ? sev : 'warning');
      const disabled = targets.map((t) => t.service).find((t) => t.healthcheck?.disabled);
      const what = `depends_on ${dep.service} with condition service_healthy`;
      const refused = dep.required
        ? 'docker compose up stops with "container ... has no healthcheck configured"'
        : `with required: false, docker compose up only warns ("optional dependency ... is not running or is unhealthy") and starts ${s.name} without the wait it asks for`;
      if (disabled) {
        out.push(finding('PC033', s.file, dep.line, subjectOf(s), `${what}, and ${dep.service} disables its healthcheck (${disabled.file}:${disabled.healthcheck!.line}): ${refused}`, grade('error')));
        continue;
      }
      const built = targets.find((t) => t.image);
      if (built) {
        const i = built.image!;
        if (i.healthcheck && !i.healthcheck.none) continue;
        // A base image the checker does not know may bring a HEALTHCHECK of its own (a HEALTHCHECK NONE ends it).
        const baseMayHave = !i.healthcheck && i.baseUser === 'unknown';
        const timingOnly = targets.some((t) => t.service.healthcheck && !t.service.healthcheck.disabled);
        out.push(finding('PC033', s.file, dep.line, subjectOf(s), `${what}, and ${dep.service} has no healthcheck: ${timingOnly ? 'no test in its Compose healthcheck' : 'none in Compose'}, ${i.healthcheck ? `HEALTHCHECK NONE in ${i.file}:${i.healthcheck.line}` : `no HEALTHCHECK in the image it builds (${i.file}${i.target.name ? `#${i.target.name}` : ''})`}${baseMayHave ? ` unless its base ${i.base} has one` : ''}: ${refused}`,
          baseMayHave ? 'warning' : grade('error')));
        continue;
      }
      // A Dockerfile that is not here (or could not be read) may have one; so may an image with a timing-only healthcheck.
      if (targets.some((t) => t.service.build || t.service.healthcheck)) continue;
      const image = targets.map((t) => t.service.image).find((x) => x !== undefined);
      out.push(finding('PC033', s.file, dep.line, subjectOf(s), `${what}, and ${dep.service} has no healthcheck in Compose${image ? `: it passes only if its image ${image} has a HEALTHCHECK of its own` : ''}; without one, ${refused}`, 'warning'));
    }
  }
  return out;
}

/** Every Compose rule, over the services read and the Kubernetes containers with their pairs. */
export function composeRules(sides: readonly ComposeSide[], k8s: readonly PairedContainer[]): Finding[] {
  return [...sides.flatMap((s) => [...healthcheckRules(s, k8s), ...startPeriodRules(s, k8s)]), ...dependencyRules(sides)];
}
