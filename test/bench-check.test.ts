// Tests of bench/check-speed.ts (`npx projen bench:check`): which repositories a corpus root holds, and its refusals.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PUBLISHED, repositories } from '../bench/check-speed';
import { SECTIONS } from '../bench/publish';

function corpus(layout: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bench-check-'));
  for (const d of layout) fs.mkdirSync(path.join(dir, d), { recursive: true });
  return dir;
}

describe('bench:check', () => {
  test('a root laid out as docs/corpus.md says (<set>/<repository>) gives each repository with its set, sorted', () => {
    const root = corpus(['tune/b-repo', 'tune/a-repo', 'heldout/c-repo', 'notes']);
    fs.writeFileSync(path.join(root, 'tune', 'LIST.md'), 'a file, not a repository\n');
    expect(repositories([root]).map((r) => `${r.set}/${r.name}`)).toEqual(['tune/a-repo', 'tune/b-repo', 'heldout/c-repo']);
  });

  test('a root without set folders is a folder of repositories (links to folders count)', () => {
    const root = corpus(['x', 'y']);
    const target = corpus(['z-target']);
    fs.symlinkSync(path.join(target, 'z-target'), path.join(root, 'z'));
    expect(repositories([root]).map((r) => `${r.set}/${r.name}`)).toEqual([`${path.basename(root)}/x`, `${path.basename(root)}/y`, `${path.basename(root)}/z`]);
  });

  test('a root that is not a folder is refused in the house form', () => {
    expect(() => repositories(['/nonexistent/pc-corpus'])).toThrow(
      'bench:check.root: must be an existing folder of repositories; received "/nonexistent/pc-corpus"');
  });

  test('kubeconform\'s published figure is 5,237 files per second and bench:publish knows the section', () => {
    expect(Math.round(PUBLISHED.files / PUBLISHED.wallSeconds)).toBe(5237);
    expect(SECTIONS.find((s) => s.name === 'check-speed')?.marker).toBe('bench:check');
  });
});
