// The round trip's report (`check --round-trip`): per container, adopted or refused (every reason), and its differences by class.
import { Adoption, DifferenceClass } from '../adopt';

/** Adopted: no refusal, and a round trip (when one ran) that could compare the two sides (an error proves nothing). */
const proven = (p: Adoption): boolean => p.refusals.length === 0 && p.roundTrip?.error === undefined;

/** Counts over adoptions: adopted, refused by reason, differences by class. */
export interface RoundTripSummary {
  readonly containers: number;
  /** Statements with no refusal whose round trip (when one ran) compared both sides: not those counted in `unreadable`. */
  readonly adopted: number;
  readonly refused: number;
  /** Refusal reasons, by the field they name (`baseImage`, `checkTool`, ... ; `other` without one). */
  readonly refusedBy: Record<string, number>;
  readonly named: number;
  readonly hardening: number;
  readonly unlisted: number;
  /** Statements with no refusal whose generated files could not be read back (not proven: not counted as adopted). */
  readonly unreadable: number;
  /**
   * The containers and adopted ones by what they are adopted from: a Kubernetes container (`kubernetes`), a Compose
   * service built here that no Kubernetes container runs (`compose`), a Dockerfile neither runs (`dockerfile`).
   */
  readonly bySource: Record<string, { readonly containers: number; readonly adopted: number }>;
}

/** The sources of adoption, in report order. */
export const ADOPTION_SOURCES = ['kubernetes', 'compose', 'dockerfile'] as const;

export function roundTripSummary(parts: readonly Adoption[]): RoundTripSummary {
  const refusedBy: Record<string, number> = {};
  for (const p of parts) for (const r of p.refusals) refusedBy[r.field ?? 'other'] = (refusedBy[r.field ?? 'other'] ?? 0) + 1;
  const diffs = parts.flatMap((p) => p.roundTrip?.differences ?? []);
  const n = (c: DifferenceClass) => diffs.filter((d) => d.class === c).length;
  return {
    containers: parts.length,
    adopted: parts.filter(proven).length,
    refused: parts.filter((p) => p.refusals.length > 0).length,
    refusedBy: Object.fromEntries(Object.entries(refusedBy).sort(([a], [b]) => a.localeCompare(b))),
    named: n('named'),
    hardening: n('hardening'),
    unlisted: n('unlisted'),
    unreadable: parts.filter((p) => p.roundTrip?.error !== undefined).length,
    bySource: Object.fromEntries(ADOPTION_SOURCES.map((src) => {
      const of = parts.filter((p) => (p.side?.source ?? 'kubernetes') === src);
      return [src, { containers: of.length, adopted: of.filter(proven).length }];
    })),
  };
}

/** True when an adopted statement changes a field that neither its fragment names nor the hardening list holds (exit 1). */
export function hasUnlisted(parts: readonly Adoption[]): boolean {
  return parts.some((p) => p.roundTrip?.differences.some((d) => d.class === 'unlisted'));
}

const ORDER: DifferenceClass[] = ['unlisted', 'named', 'hardening'];

/** Text: one block per container, then the summary line. */
export function formatRoundTripText(parts: readonly Adoption[]): string {
  const lines: string[] = [];
  for (const p of parts) {
    const from = p.side ? p.side.describe : `${p.image.file} + ${p.container.file} (${p.container.kind === 'PodSpec' ? p.container.name : `${p.container.kind}/${p.container.workload}/${p.container.name}`})`;
    if (p.refusals.length > 0) {
      lines.push(`${p.id}: refused, from ${from}`);
      for (const r of p.refusals) lines.push(`  reason: ${r.reason}`, `     fix: ${r.fix}`);
      continue;
    }
    const rt = p.roundTrip;
    if (!rt || rt.error) {
      lines.push(rt?.error ? `${p.id}: not proven, from ${from}: the round trip failed: ${rt.error}` : `${p.id}: adopted, from ${from}; round trip not run`);
      continue;
    }
    const count = (c: DifferenceClass) => rt.differences.filter((d) => d.class === c).length;
    lines.push(`${p.id}: adopted${p.optIn ? ' (needs replaceExisting: true)' : ''}, from ${from}: ${rt.carried.length} field(s) carried over, ${count('named')} named, ${count('hardening')} hardening, ${count('unlisted')} unlisted`);
    for (const c of ORDER) {
      for (const d of rt.differences.filter((x) => x.class === c)) lines.push(`  ${c.padEnd(9)} ${d.field}: ${d.old} -> ${d.new}`);
    }
  }
  const s = roundTripSummary(parts);
  const sources = ADOPTION_SOURCES.filter((k) => s.bySource[k].containers > 0).map((k) => `${k} ${s.bySource[k].adopted}/${s.bySource[k].containers}`).join(', ');
  lines.push(`${s.containers} container(s)${sources ? ` (adopted/containers: ${sources})` : ''}: ${s.adopted} adopted, ${s.refused} refused${Object.keys(s.refusedBy).length > 0 ? ` (${Object.entries(s.refusedBy).map(([k, v]) => `${k} x${v}`).join(', ')})` : ''}; differences: ${s.named} named, ${s.hardening} hardening, ${s.unlisted} unlisted`);
  return lines.join('\n') + '\n';
}

/** JSON: `{ containers: [{ id, dockerfile, manifest, container, adopted, optIn, refusals, carried, differences }], summary }`. */
export function formatRoundTripJson(parts: readonly Adoption[]): string {
  return JSON.stringify({
    containers: parts.map((p) => ({
      id: p.id,
      dockerfile: p.image.file,
      manifest: p.container.file,
      container: p.container.kind === 'PodSpec' ? p.container.name : `${p.container.kind}/${p.container.workload}/${p.container.name}`,
      source: p.side?.source ?? 'kubernetes',
      adopted: proven(p),
      optIn: p.optIn,
      refusals: p.refusals,
      carried: p.roundTrip?.carried ?? [],
      differences: p.roundTrip?.differences ?? [],
      ...(p.roundTrip?.error ? { error: p.roundTrip.error } : {}),
    })),
    summary: roundTripSummary(parts),
  }, null, 2) + '\n';
}
