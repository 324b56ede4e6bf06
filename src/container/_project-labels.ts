// OCI labels from what the projen project itself says (a Node project's package.json fields); nothing invented.
import { Project } from 'projen';
import { OciLabels } from './oci-labels';

/** `git+https://x/y.git` -> `https://x/y.git`; undefined for anything that is not an http(s) URL. */
function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const url = value.replace(/^git\+/, '');
  return /^https?:\/\/\S+$/.test(url) ? url : undefined;
}

/**
 * The license projen gives a Node project whose `.projenrc` sets no `license` (and leaves `licensed` on). projen keeps
 * no record of whether the option was given, so this value is taken for projen's default, not the user's choice:
 * an image of an Apache-2.0 project says so with `labels: { licenses: 'Apache-2.0' }`.
 */
const PROJEN_DEFAULT_LICENSE = 'Apache-2.0';

/**
 * The labels a projen project's own metadata gives every image: `licenses` from a license the project sets (its
 * `license` option, SPDX; not projen's default Apache-2.0, nor UNLICENSED from `licensed: false`), `source` from
 * its repository URL, `url` from its homepage, `version` from its version (not the `0.0.0` placeholder). Only a
 * Node project (package.json) has these; any other project gives none. Descriptions stay per container: a
 * project's description speaks for all its images.
 */
export function projectLabels(project: Project): OciLabels {
  const pkg = (project as unknown as { package?: { license?: unknown; manifest?: Record<string, unknown> } }).package;
  const manifest = pkg?.manifest;
  if (manifest === undefined || manifest === null || typeof manifest !== 'object') return {};
  const out: { -readonly [K in keyof OciLabels]: OciLabels[K] } = {};
  const license = typeof pkg?.license === 'string' ? pkg.license : manifest.license;
  if (typeof license === 'string' && license !== 'UNLICENSED' && license !== PROJEN_DEFAULT_LICENSE && license.trim() !== '') out.licenses = license;
  const repo = manifest.repository;
  const source = httpUrl(typeof repo === 'object' && repo !== null ? (repo as { url?: unknown }).url : repo);
  if (source) out.source = source;
  const home = httpUrl(manifest.homepage);
  if (home) out.url = home;
  const version = manifest.version;
  if (typeof version === 'string' && version !== '0.0.0' && /^[0-9A-Za-z.+-]+$/.test(version)) out.version = version;
  return out;
}
