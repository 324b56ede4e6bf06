import * as fc from 'fast-check';
import { checkRendered } from './check';
import { common, httpCheck, httpPath, nginxPath, renderFrontend, RUNS, SEED, sharedOptions } from './model';
import { CheckTool } from '../../src';

/** RUNS (default 5,000) random valid frontends, seeded; with the backend file, 10,000 models per CI run. */
test(`frontend: ${RUNS} valid models render files that parse, validate and read back as the model (seed ${SEED + 1})`, () => {
  const model = common(httpCheck(httpPath), httpCheck(nginxPath), [CheckTool.CURL, CheckTool.WGET]);
  fc.assert(
    fc.property(model, (m) => {
      const r = renderFrontend({ ...sharedOptions(m), nginxImage: m.alpine ? 'nginx:1.27-alpine' : 'nginx:1.27-bookworm' });
      checkRendered(m, r);
    }),
    { seed: SEED + 1, numRuns: RUNS },
  );
}, 600_000);
