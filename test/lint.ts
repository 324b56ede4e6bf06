/**
 * The rules of DESIGN.md ("Checks the generated files must pass"), re-implemented over parsed files:
 * hadolint / Trivy rules for Dockerfiles, kube-linter / kube-score / Trivy rules for the snippets.
 * Each returns the list of violations as `<rule>: <detail>`.
 */
import { ParsedStage, parseDockerfile } from './util';

const PIPE_RE = /(^|[^|])\|([^|]|$)/;
const SECRET_RE = /(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL)/i;

export function lintDockerfile(text: string): string[] {
  const v: string[] = [];
  const lines = text.split('\n');
  const stages: ParsedStage[] = parseDockerfile(text);
  const names = new Set<string>();
  let healthchecks = 0;
  // Comments stand on their own line, never after a continuation.
  lines.forEach((l, i) => {
    if (/^\s*#/.test(l) && i > 0 && /\\\s*$/.test(lines[i - 1])) v.push(`continuation-comment: line ${i + 1}`);
    if (/^\s*[A-Z]+ .*\s#\s/.test(l) && !/^\s*#/.test(l) && !/"[^"]*#[^"]*"/.test(l)) v.push(`inline-comment: line ${i + 1}`);
  });
  for (const s of stages) {
    const image = s.from;
    if (!names.has(image)) {
      const tag = image.includes('@') ? 'digest' : (image.split('/').pop() ?? '').split(':')[1];
      // hadolint's DL3006 skips scratch (Docker's reserved empty image, never pulled).
      if (!tag && image !== 'scratch') v.push(`DL3006: untagged ${image}`);
      if (tag === 'latest') v.push(`DL3007: latest ${image}`);
    }
    names.add(s.name);
    let lastUser: string | undefined;
    let pipefail = false;
    let stageHealth = 0;
    let hasCurl = false;
    let hasWget = false;
    for (const i of s.instructions) {
      if (i.keyword !== 'FROM' && i.comment === undefined) v.push(`comment-above: ${s.name} ${i.keyword} line ${i.line + 1}`);
      switch (i.keyword) {
        case 'USER':
          lastUser = i.args[0];
          break;
        case 'SHELL':
          pipefail = (i.json ?? []).includes('pipefail');
          break;
        case 'HEALTHCHECK':
          stageHealth++;
          healthchecks++;
          if (!i.json && i.args.join(' ') !== 'NONE') v.push('DL3025: HEALTHCHECK CMD not JSON');
          if (i.json?.some((w) => /curl/.test(w))) hasCurl = true;
          if (i.json?.some((w) => /wget/.test(w))) hasWget = true;
          if (i.json?.some((w) => /localhost/.test(w))) v.push('localhost-in-check');
          break;
        case 'CMD':
        case 'ENTRYPOINT':
          if (!i.json || i.json.length === 0) v.push(`DL3025: ${i.keyword} not JSON`);
          break;
        case 'RUN': {
          const cmd = i.args.join(' ');
          if (PIPE_RE.test(cmd.replace(/\|\|/g, '')) && !pipefail) v.push(`DL4006: pipe without pipefail: ${cmd}`);
          if (/apt-get install/.test(cmd)) {
            if (!/apt-get install -y/.test(cmd) && !/apt-get install .*-y/.test(cmd)) v.push('DL3014: apt-get install without -y');
            if (!/--no-install-recommends/.test(cmd)) v.push('DL3015: no --no-install-recommends');
            if (!/rm -rf \/var\/lib\/apt\/lists\/\*/.test(cmd)) v.push('DL3009/DS-0029: apt lists not removed in the same RUN');
          }
          if (/apk add/.test(cmd) && !/apk add --no-cache/.test(cmd)) v.push('DS-0025: apk add without --no-cache');
          if (/\bcurl\b/.test(cmd)) hasCurl = true;
          if (/\bwget\b/.test(cmd)) hasWget = true;
          if (/curl[^|]*\|\s*(ba)?sh/.test(cmd)) v.push('curl-pipe-sh');
          break;
        }
        case 'COPY': {
          const from = i.flags.from;
          if (from !== undefined && !names.has(from)) {
            const tag = from.includes('@') ? 'digest' : (from.split('/').pop() ?? '').split(':')[1];
            if (!tag || tag === 'latest') v.push(`DL3022: COPY --from untagged ${from}`);
          }
          break;
        }
        case 'ENV':
        case 'ARG':
          for (const k of Object.keys(i.properties)) if (SECRET_RE.test(k)) v.push(`DS-0031: secret-like ${k}`);
          break;
        case 'LABEL':
          for (const k of Object.keys(i.properties)) {
            if (!/^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?$/.test(k) || /[.-]{2}/.test(k)) v.push(`DL3048: label key ${k}`);
          }
          break;
        default:
          break;
      }
    }
    if (stageHealth > 1) v.push(`DS-0023: ${s.name} has ${stageHealth} HEALTHCHECKs`);
    if (lastUser !== undefined && /^(root|0)(:|$)/.test(lastUser)) v.push(`DL3002: ${s.name} last USER root`);
    if (hasCurl && hasWget) v.push(`DL4001: ${s.name} uses both curl and wget`);
  }
  const final = stages[stages.length - 1];
  const finalUser = final.instructions.filter((i) => i.keyword === 'USER').pop();
  if (!finalUser) v.push('DS-0002: final stage has no USER');
  else if (!/^\d+:\d+$/.test(finalUser.args[0])) v.push(`numeric-user: ${finalUser.args[0]}`);
  if (healthchecks === 0) v.push('DS-0026: no HEALTHCHECK');
  if (healthchecks > 1 && final.instructions.filter((i) => i.keyword === 'HEALTHCHECK').length !== 1) v.push('DS-0023');
  return v;
}

/** kube-linter / kube-score / Trivy rules on a PodSpec fragment. */
export function lintPodFragment(spec: any): string[] {
  const v: string[] = [];
  for (const c of spec.containers ?? []) {
    const ports: any[] = c.ports ?? [];
    const names = new Set(ports.map((p) => p.name));
    const numbers = new Set(ports.map((p) => p.containerPort));
    for (const p of ports) if (p.containerPort < 1024) v.push(`KSV-0117: containerPort ${p.containerPort}`);
    for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const probe = c[kind];
      if (!probe) {
        if (kind !== 'startupProbe') v.push(`missing-${kind}`);
        continue;
      }
      const handler = probe.httpGet ?? probe.tcpSocket ?? probe.grpc;
      if (handler && !names.has(handler.port) && !numbers.has(handler.port)) v.push(`${kind}-port: ${handler.port} is not a declared port`);
      for (const f of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold']) {
        if (typeof probe[f] !== 'number') v.push(`${kind}.${f} implicit`);
      }
      if (probe.timeoutSeconds > probe.periodSeconds) v.push(`${kind}: timeout above period`);
      if (kind !== 'readinessProbe' && probe.successThreshold !== 1) v.push(`${kind}.successThreshold must be 1`);
      if (probe.httpGet?.host !== undefined) v.push(`${kind}: host set`);
    }
    const strip = (p: any) => (p ? JSON.stringify(p.httpGet ?? p.tcpSocket ?? p.exec ?? p.grpc) : undefined);
    if (c.livenessProbe && c.readinessProbe && strip(c.livenessProbe) === strip(c.readinessProbe)) v.push('pod-probes-identical');
    const sc = c.securityContext ?? {};
    if (sc.runAsNonRoot !== true) v.push('KSV-0012: runAsNonRoot');
    if (!(sc.runAsUser > 0)) v.push('runAsUser non-root');
    if (sc.allowPrivilegeEscalation !== false) v.push('KSV-0001: allowPrivilegeEscalation');
    if (sc.readOnlyRootFilesystem !== true) v.push('KSV-0014: readOnlyRootFilesystem');
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push('KSV-0003: capabilities.drop ALL');
    if (sc.seccompProfile?.type !== 'RuntimeDefault') v.push('KSV-0030: seccompProfile RuntimeDefault');
    const volumes = new Set((spec.volumes ?? []).map((x: any) => x.name));
    for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) v.push(`mount ${m.name} has no volume`);
  }
  return v;
}
