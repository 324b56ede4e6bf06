/**
 * `check-corpus <folder> [--out <dir>] [-- <check options>]`: runs the checker over every repository folder of
 * `<folder>` and writes `<out>/corpus.json` and `<out>/corpus.md` (default out: `check-corpus/` in the working
 * directory). Exit status 0 unless the arguments are wrong.
 */
import * as fs from 'fs';
import * as path from 'path';
import { corpusTable, runCorpus } from './corpus';

export function corpusMain(argv: string[], cwd: string, out: (s: string) => void): number {
  const dashes = argv.indexOf('--');
  const own = dashes >= 0 ? argv.slice(0, dashes) : argv;
  const extra = dashes >= 0 ? argv.slice(dashes + 1) : [];
  const o = own.indexOf('--out');
  const outDir = path.resolve(cwd, o >= 0 ? own[o + 1] ?? '' : 'check-corpus');
  const folders = own.filter((_, i) => i !== o && i !== o + 1);
  if (folders.length !== 1 || !fs.existsSync(path.resolve(cwd, folders[0])) || !fs.statSync(path.resolve(cwd, folders[0])).isDirectory()) {
    out(`check-corpus: <folder> must be one existing directory of repositories; received ${JSON.stringify(folders)}\n`);
    return 2;
  }
  const rows = runCorpus(path.resolve(cwd, folders[0]), extra);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'corpus.json'), JSON.stringify(rows, null, 2) + '\n');
  const table = corpusTable(rows);
  fs.writeFileSync(path.join(outDir, 'corpus.md'), table);
  out(table);
  return 0;
}

if (require.main === module) {
  process.exitCode = corpusMain(process.argv.slice(2), process.cwd(), (s) => process.stdout.write(s));
}
