// The attribution report as the workspace was at a seq (audit view), read-only.
import type { At } from '../router';
import { ImpactView } from '../views/impact';
import { PastWorkspace } from './timeline';

export function ImpactAt({ at }: { at: At }) {
  return <PastWorkspace at={at}>{(s) => <ImpactView s={s} />}</PastWorkspace>;
}
