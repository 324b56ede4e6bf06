/**
 * Rules on the image USER against the securityContext, and on a read-only root filesystem against the
 * paths the image writes (VOLUME, nginx's pid and temp paths).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Finding, finding } from './_finding';
import { argvOf, DockerImage } from './_read-dockerfile';
import { K8sContainer } from './_read-manifests';
import { containerLabel } from './_rules-probes';
import { imageName } from './_tools';

/** The USER's uid when it is numeric; `root` and `0` are 0; undefined for a named user or none. */
export function numericUid(user: string | undefined): number | undefined {
  if (user === undefined) return 0;
  const u = user.split(':')[0];
  if (u === 'root') return 0;
  return /^\d+$/.test(u) ? Number(u) : undefined;
}

export function userRules(image: DockerImage, c: K8sContainer): Finding[] {
  const out: Finding[] = [];
  const subject = containerLabel(c);
  const user = image.user?.value;
  const uid = numericUid(user);
  if (c.runAsNonRoot?.value && c.runAsUser === undefined) {
    if (uid === undefined) {
      out.push(finding('PC009', c.file, c.runAsNonRoot.line, subject,
        `runAsNonRoot: true with no runAsUser, and ${image.file}:${image.user!.line} has USER ${user}, a name the kubelet cannot verify as non-root: the pod fails with CreateContainerConfigError`));
    } else if (uid === 0) {
      out.push(finding('PC009', c.file, c.runAsNonRoot.line, subject,
        `runAsNonRoot: true with no runAsUser, and ${image.file} runs as root (${user === undefined ? 'no USER' : `USER ${user} at line ${image.user!.line}`}): the kubelet refuses to start the container`));
    }
  }
  if (c.runAsUser !== undefined && uid !== undefined && uid !== 0 && c.runAsUser.value !== uid) {
    out.push(finding('PC010', c.file, c.runAsUser.line, subject,
      `runAsUser ${c.runAsUser.value}, the image USER is ${user} (${image.file}:${image.user!.line}): files the image gives its user are not the running user's`));
  }
  return out;
}

/** nginx's default writes (official image): pid under /var/run, temp files under /var/cache/nginx. */
function nginxWrites(image: DockerImage): string[] | undefined {
  const { repo } = imageName(image.base);
  const cmd = [...argvOf(image.entrypoint), ...argvOf(image.cmd)];
  const isNginx = repo === 'nginx' || repo === 'nginx-unprivileged' || cmd.some((w) => path.basename(w) === 'nginx');
  if (!isNginx) return undefined;
  const dflt = repo === 'nginx-unprivileged' ? { pid: '/tmp/nginx.pid', temp: '/tmp' } : { pid: '/var/run/nginx.pid', temp: '/var/cache/nginx' };
  let conf: string | undefined;
  for (const s of image.chain) {
    for (const i of s.instructions) {
      if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.flags.from !== undefined) continue;
      const words = i.args.filter((a) => !a.startsWith('--'));
      const dest = words[words.length - 1];
      const src = words.find((w) => path.basename(w) === 'nginx.conf');
      if (src && (dest === '/etc/nginx/nginx.conf' || (dest === '/etc/nginx/' && words.length === 2))) {
        const file = path.resolve(path.dirname(image.absFile), src);
        conf = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      }
    }
  }
  const directive = (name: string) => conf ? new RegExp(`^\\s*${name}\\s+([^;\\s]+)\\s*;`, 'm').exec(conf)?.[1] : undefined;
  const writes = [path.posix.dirname(directive('pid') ?? dflt.pid)];
  for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    const p = directive(`${t}_temp_path`);
    writes.push(p ? path.posix.dirname(p) : dflt.temp);
  }
  return [...new Set(writes)];
}

function covered(p: string, mounts: string[]): boolean {
  return mounts.some((m) => p === m || p.startsWith(m.endsWith('/') ? m : `${m}/`));
}

export function readOnlyRootRules(image: DockerImage, c: K8sContainer): Finding[] {
  const ro = c.readOnlyRootFilesystem;
  if (!ro?.value) return [];
  const mounts = c.mounts.map((m) => m.path);
  const needs: Array<{ path: string; why: string }> = [
    ...image.volumes.map((v) => ({ path: v.path, why: `VOLUME at ${image.file}:${v.line}` })),
    ...(nginxWrites(image) ?? []).map((p) => ({ path: p, why: 'nginx pid/temp files' })),
  ];
  return needs.filter((n) => !covered(n.path, mounts)).map((n) => finding('PC011', c.file, ro.line, containerLabel(c),
    `readOnlyRootFilesystem: true, but the image writes to ${n.path} (${n.why}) and no volumeMount covers it`));
}
