/**
 * Rules on a container and its image: one port (EXPOSE, the HEALTHCHECK URL, containerPort) and one
 * checked path.
 */
import { Finding, finding } from './_finding';
import { containerLabel } from './_probes';
import { DockerImage, K8sContainer, checkUrl } from '../read';

export function portRules(image: DockerImage, c: K8sContainer): Finding[] {
  const out: Finding[] = [];
  const subject = containerLabel(c);
  const exposed = image.exposes.filter((e) => e.protocol === 'tcp');
  const declared = c.ports.filter((p) => p.protocol === 'TCP');
  // EXPOSE is documentation: an image that EXPOSEs nothing (or a port from a build arg) has nothing to disagree with.
  for (const p of exposed.length > 0 && !image.exposesUnknown ? declared : []) {
    if (!exposed.some((e) => e.port === p.containerPort)) {
      out.push(finding('PC001', c.file, p.line, subject,
        `containerPort ${p.containerPort} is not EXPOSEd by ${image.file} (EXPOSE ${exposed.map((e) => e.port).join(', ')} at line ${exposed[0].line})`,
        declared.some((d) => exposed.some((e) => e.port === d.containerPort)) ? 'info' : 'warning'));
    }
  }
  // A container that declares a port the image EXPOSEs, plus others, is a superset: info only.
  if (declared.length > 0 && !declared.some((p) => exposed.some((e) => e.port === p.containerPort))) {
    for (const e of exposed) {
      if (!declared.some((p) => p.containerPort === e.port)) {
        out.push(finding('PC001', image.file, e.line, subject, `EXPOSE ${e.port} is not a containerPort of ${c.name} in ${c.file} (${declared.map((p) => p.containerPort).join(', ')})`));
      }
    }
  }
  const hc = image.healthcheck;
  const url = hc && !hc.none ? checkUrl(hc.argv) : undefined;
  // A URL port outside EXPOSE is reported on the image alone (imageRules).
  // Docker runs the HEALTHCHECK, not the kubelet: a port the container does not declare is a drift, not a failure.
  if (hc && url && declared.length > 0 && !declared.some((p) => p.containerPort === url.port)
      && (exposed.length === 0 || exposed.some((e) => e.port === url.port))) {
    out.push(finding('PC002', image.file, hc.line, subject, `the HEALTHCHECK requests port ${url.port}, container ${c.name} declares ${declared.map((p) => p.containerPort).join(', ')}`, 'warning'));
  }
  const live = c.liveness;
  if (hc && url && live?.kind === 'httpGet' && live.path !== undefined && pathOnly(live.path) !== pathOnly(url.path)) {
    out.push(finding('PC004', c.file, live.pathLine ?? live.line, subject, `livenessProbe checks ${live.path}, the HEALTHCHECK (${image.file}:${hc.line}) checks ${url.path}`));
  }
  return out;
}

function pathOnly(p: string): string {
  return p.split('?')[0];
}
