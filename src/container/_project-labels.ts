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
 * The labels a projen project's own metadata gives every image: `licenses` from its license (SPDX), `source` from
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
  if (typeof license === 'string' && license !== 'UNLICENSED' && license.trim() !== '') out.licenses = license;
  const repo = manifest.repository;
  const source = httpUrl(typeof repo === 'object' && repo !== null ? (repo as { url?: unknown }).url : repo);
  if (source) out.source = source;
  const home = httpUrl(manifest.homepage);
  if (home) out.url = home;
  const version = manifest.version;
  if (typeof version === 'string' && version !== '0.0.0' && /^[0-9A-Za-z.+-]+$/.test(version)) out.version = version;
  return out;
}
