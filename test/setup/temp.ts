// The test run's own temp folder and the outdir rule, shared by jest's globalSetup, globalTeardown and setupFiles.
import * as fs from 'fs';
import * as path from 'path';

/** The repository (real path): no test project may have it, or a folder above it, as outdir. */
export const ROOT = fs.realpathSync(path.resolve(__dirname, '..', '..'));

/** The environment variable naming the run's temp folder (set by global-setup.ts, inherited by jest's workers). */
export const RUN_TMPDIR_ENV = 'PC_TEST_TMPDIR';

/** The prefix of the run's temp folder in the system temp folder. */
export const RUN_TMPDIR_PREFIX = 'pc-jest-';

/** Where the system temp folder variables stood before global-setup.ts pointed them at the run's folder (JSON). */
export const SAVED_ENV = 'PC_TEST_SAVED_TMP_ENV';

/** The variables os.tmpdir() (and mktemp, Python, Go) read. */
export const TMP_VARS = ['TMPDIR', 'TMP', 'TEMP'] as const;

/** Whether `p` is `dir` or a path below it (whole path segments: /tmp/a-b is not below /tmp/a). */
export function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The real path of `p`, for a path that may not exist yet: the real path of its nearest existing folder, plus the rest. */
export function realPath(p: string): string {
  const abs = path.resolve(p);
  let existing = abs;
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  return path.join(fs.realpathSync(existing), path.relative(existing, abs));
}

/**
 * Refuses the outdir of a project a test synthesizes: it must be a folder inside the run's temp folder, which is
 * never the repository or a folder above it (projen's Testing.synth removes the outdir when it is done).
 */
export function checkOutdir(outdir: string, runTmp: string, root: string = ROOT): void {
  const real = realPath(outdir);
  if (isInside(root, real)) {
    throw new Error(`project.outdir: must be a folder of the test's own, never the repository ${root} or a folder above it; received ${outdir}`);
  }
  if (real === runTmp || !isInside(real, runTmp)) {
    throw new Error(`project.outdir: must be a folder inside the test run's temp folder ${runTmp} (os.tmpdir() in tests, test/setup/global-setup.ts); received ${outdir}`);
  }
}

/**
 * Refuses a test process that is not in the run's temp folder setup: os.tmpdir() must be the run's folder, and
 * neither the current folder nor the repository may be inside it (projen takes the current folder as the outdir
 * of a project without one when that folder is under os.tmpdir()).
 */
export function checkRunTmp(runTmp: string | undefined, tmpdir: string, cwd: string, root: string = ROOT): string {
  if (!runTmp || tmpdir !== runTmp) {
    throw new Error(`os.tmpdir(): must be the test run's own temp folder (${RUN_TMPDIR_ENV}=${runTmp ?? ''}, made by jest's globalSetup test/setup/global-setup.ts); received ${tmpdir}`);
  }
  checkOutsideRunTmp(runTmp, cwd, root);
  return runTmp;
}

/** Refuses a current folder or a repository inside the run's temp folder. */
export function checkOutsideRunTmp(runTmp: string, cwd: string, root: string = ROOT): void {
  if (isInside(realPath(cwd), runTmp)) {
    throw new Error(`process.cwd(): must be outside the test run's temp folder ${runTmp} (projen would take it as the outdir of a project without one); received ${cwd}`);
  }
  if (isInside(root, runTmp)) {
    throw new Error(`the repository: must be outside the test run's temp folder ${runTmp}; received ${root}`);
  }
}
