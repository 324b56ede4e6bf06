// Jest setupFiles: before each test file, refuses a run or a projen synthesis that could write to or delete the repository.
import * as os from 'os';
import { Project, Testing } from 'projen';
import { RUN_TMPDIR_ENV, checkOutdir, checkRunTmp } from './temp';

// The run's own temp folder is os.tmpdir() here, and the current folder is not inside it (global-setup.ts).
const runTmp = checkRunTmp(process.env[RUN_TMPDIR_ENV], os.tmpdir(), process.cwd());

// Every synthesis is checked before it writes or removes anything: project.synth() (which first deletes the files
// projen generated before) and Testing.synth() (which removes the whole outdir when it is done).
const GUARDED = Symbol.for('projen-containers.test-outdir-guard');
const proto = Project.prototype as unknown as Record<symbol, boolean>;
if (!proto[GUARDED]) {
  const synth = Project.prototype.synth;
  Project.prototype.synth = function guardedSynth(this: Project): void {
    checkOutdir(this.outdir, runTmp);
    synth.call(this);
  };
  proto[GUARDED] = true;
  const snapshot = Testing.synth;
  Testing.synth = (project, options) => {
    checkOutdir(project.outdir, runTmp);
    return snapshot(project, options);
  };
}
