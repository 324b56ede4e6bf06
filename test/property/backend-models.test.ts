import * as fc from 'fast-check';
import { checkRendered } from './check';
import { backendModel, renderBackendModel, RUNS, SEED } from './model';

/** RUNS (default 5,000) random valid backends, seeded; with the frontend file, 10,000 models per CI run. */
test(`backend: ${RUNS} valid models render files that parse, validate and read back as the model (seed ${SEED})`, () => {
  fc.assert(
    fc.property(backendModel, (m) => {
      const r = renderBackendModel(m);
      checkRendered(m, r);
      if (!r.dockerfile.includes(m.alpine ? `FROM python:${m.pythonVersion}-alpine AS base` : `FROM python:${m.pythonVersion}-slim AS base`)) {
        throw new Error('base image');
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
}, 600_000);
