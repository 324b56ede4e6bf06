// What the project knows about base images, for the generator and the checker alike: reference parsing, family, tools, packages, accounts, USER and EXPOSE.
import { ImageFamily } from './image-family';

/** A tool a health check runs (`sh`: a POSIX shell at /bin/sh). */
export type Tool = 'curl' | 'wget' | 'python3' | 'node' | 'sh';

/** What an image is known to hold and to lack; a tool in neither list: cannot tell. */
export interface BaseTools {
  readonly present: Tool[];
  readonly absent: Tool[];
}

/**
 * Splits `registry/owner/repo:tag@digest` into the repository's last path segment, its whole path and the tag,
 * lowercased (Docker repository names are lowercase).
 */
export function imageName(ref: string): { readonly repo: string; readonly path: string; readonly tag: string } {
  const noDigest = ref.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const tag = colon > slash ? noDigest.slice(colon + 1) : '';
  const full = colon > slash ? noDigest.slice(0, colon) : noDigest;
  return { repo: full.slice(full.lastIndexOf('/') + 1).toLowerCase(), path: full.toLowerCase(), tag: tag.toLowerCase() };
}

/**
 * A distroless image: its repository path names `distroless/` (`gcr.io/distroless/static-debian12`), or it is
 * Chainguard's `static` (`cgr.dev/chainguard/static`: no shell, no package manager, user nonroot 65532, as distroless).
 */
function isDistroless(ref: string): boolean {
  const name = ref.split('@')[0];
  return /(^|\/)distroless\//.test(name) || /(^|\/)chainguard(-images)?\/static(:|$)/.test(name);
}

/** The tag (or repository) names Alpine: `alpine`, `nginx:1.27-alpine`, `python:3.12-alpine3.20`. */
function namesAlpine(repo: string, tag: string): boolean {
  return repo === 'alpine' || /(^|[-.])alpine/.test(tag);
}

/**
 * The family an image reference most likely belongs to: DISTROLESS when its repository path names
 * distroless (`gcr.io/distroless/static-debian12`) or it is `scratch` (no shell and no package manager either),
 * ALPINE when the repository is `alpine` or the tag names alpine (`nginx:1.27-alpine`, `python:3.12-alpine3.20`),
 * else DEBIAN.
 */
export function inferImageFamily(image: string): ImageFamily {
  if (isDistroless(image) || image === 'scratch') return ImageFamily.DISTROLESS;
  const { repo, tag } = imageName(image);
  return namesAlpine(repo, tag) ? ImageFamily.ALPINE : ImageFamily.DEBIAN;
}

/**
 * The family an image reference states outright, or undefined when it does not say: DISTROLESS for a
 * `distroless/` path and for `scratch`, ALPINE for the `alpine` repository or an alpine tag, DEBIAN for `debian`/`ubuntu` or a
 * tag naming a Debian release or `slim` (`python:3.12-slim`, `node:22-bookworm-slim`, `nginx:1.27-bookworm`).
 */
export function evidentImageFamily(image: string): ImageFamily | undefined {
  if (isDistroless(image) || image === 'scratch') return ImageFamily.DISTROLESS;
  const { repo, tag } = imageName(image);
  if (namesAlpine(repo, tag)) return ImageFamily.ALPINE;
  if (repo === 'debian' || repo === 'ubuntu' || /(^|[-.])(slim|bookworm|bullseye|buster|trixie|stretch)([-.]|$)/.test(tag)) return ImageFamily.DEBIAN;
  return undefined;
}

/** What the base image is known to hold (official images' documented contents; empty lists: unknown base). */
export function baseTools(ref: string): BaseTools {
  const { repo, path, tag } = imageName(ref);
  const alpine = tag.includes('alpine');
  const slim = tag.includes('slim');
  if (path.includes('distroless')) {
    return {
      present: [...(repo.startsWith('python') ? ['python3' as const] : []), ...(repo.startsWith('nodejs') ? ['node' as const] : [])],
      absent: ['sh', 'curl', 'wget'],
    };
  }
  if (ref === 'scratch') return { present: [], absent: ['sh', 'curl', 'wget', 'python3', 'node'] };
  switch (repo) {
    case 'python':
      if (alpine) return { present: ['sh', 'python3', 'wget'], absent: ['curl', 'node'] };
      if (slim) return { present: ['sh', 'python3'], absent: ['curl', 'wget', 'node'] };
      return { present: ['sh', 'python3', 'curl', 'wget'], absent: [] };
    case 'node':
      if (alpine) return { present: ['sh', 'node', 'wget'], absent: ['curl', 'python3'] };
      if (slim) return { present: ['sh', 'node'], absent: ['curl', 'wget'] };
      return { present: ['sh', 'node', 'curl', 'wget', 'python3'], absent: [] };
    case 'alpine':
    case 'busybox':
      return { present: ['sh', 'wget'], absent: ['curl', 'python3', 'node'] };
    case 'debian':
    case 'ubuntu':
      return { present: ['sh'], absent: ['curl', 'wget', 'python3', 'node'] };
    case 'nginx':
    case 'nginx-unprivileged':
      return alpine ? { present: ['sh', 'wget'], absent: ['python3', 'node'] } : { present: ['sh'], absent: ['python3', 'node'] };
    default:
      return alpine ? { present: ['sh', 'wget'], absent: [] } : { present: [], absent: [] };
  }
}

/**
 * What a base image sets itself, for the bases whose image config is documented: the user it runs as
 * (`root`, or a uid) and whether it EXPOSEs a port (`exposes: false` = none). Undefined: an image the
 * project does not know (its USER and EXPOSE are unknown, never absent).
 */
export function baseImageDefaults(ref: string): { readonly user: 'root' | number; readonly exposes: boolean } | undefined {
  if (ref === 'scratch') return { user: 'root', exposes: false };
  if (/\$\{?[A-Za-z_]/.test(ref)) return undefined;
  const { repo, path, tag } = imageName(ref);
  if (path.includes('distroless')) return { user: tag.includes('nonroot') ? 65532 : 'root', exposes: false };
  const library = !path.includes('/') || path.startsWith('docker.io/library/') || path.startsWith('library/');
  if (!library) return undefined;
  const rootNoExpose = ['python', 'node', 'golang', 'debian', 'ubuntu', 'alpine', 'busybox', 'eclipse-temurin', 'openjdk',
    'amazoncorretto', 'ruby', 'rust', 'buildpack-deps', 'fedora', 'centos', 'rockylinux', 'almalinux', 'maven', 'gradle'];
  if (rootNoExpose.includes(repo)) return { user: 'root', exposes: false };
  if (repo === 'nginx' || repo === 'httpd' || repo === 'php') return { user: 'root', exposes: true };
  return undefined;
}

/** The tools every image of a family has: BusyBox wget and sh on Alpine. */
export function familyTools(family: ImageFamily): Tool[] {
  return family === ImageFamily.ALPINE ? ['sh', 'wget'] : [];
}

/** The path a tool runs as in an image, when not its name on PATH (distroless runtimes). */
export function toolProgram(ref: string, tool: Tool): string | undefined {
  if (!isDistroless(ref)) return undefined;
  const { repo } = imageName(ref);
  if (tool === 'node' && /^nodejs/.test(repo)) return '/nodejs/bin/node';
  if (tool === 'python3' && /^python3/.test(repo)) return '/usr/bin/python3';
  return undefined;
}

/** Debian and Alpine packages that provide a tool. */
export const PACKAGE_TOOLS: Readonly<Record<string, Tool>> = {
  'curl': 'curl',
  'wget': 'wget',
  // Debian's busybox 1.35 wget crashes with -T (docs/performance.md): the generator does not run checks with it.
  'busybox': 'wget',
  'python3': 'python3',
  'python3-minimal': 'python3',
  'python3-slim': 'python3',
  'nodejs': 'node',
  'nodejs-current': 'node',
  'bash': 'sh',
  'dash': 'sh',
};

/** An account an image already has. */
export interface ImageAccount {
  readonly name: string;
  readonly uid: number;
  readonly group: string;
  readonly gid: number;
}

/**
 * The non-root accounts official images already have: `node` in the Node images (not their default USER),
 * `nonroot` in distroless (the `:nonroot` tags' USER), `nginx` in nginx-unprivileged (its USER).
 */
export const IMAGE_OWN_ACCOUNTS: { readonly node: ImageAccount; readonly distroless: ImageAccount; readonly nginxUnprivileged: ImageAccount } = {
  node: { name: 'node', uid: 1000, group: 'node', gid: 1000 },
  distroless: { name: 'nonroot', uid: 65532, group: 'nonroot', gid: 65532 },
  nginxUnprivileged: { name: 'nginx', uid: 101, group: 'nginx', gid: 101 },
};

/**
 * The uid of an account a base image already has: `nobody` 65534 (Debian, Ubuntu, Alpine, BusyBox, distroless, UBI 8+),
 * `nonroot` 65532 (distroless, Chainguard/Wolfi: the convention), `www-data` 33 on Debian and Ubuntu and 82 on
 * Alpine (the `php` images; on a Debian or Alpine base the reference names, or an official image), `node` 1000 on `node` images, `nginx` 101 on `nginx` and `nginx-unprivileged`.
 * Undefined when the base is not known to have it (`scratch` has no accounts; CentOS 7 and Amazon Linux 2 give nobody 99).
 */
export function baseAccountUid(ref: string, name: string): number | undefined {
  if (ref === 'scratch') return undefined;
  const { repo, path, tag } = imageName(ref);
  // A build arg in the tag only (`distroless/static:latest-${ARCH}`) leaves the image known; in its name, not.
  const unknownRepo = /\$\{?[A-Za-z_]/.test(path);
  if (name === 'nobody') return unknownRepo || (repo === 'centos' && /^7/.test(tag)) || (repo === 'amazonlinux' && /^2(\.|$)/.test(tag)) ? undefined : 65534;
  if (name === IMAGE_OWN_ACCOUNTS.distroless.name) return unknownRepo ? undefined : IMAGE_OWN_ACCOUNTS.distroless.uid;
  if (/\$\{?[A-Za-z_]/.test(ref)) return undefined;
  if (name === 'www-data') {
    const family = evidentImageFamily(ref) ?? (!path.includes('/') ? inferImageFamily(ref) : undefined);
    return family === ImageFamily.ALPINE ? 82 : family === ImageFamily.DEBIAN ? 33 : undefined;
  }
  if (name === IMAGE_OWN_ACCOUNTS.node.name && repo === 'node') return IMAGE_OWN_ACCOUNTS.node.uid;
  if (name === IMAGE_OWN_ACCOUNTS.nginxUnprivileged.name && (repo === 'nginx' || repo === 'nginx-unprivileged') && !path.includes('distroless')) {
    return IMAGE_OWN_ACCOUNTS.nginxUnprivileged.uid;
  }
  return undefined;
}

/**
 * The whole account a base image already has, by its name, its group's name or its uid: `nobody` 65534:65534 (group
 * `nogroup`, `nobody` on Alpine), `nonroot` 65532:65532, `www-data` 33:33 on Debian and Ubuntu (82:82 on Alpine),
 * `node` 1000:1000 on `node` images, `nginx` 101:101 on nginx images: the accounts `baseAccountUid` knows the base
 * has, with their groups. The one list of them: the checker's uids, the emitter's `existing: true` users and the
 * constructs' fixes read it. Undefined when the base is not known to have such an account.
 */
export function baseAccount(ref: string, idOrName: number | string): ImageAccount | undefined {
  for (const name of ['nobody', 'nonroot', 'www-data', 'node', 'nginx']) {
    const uid = baseAccountUid(ref, name);
    if (uid === undefined) continue;
    const group = name === 'nobody' ? (inferImageFamily(ref) === ImageFamily.ALPINE ? 'nobody' : 'nogroup') : name;
    if (idOrName === name || idOrName === group || idOrName === uid) return { name, uid, group, gid: uid };
  }
  return undefined;
}

/**
 * Accounts and groups Debian, Alpine and common service images already have: `groupadd`/`adduser` of one of
 * them fails the build.
 */
export const IMAGE_ACCOUNTS: ReadonlySet<string> = new Set([
  'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data', 'backup', 'list',
  'irc', 'gnats', 'nobody', 'nogroup', '_apt', 'adm', 'tty', 'disk', 'kmem', 'dialout', 'fax', 'voice', 'cdrom', 'floppy',
  'tape', 'sudo', 'audio', 'dip', 'operator', 'src', 'shadow', 'utmp', 'video', 'sasl', 'plugdev', 'staff', 'users',
  'shutdown', 'halt', 'postmaster', 'cron', 'ftp', 'sshd', 'at', 'squid', 'xfs', 'ntp', 'smmsp', 'guest', 'wheel',
  'abuild', 'ping', 'netdev', 'input', 'kvm', 'render', 'crontab', 'systemd-journal', 'messagebus',
  'nginx', 'node', 'postgres', 'mysql', 'redis', 'nonroot', 'www',
]);
