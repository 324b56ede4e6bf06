/**
 * `npx projen bench:publish [synth|build|check-cost|check-speed ...]`: puts measured figures into the docs. For each section named
 * (default: every section with results), the table its command wrote to bench/results/<name>.md goes between the
 * `<!-- <marker>:start -->` and `<!-- <marker>:end -->` lines of docs/performance.md, and bench/results/<name>.json is
 * copied to bench/published/<name>.json (tracked: the data behind the published table). `bench`, `bench:build` and
 * `check-cost` (also the last step of `e2e`, in test:all) write bench/results/ only, which git ignores: no run
 * changes a tracked file, and this is the one command that writes docs/performance.md and bench/published/.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Section {
  /** The results' file name (bench/results/<name>.md and .json) and the argument naming the section. */
  readonly name: string;
  /** The markers in docs/performance.md: `<!-- <marker>:start -->` and `<!-- <marker>:end -->`. */
  readonly marker: string;
  /** The command that writes the results. */
  readonly command: string;
}

export const SECTIONS: readonly Section[] = [
  { name: 'synth', marker: 'bench:synth', command: 'npx projen bench' },
  { name: 'build', marker: 'bench:build', command: 'npx projen bench:build' },
  { name: 'check-cost', marker: 'check-cost', command: 'npx projen check-cost' },
  { name: 'check-speed', marker: 'bench:check', command: 'npx projen bench:check <corpus root>' },
];

/** Paths relative to the repository. */
export const RESULTS_DIR = 'bench/results';
export const PUBLISHED_DIR = 'bench/published';
export const DOC = 'docs/performance.md';

/** `doc` with `table` (trailing newlines dropped) as the only text between the section's markers. */
export function splice(doc: string, marker: string, table: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const s = doc.indexOf(start);
  const e = doc.indexOf(end);
  if (s < 0 || e < s) {
    const found = s < 0 && e < 0 ? 'neither' : s < 0 ? `only ${end}` : e < 0 ? `only ${start}` : `${end} first`;
    throw new Error(`${DOC}.${marker}: must have the line ${start}, then the line ${end}; received ${found}`);
  }
  return doc.slice(0, s + start.length) + '\n' + table.replace(/\n+$/, '') + '\n' + doc.slice(e);
}

/**
 * Publishes the sections `names` (every section with results in bench/results/ when empty) of the repository at
 * `root`. Returns one line per section published; throws before writing anything when a named section has no results.
 */
export function publish(root: string, names: readonly string[] = []): string[] {
  for (const n of names) {
    if (!SECTIONS.some((s) => s.name === n)) {
      throw new Error(`bench:publish.section: must be one of ${SECTIONS.map((s) => s.name).join(', ')}; received ${JSON.stringify(n)}`);
    }
  }
  const results = (s: Section, ext: 'md' | 'json') => path.join(root, RESULTS_DIR, `${s.name}.${ext}`);
  const chosen = names.length > 0
    ? SECTIONS.filter((s) => names.includes(s.name))
    : SECTIONS.filter((s) => fs.existsSync(results(s, 'md')) || fs.existsSync(results(s, 'json')));
  for (const s of chosen) {
    for (const ext of ['md', 'json'] as const) {
      if (!fs.existsSync(results(s, ext))) {
        throw new Error(`${RESULTS_DIR}/${s.name}.${ext}: must exist (written by \`${s.command}\`); received no file`);
      }
    }
  }
  const docFile = path.join(root, DOC);
  let doc = fs.readFileSync(docFile, 'utf8');
  for (const s of chosen) doc = splice(doc, s.marker, fs.readFileSync(results(s, 'md'), 'utf8'));
  if (chosen.length > 0) fs.writeFileSync(docFile, doc);
  fs.mkdirSync(path.join(root, PUBLISHED_DIR), { recursive: true });
  for (const s of chosen) fs.copyFileSync(results(s, 'json'), path.join(root, PUBLISHED_DIR, `${s.name}.json`));
  return chosen.map((s) => `bench:publish: ${s.name}: ${RESULTS_DIR}/${s.name}.md into ${DOC} (${s.marker}), ${RESULTS_DIR}/${s.name}.json to ${PUBLISHED_DIR}/${s.name}.json`);
}

if (require.main === module) {
  try {
    const lines = publish(path.resolve(__dirname, '..'), process.argv.slice(2));
    console.log(lines.length > 0 ? lines.join('\n') : `bench:publish: nothing in ${RESULTS_DIR}/ (run ${SECTIONS.map((s) => `\`${s.command}\``).join(', ')} first)`);
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
