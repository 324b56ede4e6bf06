// Adopts a fixture repository as the CLI does and reads its round trip (shared by the adoption tests).
import * as path from 'path';
import { check } from '../../src/check/_check';
import { adoptAll, Adoption, Difference, undeployedPairs } from '../../src/check/adopt';

/** The round-trip fixtures' folder (test/check/fixtures/round-trip). */
export const roundTripFixtures = path.join(__dirname, 'fixtures', 'round-trip');

/**
 * Adopts every container of fixture repository `dir` (under test/check/fixtures/round-trip) as the CLI does, with the
 * round trip: the paired Kubernetes containers, then (unless `pairedOnly`) the Compose services and Dockerfiles no
 * workload deploys.
 */
export function adoptFixture(dir: string, pairedOnly = false): Adoption[] {
  const cwd = path.join(roundTripFixtures, dir);
  const result = check({ paths: ['.'], cwd });
  const deployed = result.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! }));
  const seen = { images: result.images, compose: result.compose, deployed: deployed.map((p) => p.image) };
  const undeployed = pairedOnly ? [] : undeployedPairs(seen, cwd);
  return adoptAll([...deployed, ...undeployed], cwd, { roundTrip: true });
}

/** An adoption's round-trip differences, `field` -> `class old -> new`. */
export function diffsOf(p: Adoption): Record<string, string> {
  return Object.fromEntries(p.roundTrip!.differences.map((d: Difference) => [d.field, `${d.class} ${d.old} -> ${d.new}`]));
}

/** The differences of an adoption that must be adopted (no refusal) with a readable round trip. */
export function adoptedDiffs(p: Adoption): Record<string, string> {
  expect([p.id, p.refusals]).toEqual([p.id, []]);
  expect(p.roundTrip?.error).toBeUndefined();
  return diffsOf(p);
}

/** The unlisted entries of a differences map. */
export const unlisted = (d: Record<string, string>): Array<[string, string]> => Object.entries(d).filter(([, v]) => v.startsWith('unlisted'));
