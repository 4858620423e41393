// The attribution report as the workspace was at a seq (audit view), read-only.
import { ImpactView } from '../views/impact';
import { PastWorkspace } from './timeline';

export function ImpactAt({ seq }: { seq: number }) {
  return <PastWorkspace seq={seq}>{(s) => <ImpactView s={s} />}</PastWorkspace>;
}
