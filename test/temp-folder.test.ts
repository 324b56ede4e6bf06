// Tests of the test run's own temp folder and the outdir guard (test/setup/): no test writes to or deletes the repository.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project, Testing } from 'projen';
import globalSetup from './setup/global-setup';
import globalTeardown from './setup/global-teardown';
import { ROOT, RUN_TMPDIR_ENV, checkOutdir, checkRunTmp, isInside, realPath } from './setup/temp';
import { errorOf } from './util';

const runTmp = process.env[RUN_TMPDIR_ENV]!;

describe('the run\'s own temp folder', () => {
  test('is os.tmpdir() of this test file\'s process and of its children, a fresh pc-jest-* folder outside the repository', () => {
    expect(path.basename(runTmp)).toMatch(/^pc-jest-[A-Za-z0-9]{6}$/);
    expect(os.tmpdir()).toBe(runTmp);
    expect(fs.statSync(runTmp).isDirectory()).toBe(true);
    expect(isInside(ROOT, runTmp)).toBe(false);
    expect(isInside(runTmp, ROOT)).toBe(false);
    expect(execFileSync(process.execPath, ['-p', 'require("os").tmpdir()'], { encoding: 'utf8' }).trim()).toBe(runTmp);
  });

  test('a project without outdir gets a new folder inside it, not the current folder', () => {
    const project = new Project({ name: 'no-outdir' });
    expect(path.dirname(project.outdir)).toBe(runTmp);
    expect(path.basename(project.outdir)).toMatch(/^projen\./);
    expect(project.outdir).not.toBe(process.cwd());
  });

  // Called here, in a test file's process.env (jest's copy, which os.tmpdir() does not read): jest calls them in its own process.
  test('globalSetup makes a fresh folder and points TMPDIR, TMP and TEMP at it; globalTeardown removes it and restores them', () => {
    const saved = { ...process.env };
    try {
      globalSetup();
      const dir = process.env[RUN_TMPDIR_ENV]!;
      expect(path.dirname(dir)).toBe(runTmp);
      expect(path.basename(dir)).toMatch(/^pc-jest-/);
      expect(fs.statSync(dir).isDirectory()).toBe(true);
      expect([process.env.TMPDIR, process.env.TMP, process.env.TEMP]).toEqual([dir, dir, dir]);
      fs.writeFileSync(path.join(dir, 'written-by-a-test'), 'x');
      globalTeardown();
      expect(fs.existsSync(dir)).toBe(false);
      expect([process.env.TMPDIR, process.env.TMP, process.env.TEMP]).toEqual([saved.TMPDIR, saved.TMP, saved.TEMP]);
      expect(process.env[RUN_TMPDIR_ENV]).toBeUndefined();
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    expect(os.tmpdir()).toBe(runTmp);
  });
});

describe('the outdir guard', () => {
  test('refuses the repository, any folder above it, the run\'s folder itself and anything outside it', () => {
    const repoRule = (p: string) => `project.outdir: must be a folder of the test's own, never the repository ${ROOT} or a folder above it; received ${p}`;
    const inRun = (p: string) => `project.outdir: must be a folder inside the test run's temp folder ${runTmp} (os.tmpdir() in tests, test/setup/global-setup.ts); received ${p}`;
    expect(errorOf(() => checkOutdir(ROOT, runTmp))).toBe(repoRule(ROOT));
    expect(errorOf(() => checkOutdir(path.dirname(ROOT), runTmp))).toBe(repoRule(path.dirname(ROOT)));
    expect(errorOf(() => checkOutdir('/', runTmp))).toBe(repoRule('/'));
    expect(errorOf(() => checkOutdir(`${ROOT}/src/..`, runTmp))).toBe(repoRule(`${ROOT}/src/..`));
    expect(errorOf(() => checkOutdir(runTmp, runTmp))).toBe(inRun(runTmp));
    expect(errorOf(() => checkOutdir(`${runTmp}-sibling`, runTmp))).toBe(inRun(`${runTmp}-sibling`));
    expect(errorOf(() => checkOutdir(path.join(ROOT, 'examples'), runTmp))).toBe(inRun(path.join(ROOT, 'examples')));
    expect(errorOf(() => checkOutdir(path.join(runTmp, 'a', '..', '..', 'b'), runTmp))).toBe(inRun(path.join(runTmp, 'a', '..', '..', 'b')));
    // Inside the run's folder, existing or not yet.
    expect(() => checkOutdir(fs.mkdtempSync(path.join(os.tmpdir(), 'pc-guard-')), runTmp)).not.toThrow();
    expect(() => checkOutdir(path.join(runTmp, 'not', 'yet'), runTmp)).not.toThrow();
  });

  test('a symlink inside the run\'s folder that leads to the repository is refused (real paths are compared)', () => {
    const link = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pc-guard-')), 'repo');
    fs.symlinkSync(ROOT, link);
    expect(realPath(link)).toBe(ROOT);
    expect(errorOf(() => checkOutdir(link, runTmp))).toMatch(/^project\.outdir: must be a folder of the test's own, never the repository /);
  });

  test('Testing.synth of a project whose outdir is the repository is refused before anything is written or removed', () => {
    const before = fs.readdirSync(ROOT).sort();
    const project = new Project({ name: 'guard', outdir: ROOT });
    expect(errorOf(() => Testing.synth(project))).toBe(
      `project.outdir: must be a folder of the test's own, never the repository ${ROOT} or a folder above it; received ${ROOT}`,
    );
    expect(fs.readdirSync(ROOT).sort()).toEqual(before);
  });

  test('project.synth() into a folder outside the run\'s temp folder is refused and writes nothing', () => {
    // An ignored folder that does not exist: were the guard missing, this is where the files would go.
    const outdir = path.join(ROOT, 'node_modules', '.cache', `pc-guard-probe-${process.pid}`);
    try {
      const project = new Project({ name: 'guard', outdir });
      expect(errorOf(() => project.synth())).toBe(
        `project.outdir: must be a folder inside the test run's temp folder ${runTmp} (os.tmpdir() in tests, test/setup/global-setup.ts); received ${outdir}`,
      );
      expect(fs.existsSync(outdir)).toBe(false);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('project.synth() and Testing.synth() into a folder of the test\'s own work as before', () => {
    const project = new Project({ name: 'own', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'pc-guard-')) });
    project.synth();
    expect(fs.existsSync(path.join(project.outdir, '.projen', 'tasks.json'))).toBe(true);
    const snapshot = new Project({ name: 'own', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'pc-guard-')) });
    expect(Object.keys(Testing.synth(snapshot))).toContain('.gitignore');
    expect(fs.existsSync(snapshot.outdir)).toBe(false);
  });

  test('a test process outside the run\'s folder setup is refused', () => {
    expect(errorOf(() => checkRunTmp(undefined, '/tmp', ROOT))).toBe(
      `os.tmpdir(): must be the test run's own temp folder (${RUN_TMPDIR_ENV}=, made by jest's globalSetup test/setup/global-setup.ts); received /tmp`,
    );
    expect(errorOf(() => checkRunTmp(runTmp, '/tmp', ROOT))).toBe(
      `os.tmpdir(): must be the test run's own temp folder (${RUN_TMPDIR_ENV}=${runTmp}, made by jest's globalSetup test/setup/global-setup.ts); received /tmp`,
    );
    const cwd = path.join(runTmp, 'checkout');
    expect(errorOf(() => checkRunTmp(runTmp, runTmp, cwd))).toBe(
      `process.cwd(): must be outside the test run's temp folder ${runTmp} (projen would take it as the outdir of a project without one); received ${cwd}`,
    );
    expect(errorOf(() => checkRunTmp(runTmp, runTmp, '/', path.join(runTmp, 'repo')))).toBe(
      `the repository: must be outside the test run's temp folder ${runTmp}; received ${path.join(runTmp, 'repo')}`,
    );
    expect(checkRunTmp(runTmp, runTmp, ROOT)).toBe(runTmp);
  });
});
