// Jest globalSetup: a fresh temp folder of the run's own, made os.tmpdir() of jest and of its workers (TMPDIR).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, RUN_TMPDIR_ENV, RUN_TMPDIR_PREFIX, SAVED_ENV, TMP_VARS, checkOutsideRunTmp } from './temp';

/**
 * Every test writes into this folder (os.tmpdir()), and global-teardown.ts removes it. It is new, so no checkout
 * can be inside it: projen's default outdir in tests (a new folder in os.tmpdir(), or the current folder when that
 * is under os.tmpdir()) is always a folder of the run's own. The workers jest starts after this inherit process.env.
 */
export default function globalSetup(): void {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), RUN_TMPDIR_PREFIX)));
  checkOutsideRunTmp(dir, process.cwd(), ROOT);
  process.env[SAVED_ENV] = JSON.stringify(Object.fromEntries(TMP_VARS.map((v) => [v, process.env[v] ?? null])));
  for (const v of TMP_VARS) process.env[v] = dir;
  process.env[RUN_TMPDIR_ENV] = dir;
}
