/** Package names known to exist under one family's package manager only, with the other family's name. */
import { fail } from '../_validate';
import { ImageFamily } from './image-family';

/**
 * Debian package -> its Alpine counterpart, for names that apt knows and apk does not. Only names that
 * are certain (both archives checked by name); a name in neither list passes.
 * @see https://packages.debian.org/bookworm/
 * @see https://pkgs.alpinelinux.org/packages
 */
const DEBIAN_TO_ALPINE: Record<string, string> = {
  'build-essential': 'build-base',
  'libc6-dev': 'musl-dev',
  'libssl-dev': 'openssl-dev',
  'zlib1g-dev': 'zlib-dev',
  'libjpeg62-turbo-dev': 'libjpeg-turbo-dev',
  'default-libmysqlclient-dev': 'mariadb-dev',
  'dnsutils': 'bind-tools',
  'xz-utils': 'xz',
  'apt-transport-https': '(nothing: apk needs no such package)',
  'software-properties-common': '(nothing: apk has no add-apt-repository)',
};

/** Alpine package -> its Debian counterpart (the reverse of the table, plus Alpine-only names). */
const ALPINE_TO_DEBIAN: Record<string, string> = {
  ...Object.fromEntries(Object.entries(DEBIAN_TO_ALPINE).filter(([, a]) => !a.startsWith('(')).map(([d, a]) => [a, d])),
  'alpine-sdk': 'build-essential',
};

/**
 * Refuses a package name that belongs to the other family: after a switch of the base image from Debian
 * to Alpine (or back), the old names would reach `apk add` (or `apt-get install`) and fail the build.
 * @param path field path, e.g. `backend.systemPackages[0]`
 * @param pkg the package, optionally `=version`
 * @param family the family of the stage that installs it
 * @param familyField the option that chose the family, for the message (e.g. `baseImage python:3.12-alpine`)
 */
export function checkPackageFamily(path: string, pkg: string, family: ImageFamily, familyField: string): void {
  const name = pkg.split('=')[0];
  const table = family === ImageFamily.ALPINE ? DEBIAN_TO_ALPINE : family === ImageFamily.DEBIAN ? ALPINE_TO_DEBIAN : undefined;
  const other = table?.[name];
  if (other === undefined) return;
  const [manager, own, theirs] = family === ImageFamily.ALPINE ? ['apk', 'Alpine', 'Debian'] : ['apt-get', 'Debian', 'Alpine'];
  const fix = other.startsWith('(') ? `remove it ${other}` : `use '${other}'`;
  fail(path, `${own === 'Alpine' ? 'an' : 'a'} ${own} package name for ${manager} (${familyField} is ${own}); '${name}' is ${theirs}'s name: ${fix}`, pkg);
}
