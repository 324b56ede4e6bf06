import * as fc from 'fast-check';
import { checkRendered } from './check';
import { frontendModel, renderFrontendModel, RUNS, SEED } from './model';

/** RUNS (default 5,000) random valid frontends, seeded; with the backend file, 10,000 models per CI run. */
test(`frontend: ${RUNS} valid models render files that parse, validate and read back as the model (seed ${SEED + 1})`, () => {
  fc.assert(
    fc.property(frontendModel, (m) => {
      checkRendered(m, renderFrontendModel(m));
    }),
    { seed: SEED + 1, numRuns: RUNS },
  );
}, 600_000);
