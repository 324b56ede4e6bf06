// The one comment form a fragment names a difference in (`// changes: <field>: <old> -> <new>`), and its reader.

/** A difference between the original container and what the emitted statement generates, as the fragment names it. */
export interface Change {
  /** The round trip's field name (`command`, `workers`, `livenessProbe.port`, `volumeMount /root/.ssh`, `build stages`, ...). */
  readonly field: string;
  readonly old: string;
  readonly new: string;
}

/** The prefix of every change comment. */
export const CHANGE_PREFIX = '// changes: ';

/** `// changes: <field>: <old> -> <new>` (one line: line breaks become spaces). */
export function changeComment(c: Change): string {
  const one = (s: string) => s.replace(/\s*\r?\n\s*/g, ' ');
  return `${CHANGE_PREFIX}${one(c.field)}: ${one(c.old)} -> ${one(c.new)}`;
}

/** The changes a fragment's comments name (a `// changes:` line anywhere, commented-out statements included). */
export function parseChanges(fragment: string): Change[] {
  const out: Change[] = [];
  for (const line of fragment.split('\n')) {
    const t = line.trim();
    if (!t.startsWith(CHANGE_PREFIX)) continue;
    const rest = t.slice(CHANGE_PREFIX.length);
    // The field ends at the first ': ' (field names have no ': '); the values split at the last ' -> '.
    const colon = rest.indexOf(': ');
    if (colon < 0) continue;
    const values = rest.slice(colon + 2);
    const arrow = values.lastIndexOf(' -> ');
    out.push({ field: rest.slice(0, colon), old: arrow < 0 ? values : values.slice(0, arrow), new: arrow < 0 ? '' : values.slice(arrow + 4) });
  }
  return out;
}

/** True when a change names the field: the same field, or a whole of it (`livenessProbe` names `livenessProbe.port`). */
export function names(c: Change, field: string): boolean {
  return field === c.field || field.startsWith(`${c.field}.`) || field.startsWith(`${c.field} `);
}
