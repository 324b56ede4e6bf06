/**
 * Rules on the image USER against the securityContext, and on a read-only root filesystem against the
 * paths the image writes (VOLUME, nginx's pid and temp paths).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Finding, finding } from './_finding';
import { containerLabel } from './_probes';
import { argvOf, baseAccountUid, DockerImage, K8sContainer, imageName, substitute } from '../read';

/** The USER's uid when it is numeric; `root` and `0` are 0; undefined for a named user or none. */
export function numericUid(user: string | undefined): number | undefined {
  if (user === undefined) return 0;
  const u = user.split(':')[0];
  if (u === 'root') return 0;
  return /^\d+$/.test(u) ? Number(u) : undefined;
}

/** useradd/adduser options that take a value (the login name is the first word that is neither an option nor its value). */
const ACCOUNT_OPTIONS = new Set(['-u', '--uid', '-g', '--gid', '-G', '--groups', '-d', '--home', '--home-dir', '-s', '--shell', '-c', '--comment',
  '--gecos', '-k', '--skel', '-e', '--expiredate', '-f', '--inactive', '-K', '--key', '-p', '--password', '-b', '--base-dir', '-R', '--root',
  '-P', '--prefix', '-Z', '--selinux-user', '-h', '--ingroup', '--firstuid', '--lastuid', '--conf', '--add-extra-groups']);

const unquoteWord = (w: string) => w.replace(/^(['"])(.*)\1$/, '$2');

/**
 * The uid of a named USER: from a `useradd`/`adduser` `-u N` of the chain (ARG and ENV values substituted:
 * `useradd --uid "$APPUID" "$APPUSER"`), or an account the base image already has (`nobody`, `nonroot`, `www-data`, ...).
 */
export function uidOfName(image: DockerImage, name: string): number | undefined {
  for (const s of image.chain) {
    for (const i of s.instructions.filter((x) => x.keyword === 'RUN')) {
      for (const part of i.expanded.replace(/\\\r?\n/g, ' ').split(/&&|\|\||;|\n/)) {
        const words = part.trim().split(/\s+/).map(unquoteWord);
        const cmd = words.findIndex((w) => ['useradd', 'adduser'].includes(path.posix.basename(w)));
        if (cmd < 0) continue;
        let login: string | undefined;
        let uid: string | undefined;
        for (let k = cmd + 1; k < words.length; k++) {
          const w = words[k];
          if (w === '-u' || w === '--uid') uid = words[++k];
          else if (/^--uid=/.test(w)) uid = w.slice(6);
          else if (/^-u\d+$/.test(w)) uid = w.slice(2);
          else if (ACCOUNT_OPTIONS.has(w)) k++;
          else if (!w.startsWith('-') && login === undefined) login = w;
        }
        if (login === name && uid !== undefined && /^\d+$/.test(uid)) return Number(uid);
      }
    }
  }
  return baseAccountUid(image.base, name);
}

/**
 * Whether the Dockerfile gives the USER's account any file: a `--chown`/`chown` naming its uid or name, a
 * `useradd`/`adduser` that creates it (and its home), or a RUN after the USER of the final stage (what it writes is
 * the account's), or a service account of the base image (node, nginx, www-data: its home and files). Without any,
 * every file of the image is root's (a static binary on distroless, `COPY server /server`), and another runAsUser
 * changes no file access. A base image's own default account (no USER here) is
 * judged by the base, not by this.
 */
function givesFiles(image: DockerImage, uid: number, user: string | undefined): boolean {
  if (user === undefined) return true;
  // A service account of the base image (node 1000 in the node images, nginx 101, www-data) has its home and files
  // there; nobody and distroless nonroot own nothing an app reads.
  if (['node', 'nginx', 'www-data'].some((n) => baseAccountUid(image.base, n) === uid)) return true;
  const name = user.split(':')[0];
  const who = new RegExp(`(^|[^\\w-])(${uid}${/^\d+$/.test(name) ? '' : `|${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`})([^\\w-]|$)`);
  const chain = image.chain.flatMap((st) => st.instructions);
  if (chain.some((i) => (i.flags.chown !== undefined && who.test(i.flags.chown)) || (/\bchown\b/.test(i.expanded) && who.test(i.expanded)))) return true;
  if (chain.some((i) => i.keyword === 'RUN' && /\b(useradd|adduser)\b/.test(i.expanded) && who.test(i.expanded))) return true;
  const final = image.target.instructions;
  const at = final.findIndex((i) => i.keyword === 'USER');
  return at >= 0 && final.slice(at + 1).some((i) => i.keyword === 'RUN');
}

export function userRules(image: DockerImage, c: K8sContainer): Finding[] {
  const out: Finding[] = [];
  const subject = containerLabel(c);
  const user = image.user;
  // Unknown: a build arg without a default in USER, or no USER on a base image this file does not build.
  if (user && !user.resolved) return out;
  const uid = user ? numericUid(user.value) : image.baseUser === 'root' ? 0 : image.baseUser === 'unknown' ? undefined : image.baseUser;
  const named = user !== undefined && uid === undefined;
  if (c.runAsNonRoot?.value && c.runAsUser === undefined) {
    if (named) {
      out.push(finding('PC009', c.file, c.runAsNonRoot.line, subject,
        `runAsNonRoot: true with no runAsUser, and ${image.file}:${user.line} has USER ${user.value}, a name the kubelet cannot verify as non-root: the pod fails with CreateContainerConfigError`));
    } else if (uid === 0) {
      out.push(finding('PC009', c.file, c.runAsNonRoot.line, subject,
        `runAsNonRoot: true with no runAsUser, and ${image.file} runs as root (${user === undefined ? `no USER, and ${image.base} runs as root` : `USER ${user.value} at line ${user.line}`}): the kubelet refuses to start the container`));
    }
  }
  if (c.runAsUser !== undefined && uid !== undefined && uid !== 0 && c.runAsUser.value !== uid && givesFiles(image, uid, user?.value)) {
    // A uid the Dockerfile chose and gave files to is a risk; a base image's default account is not (info).
    out.push(finding('PC010', c.file, c.runAsUser.line, subject,
      `runAsUser ${c.runAsUser.value}, the image ${user ? `USER is ${user.value} (${image.file}:${user.line})` : `base ${image.base} runs as ${uid}`}: files the image gives its user are not the running user's`,
      user ? 'warning' : 'info'));
  }
  if (c.runAsUser !== undefined && named) {
    const name = user.value.split(':')[0];
    const known = uidOfName(image, name);
    if (known === undefined) {
      out.push(finding('PC021', c.file, c.runAsUser.line, subject,
        `runAsUser ${c.runAsUser.value}, the image USER is the name ${name} (${image.file}:${user.line}) whose uid the Dockerfile does not show`, 'info'));
    } else if (known !== c.runAsUser.value) {
      out.push(finding('PC021', c.file, c.runAsUser.line, subject,
        `runAsUser ${c.runAsUser.value}, the image USER ${name} (${image.file}:${user.line}) is uid ${known}: the process runs as another account than the image prepared (file ownership, home directory)`));
    }
  }
  return out;
}

/** An image VOLUME no volumeMount covers (not with a read-only root: PC011 reports it as an error). */
export function volumeRules(image: DockerImage, c: K8sContainer): Finding[] {
  if (c.readOnlyRootFilesystem?.value) return [];
  const mounts = c.mounts.map((m) => m.path);
  return image.volumes.filter((v) => v.path.startsWith('/') && !covered(v.path, mounts)).map((v) => finding('PC022', c.file, c.line, containerLabel(c),
    `${image.file}:${v.line} declares VOLUME ${v.path}, which container ${c.name} does not mount: Kubernetes ignores VOLUME, so what the app writes there goes to the container layer and is lost on restart`));
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
      const words = i.args.filter((a) => !a.startsWith('--')).map((w) => substitute(w, i.vars));
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
