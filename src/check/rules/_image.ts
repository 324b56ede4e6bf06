/**
 * Rules on a Dockerfile alone: the HEALTHCHECK's form, address, port and tool.
 */
import { Finding, finding } from './_finding';
import { argvOf, DockerImage, K8sContainer, checkUrl, hasTool, ipv4Only, toolsOfCheck } from '../read';

/** The image's name in messages: the Dockerfile and its stage. */
export function imageLabel(image: DockerImage): string {
  return `${image.file}${image.target.name ? `#${image.target.name}` : ''}`;
}

/** The image's own command (ENTRYPOINT then CMD), for what it tells about the server. */
export function commandOf(image: DockerImage): string[] {
  return [...argvOf(image.entrypoint), ...argvOf(image.cmd)];
}

/** Rules on the image alone; `users` are the containers paired with it (none: checked on its own). */
export function imageRules(image: DockerImage, users: K8sContainer[] = []): Finding[] {
  const out: Finding[] = [];
  const subject = imageLabel(image);
  const hc = image.healthcheck;
  // No HEALTHCHECK: healthcheckRules (PC018) judges whether anything runs the image without another check.
  if (!hc || hc.none) return out;
  if (hc.form === 'shell') {
    out.push(finding('PC016', image.file, hc.line, subject, `HEALTHCHECK CMD ${hc.argv[2]} is in shell form: it needs /bin/sh in the image and a shell's quoting`));
  }
  const url = checkUrl(hc.argv);
  if (url && url.host.toLowerCase() === 'localhost') {
    const v4 = ipv4Only(commandOf(image));
    out.push(finding('PC017', image.file, hc.line, subject, v4
      ? `the HEALTHCHECK requests ${url.host}:${url.port}${url.path}, the server binds IPv4 only (${commandOf(image).join(' ')}); localhost may resolve to ::1 first`
      : `the HEALTHCHECK requests ${url.host}:${url.port}${url.path}; localhost may resolve to ::1 first (fine when the server also listens on IPv6)`, v4 ? 'warning' : 'info'));
  }
  const exposed = image.exposes.filter((e) => e.protocol === 'tcp').map((e) => e.port);
  const declared = users.flatMap((c) => c.ports.map((p) => p.containerPort));
  // A port some paired container declares is judged by portRules (EXPOSE may just be incomplete).
  if (url && exposed.length > 0 && !exposed.includes(url.port) && !declared.includes(url.port)) {
    out.push(finding('PC002', image.file, hc.line, subject, `the HEALTHCHECK requests port ${url.port}, the image EXPOSEs ${exposed.join(', ')}${image.exposesUnknown ? '' : ' only'}`,
      image.exposesUnknown ? 'warning' : 'error'));
  }
  const { tools } = toolsOfCheck(hc.argv);
  for (const tool of tools) {
    const has = hasTool(image, tool);
    const name = tool === 'sh' ? '/bin/sh' : tool;
    if (has === 'absent') {
      out.push(finding('PC014', image.file, hc.line, subject, `the HEALTHCHECK runs ${name}, which ${image.base} does not have and no RUN of the stage installs`));
    } else if (has === 'unknown') {
      out.push(finding('PC015', image.file, hc.line, subject, `the HEALTHCHECK runs ${name}; cannot tell whether ${image.base} has it (no RUN of the stage installs it)`));
    }
  }
  return out;
}
