/**
 * Which health-check tools an image has: installed by the Dockerfile, or known to come with its base
 * image (official images' documented contents). Anything else is "cannot tell", never "absent".
 */
import { DockerImage } from './_read-dockerfile';
import { baseTools, PACKAGE_TOOLS, Tool } from '../_images';

// The image facts (reference parsing, the tools of base images, package -> tool) live in src/_images.ts,
// shared with the generator.
export { imageName } from '../_images';
export type { BaseTools, Tool } from '../_images';

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

/** The first http(s) URL in a check's words: host, port (scheme default) and path. */
export function checkUrl(argv: string[]): { readonly host: string; readonly port: number; readonly path: string } | undefined {
  const m = /(https?):\/\/(\[[^\]]+\]|[^/:\s'"]+)(?::(\d+))?(\/[^\s'"]*)?/.exec(argv.join(' '));
  if (!m) return undefined;
  return { host: m[2], port: m[3] ? Number(m[3]) : m[1] === 'https' ? 443 : 80, path: m[4] ?? '/' };
}
