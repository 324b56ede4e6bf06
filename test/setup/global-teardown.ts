// Jest globalTeardown: removes the run's temp folder (global-setup.ts) with everything the tests wrote there.
import * as fs from 'fs';
import * as path from 'path';
import { RUN_TMPDIR_ENV, RUN_TMPDIR_PREFIX, SAVED_ENV } from './temp';

export default function globalTeardown(): void {
  const dir = process.env[RUN_TMPDIR_ENV];
  // Only the folder global-setup.ts made: an absolute path named pc-jest-*.
  if (dir && path.isAbsolute(dir) && path.basename(dir).startsWith(RUN_TMPDIR_PREFIX)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const saved = JSON.parse(process.env[SAVED_ENV] ?? '{}') as Record<string, string | null>;
  for (const [v, value] of Object.entries(saved)) {
    if (value === null) delete process.env[v];
    else process.env[v] = value;
  }
  delete process.env[RUN_TMPDIR_ENV];
  delete process.env[SAVED_ENV];
}
