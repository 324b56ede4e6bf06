// The OCI labels of a model: validated, in a fixed order.
import { checkKnownKeys, checkLabelKey, checkQuotedValue, fail } from '../_validate';
import { OciLabels } from './oci-labels';

/** Every key of OciLabels (complete: the compiler checks it); any other is refused. */
const OCI_LABELS_KEYS: Record<keyof OciLabels, true> = {
  title: true, description: true, vendor: true, licenses: true, url: true, source: true, version: true, revision: true, created: true, extra: true,
};
const FIELDS = ['title', 'description', 'vendor', 'licenses', 'url', 'source', 'version', 'revision', 'created'] as const;

/** The validated label map, OCI fields first in a fixed order, then `extra` in its given order. */
export function resolveLabels(path: string, labels: OciLabels | undefined, defaults: OciLabels): Record<string, string> {
  checkKnownKeys(path, labels, OCI_LABELS_KEYS, 'OciLabels');
  const merged: OciLabels = { ...defaults, ...(labels ?? {}) };
  const out: Record<string, string> = {};
  for (const f of FIELDS) {
    const v = merged[f];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.trim().length === 0) fail(`${path}.${f}`, 'a non-empty string', v);
    checkQuotedValue(`${path}.${f}`, v);
    if (f === 'created' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
      fail(`${path}.created`, 'an RFC 3339 date-time such as 2026-01-31T12:00:00Z', v);
    }
    out[`org.opencontainers.image.${f}`] = v;
  }
  for (const [k, v] of Object.entries(merged.extra ?? {})) {
    checkLabelKey(`${path}.extra`, k);
    if (k in out) fail(`${path}.extra`, 'a key not set by another field', k);
    checkQuotedValue(`${path}.extra.${k}`, v);
    out[k] = v;
  }
  return out;
}
