/**
 * Which health-check tools an image has: installed by the Dockerfile, or known to come with its base
 * image (official images' documented contents). Anything else is "cannot tell", never "absent".
 */
import { DockerImage } from './_dockerfile';
import { bindWords } from '../../container/_bind';
import { baseTools, PACKAGE_TOOLS, Tool } from '../../images/_facts';

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
  return 'unknown';
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
