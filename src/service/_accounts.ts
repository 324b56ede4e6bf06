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
