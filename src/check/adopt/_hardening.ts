// The one list of intended hardening: the differences an adopted container may show on purpose (docs/adopting.md).

/** One intended hardening: the round-trip field it changes, and when a difference of that field is this hardening. */
export interface Hardening {
  readonly field: string;
  /** What the generated files do, for docs and reports. */
  readonly what: string;
  /** True when the difference (old -> new, as the round trip prints them) is this hardening. */
  readonly applies: (old: string, now: string) => boolean;
}

const NONE = '(none)';
const numeric = (s: string) => /^\d+$/.test(s);

/**
 * Every intended hardening. A difference of another field, or of one of these fields in another direction, is
 * not hardening: it is named in the fragment (`// changes:`) or it is unlisted.
 */
export const HARDENING: readonly Hardening[] = [
  { field: 'securityContext.readOnlyRootFilesystem', what: 'readOnlyRootFilesystem: true (the app writes only to mounted paths)', applies: (_o, n) => n === 'true' },
  { field: 'securityContext.runAsNonRoot', what: 'runAsNonRoot: true (the kubelet refuses to start a root process)', applies: (_o, n) => n === 'true' },
  { field: 'securityContext.privileged', what: 'privileged: false', applies: (o, n) => n === 'false' && o === NONE },
  { field: 'securityContext.allowPrivilegeEscalation', what: 'allowPrivilegeEscalation: false', applies: (_o, n) => n === 'false' },
  { field: 'securityContext.capabilities.drop', what: 'capabilities.drop: [ALL]', applies: (_o, n) => n.split(',').includes('ALL') },
  { field: 'securityContext.seccompProfile', what: 'seccompProfile: RuntimeDefault', applies: (o, n) => n === 'RuntimeDefault' && (o === NONE || o === 'Unconfined') },
  {
    field: 'user',
    what: 'a numeric non-root user (USER uid:gid, runAsUser): a named account becomes its uid, root (or no USER on a root base) becomes a non-root uid',
    applies: (o, n) => numeric(n) && n !== '0' && (!numeric(o) || o === '0'),
  },
  {
    field: 'group',
    what: 'a numeric non-root group (USER uid:gid, runAsGroup) where the image named one or none',
    applies: (o, n) => numeric(n) && n !== '0' && (!numeric(o) || o === '0'),
  },
  { field: 'volumeMount /tmp', what: 'an emptyDir at /tmp, so the read-only root still has a scratch folder', applies: (o, n) => o === NONE && n.startsWith('emptyDir') },
  { field: 'HEALTHCHECK', what: 'a Docker HEALTHCHECK where the image had none (Kubernetes ignores it; docker run and Compose use it)', applies: (o) => o === NONE },
  { field: 'publish <port>.host', what: 'a Compose port published on 127.0.0.1 only, where all addresses were', applies: (o, n) => o === 'all addresses' && n === '127.0.0.1' },
];

/** True when a field is the hardening's field (`<port>` stands for a port number). */
function sameField(h: Hardening, field: string): boolean {
  return h.field === field || (h.field.includes('<port>') && new RegExp(`^${h.field.replace(/\./g, '\\.').replace('<port>', '\\d+')}$`).test(field));
}

/** The hardening a difference is, if any. */
export function hardeningOf(field: string, old: string, now: string): Hardening | undefined {
  return HARDENING.find((h) => sameField(h, field) && h.applies(old, now));
}
