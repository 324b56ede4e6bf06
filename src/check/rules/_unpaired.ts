/**
 * PC019, an unpaired container, only where the pairing is what is wrong: its image looks built here (several
 * Dockerfiles answer equally to its name, only a far one does, or the one that does cannot be read). A third-party
 * image (a Docker Official Image, or a name no Dockerfile here answers to) has nothing to compare and no file to
 * change: its `unpaired` explanation (JSON, --verbose) says why, and no finding does.
 */
import { Finding, finding } from './_finding';
import { UnpairedReport } from '../pair';
import { K8sContainer } from '../read';

export function unpairedRules(c: K8sContainer, u: UnpairedReport): Finding[] {
  if (u.reason === 'none' || u.reason === 'official') return [];
  const f = finding('PC019', c.file, c.line, u.container, `container ${c.name}${c.image ? ` (image ${c.image})` : ''} has no Dockerfile to compare with: ${u.why}`);
  return [u.pair ? { ...f, fix: `If ${u.candidates[0]} builds this image: ${u.pair}` } : f];
}
