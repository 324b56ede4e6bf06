// Shell commands of the setup step (package installs, account creation) per image family.
import { ResolvedUser } from '../container/_user';
import { ImageFamily } from '../images/image-family';

/** Commands that create the non-root group and user with fixed ids, per image family. */
export function createAccountCommands(family: ImageFamily, u: ResolvedUser): string[] {
  if (family === ImageFamily.ALPINE) {
    return [
      `addgroup -S -g ${u.gid} ${u.group}`,
      `adduser -S -D -H -u ${u.uid} -G ${u.group} -h /nonexistent -s /sbin/nologin ${u.name}`,
    ];
  }
  return [
    `groupadd --system --gid ${u.gid} ${u.group}`,
    `useradd --system --no-log-init --uid ${u.uid} --gid ${u.gid} --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ${u.name}`,
  ];
}

/**
 * Commands that install system packages without caches left in the layer
 * (hadolint DL3009/DL3015, Trivy DS-0025/DS-0029).
 */
export function installPackageCommands(family: ImageFamily, packages: readonly string[]): string[] {
  if (packages.length === 0) return [];
  if (family === ImageFamily.ALPINE) return [`apk add --no-cache ${packages.join(' ')}`];
  return [
    'apt-get update',
    `apt-get install -y --no-install-recommends ${packages.join(' ')}`,
    'rm -rf /var/lib/apt/lists/*',
  ];
}

/**
 * The accounts base images ship under fixed ids, as they are in each family: `nobody` 65534:65534 (group `nogroup`
 * on Debian, `nobody` on Alpine), distroless `nonroot` 65532:65532, the official nginx images' `nginx` 101:101 and the
 * node images' `node` 1000:1000. For the fix an error names when a user asks
 * the image to create one of them; undefined for any other id or name.
 * @param idOrName a uid/gid or an account/group name
 */
export function standardAccount(idOrName: number | string, family: ImageFamily): ResolvedUser | undefined {
  const nobody: ResolvedUser = { name: 'nobody', uid: 65534, group: family === ImageFamily.ALPINE ? 'nobody' : 'nogroup', gid: 65534 };
  const nonroot: ResolvedUser = { name: 'nonroot', uid: 65532, group: 'nonroot', gid: 65532 };
  if (idOrName === 65534 || idOrName === 'nobody' || idOrName === 'nogroup') return nobody;
  if (idOrName === 65532 || idOrName === 'nonroot') return nonroot;
  // The official images' own service accounts, the same ids in their Debian and Alpine variants.
  if (idOrName === 'nginx') return { name: 'nginx', uid: 101, group: 'nginx', gid: 101 };
  if (idOrName === 'node') return { name: 'node', uid: 1000, group: 'node', gid: 1000 };
  return undefined;
}
