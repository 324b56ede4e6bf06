/**
 * Which health-check tools an image has: installed by the Dockerfile, or known to come with its base
 * image (official images' documented contents). Anything else is "cannot tell", never "absent".
 */
import { DockerImage } from './_dockerfile';
import { bindWords } from '../../container/_bind';
import { baseTools, imageName, PACKAGE_TOOLS, Tool } from '../../images/_facts';

// The image facts (reference parsing, the tools of base images, package -> tool, a base's USER and EXPOSE) live in
// src/images/_facts.ts, shared with the generator.
export { baseAccount, baseAccountUid, baseImageDefaults, evidentImageFamily, imageName } from '../../images/_facts';
export type { BaseTools, Tool } from '../../images/_facts';

/** 'present' (installed or in the base), 'absent' (known missing) or 'unknown'. */
export function hasTool(image: DockerImage, tool: Tool): 'present' | 'absent' | 'unknown' {
  for (const p of image.packages) if (PACKAGE_TOOLS[p] === tool) return 'present';
  const base = baseTools(image.base);
  if (base.present.includes(tool)) return 'present';
  if (base.absent.includes(tool)) return 'absent';
  if (officialImageTools(image.base).includes(tool)) return 'present';
  return 'unknown';
}

const DEBIAN_RELEASES = /(^|-)(jessie|stretch|buster|bullseye|bookworm|trixie)(-|$)/;

/**
 * Tools an official image has had since a known version, read from its own Dockerfiles: what the checker may rely
 * on when it reads a Dockerfile built FROM it. The generator does not take these (it installs its check tool itself,
 * whatever the base's version), so they live here and not in `baseTools`. Only the `library/` images:
 * - `nginx`, Debian and Alpine variants (not `alpine-slim`): curl since 1.17.10 / 1.18.0 ("Provide curl inside
 *   images", docker-nginx 87f9340, 2020-04-21); a tag without a version (`latest`, `stable`, `mainline`, `alpine`) is
 *   newer. 1.17 without a patch number and older versions: unknown.
 * - `php`, every variant: curl among its persistent dependencies (docker-library/php `Dockerfile-linux.template`,
 *   Debian and Alpine alike, since its first templates in 2016).
 * - `openjdk` before 12 (`8`, `8-jdk`, `11-jre`, `8u342-jdk-buster`), and any tag naming a Debian release: built
 *   FROM `buildpack-deps:<release>-scm` (JDK) or `-curl` (JRE), both with curl and wget. Not `-slim` (Debian slim),
 *   `alpine`, `oracle`/`oraclelinux` (the default from 12 on) or Windows variants: unknown.
 */
export function officialImageTools(ref: string): Tool[] {
  const { repo, path, tag } = imageName(ref);
  const library = !path.includes('/') || path === `library/${repo}` || path === `docker.io/library/${repo}`;
  if (!library) return [];
  const version = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(tag);
  if (repo === 'nginx') {
    if (tag.includes('alpine-slim')) return [];
    if (!version) return ['curl'];
    const [maj, min, patch] = [1, 2, 3].map((k) => (version[k] === undefined ? -1 : Number(version[k])));
    const since = maj > 1 || min >= 18 || (min === 17 && patch >= 10);
    return since ? ['curl'] : [];
  }
  if (repo === 'php') return ['curl'];
  if (repo === 'openjdk') {
    if (/slim|alpine|oracle|windows|nanoserver/.test(tag) || !version) return [];
    return Number(version[1]) < 12 || DEBIAN_RELEASES.test(tag) ? ['curl', 'wget'] : [];
  }
  return [];
}

/** The tools a check's argv needs: the shell when it runs one, and the program it calls. */
export function toolsOfCheck(argv: string[]): { readonly tools: Tool[]; readonly program: string } {
  const tools: Tool[] = [];
  let words = argv;
  const shells = ['sh', 'bash', 'ash', 'dash'];
  const base = (w: string) => w.slice(w.lastIndexOf('/') + 1);
  if (words.length >= 3 && shells.includes(base(words[0])) && words[1] === '-c') {
    tools.push('sh');
    words = words[2].trim().split(/\s+/);
  }
  const program = base(words[0] ?? '');
  if (program === 'curl' || program === 'wget') tools.push(program);
  else if (/^python(3(\.\d+)?)?$/.test(program)) tools.push('python3');
  else if (program === 'node') tools.push('node');
  return { tools, program };
}

/**
 * The first http(s) URL in a check's words: host, port (scheme default) and path. Undefined when there is none,
 * or when its host or port is a variable left unresolved (`http://localhost:$PORT/`: the port is not known).
 */
export function checkUrl(argv: string[]): { readonly host: string; readonly port: number; readonly path: string } | undefined {
  const m = /(https?):\/\/(\[[^\]]+\]|[^/:\s'"]+)(?::([^/\s'"]+))?(\/[^\s'"]*)?/.exec(argv.join(' '));
  if (!m || m[2].includes('$') || (m[3] !== undefined && !/^\d+$/.test(m[3]))) return undefined;
  return { host: m[2], port: m[3] ? Number(m[3]) : m[1] === 'https' ? 443 : 80, path: m[4] ?? '/' };
}

/**
 * True when the image's command binds an IPv4 wildcard or loopback explicitly (`--host 0.0.0.0`, `--bind 0.0.0.0:8000`,
 * `-b 0.0.0.0`): such a server does not answer on ::1, where `localhost` may resolve first. The argv words are read
 * by the generator's own reader of bind options (container/_bind.ts).
 */
export function ipv4Only(argv: string[]): boolean {
  return bindWords(argv).some((b) => /^(0\.0\.0\.0|127\.0\.0\.1)$/.test(b.host));
}
