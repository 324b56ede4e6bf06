// Tests of bench/publish.ts (`npx projen bench:publish`) and of where the measuring commands write their figures.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { errorOf } from './util';
import { DOC, publish, SECTIONS, splice } from '../bench/publish';

const root = path.resolve(__dirname, '..');

const DOC_TEXT = [
  '# Performance',
  '',
  '<!-- bench:synth:start -->',
  'old synth table',
  '<!-- bench:synth:end -->',
  '',
  'prose between',
  '',
  '<!-- check-cost:start -->',
  'old check-cost table',
  '<!-- check-cost:end -->',
  '',
  '<!-- bench:build:start -->',
  'old build table',
  '<!-- bench:build:end -->',
  '',
  'the end',
  '',
].join('\n');

/** A scratch repository: docs/performance.md and the results of `names` in bench/results/. */
function scratch(names: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-publish-'));
  fs.mkdirSync(path.join(dir, 'docs'));
  fs.writeFileSync(path.join(dir, DOC), DOC_TEXT);
  fs.mkdirSync(path.join(dir, 'bench', 'results'), { recursive: true });
  for (const n of names) {
    fs.writeFileSync(path.join(dir, 'bench', 'results', `${n}.md`), `| new ${n} |\n|---|\n`);
    fs.writeFileSync(path.join(dir, 'bench', 'results', `${n}.json`), JSON.stringify({ name: n }) + '\n');
  }
  return dir;
}

describe('bench:publish', () => {
  test('splices each measured table between its markers and copies its data to bench/published/; the rest stays', () => {
    const dir = scratch(['synth', 'check-cost']);
    expect(publish(dir)).toEqual([
      'bench:publish: synth: bench/results/synth.md into docs/performance.md (bench:synth), bench/results/synth.json to bench/published/synth.json',
      'bench:publish: check-cost: bench/results/check-cost.md into docs/performance.md (check-cost), bench/results/check-cost.json to bench/published/check-cost.json',
    ]);
    expect(fs.readFileSync(path.join(dir, DOC), 'utf8')).toBe(DOC_TEXT
      .replace('old synth table', '| new synth |\n|---|')
      .replace('old check-cost table', '| new check-cost |\n|---|'));
    expect(fs.readdirSync(path.join(dir, 'bench', 'published')).sort()).toEqual(['check-cost.json', 'synth.json']);
    expect(fs.readFileSync(path.join(dir, 'bench', 'published', 'synth.json'), 'utf8')).toBe('{"name":"synth"}\n');
    // Publishing again gives the same files.
    const once = fs.readFileSync(path.join(dir, DOC), 'utf8');
    publish(dir);
    expect(fs.readFileSync(path.join(dir, DOC), 'utf8')).toBe(once);
  });

  test('named sections only', () => {
    const dir = scratch(['synth', 'build']);
    expect(publish(dir, ['build'])).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, DOC), 'utf8')).toBe(DOC_TEXT.replace('old build table', '| new build |\n|---|'));
    expect(fs.readdirSync(path.join(dir, 'bench', 'published'))).toEqual(['build.json']);
  });

  test('nothing measured: nothing written', () => {
    const dir = scratch([]);
    expect(publish(dir)).toEqual([]);
    expect(fs.readFileSync(path.join(dir, DOC), 'utf8')).toBe(DOC_TEXT);
  });

  test('a named section without results, or an unknown one, is refused before anything is written', () => {
    const dir = scratch(['synth']);
    expect(errorOf(() => publish(dir, ['synth', 'build']))).toBe('bench/results/build.md: must exist (written by `npx projen bench:build`); received no file');
    expect(errorOf(() => publish(dir, ['bench']))).toBe('bench:publish.section: must be one of synth, build, check-cost, check-speed; received "bench"');
    fs.rmSync(path.join(dir, 'bench', 'results', 'synth.json'));
    expect(errorOf(() => publish(dir))).toBe('bench/results/synth.json: must exist (written by `npx projen bench`); received no file');
    expect(fs.readFileSync(path.join(dir, DOC), 'utf8')).toBe(DOC_TEXT);
    expect(fs.existsSync(path.join(dir, 'bench', 'published'))).toBe(false);
  });

  test('markers missing or out of order are refused', () => {
    expect(errorOf(() => splice('text', 'bench:synth', 't'))).toBe(
      'docs/performance.md.bench:synth: must have the line <!-- bench:synth:start -->, then the line <!-- bench:synth:end -->; received neither',
    );
    expect(errorOf(() => splice('<!-- x:end -->\n<!-- x:start -->\n', 'x', 't'))).toBe(
      'docs/performance.md.x: must have the line <!-- x:start -->, then the line <!-- x:end -->; received <!-- x:end --> first',
    );
    expect(errorOf(() => splice('<!-- x:start -->\n', 'x', 't'))).toBe(
      'docs/performance.md.x: must have the line <!-- x:start -->, then the line <!-- x:end -->; received only <!-- x:start -->',
    );
  });

  test('docs/performance.md has every section once, and splicing its own tables back changes nothing', () => {
    const doc = fs.readFileSync(path.join(root, DOC), 'utf8');
    let again = doc;
    for (const s of SECTIONS) {
      const start = `<!-- ${s.marker}:start -->`;
      const end = `<!-- ${s.marker}:end -->`;
      expect(doc.split(start)).toHaveLength(2);
      expect(doc.split(end)).toHaveLength(2);
      again = splice(again, s.marker, doc.slice(doc.indexOf(start) + start.length + 1, doc.indexOf(end)));
    }
    expect(again).toBe(doc);
    // The data behind each published table is committed beside it.
    expect(SECTIONS.map((s) => fs.existsSync(path.join(root, 'bench', 'published', `${s.name}.json`)))).toEqual(SECTIONS.map(() => true));
  });
});

describe('the measuring commands write bench/results/ only', () => {
  test.each([
    ['bench/synth.ts', "path.join(ROOT, 'bench', 'results'"],
    ['bench/build.ts', "path.join(ROOT, 'bench', 'results')"],
    ['test/e2e/check-cost.ts', "path.join(root, 'bench', 'results'"],
  ])('%s', (file, results) => {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    expect(source).toContain(results);
    // No path to the docs or to a tracked results folder.
    expect(source).not.toMatch(/'docs'|'docs\/performance\.md'|__dirname, 'results'|'published', '/);
  });
});
