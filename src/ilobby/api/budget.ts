// How long one push to an iLobby target may take, token request and upload together, every
// attempt and wait included: a stalled network or proxy ends the run (exit 6, the lock released)
// instead of holding it forever.
import type { IlobbyTarget } from '../../config/types.js';
import { timeBudget, type TimeBudget } from '../../platform/http/retry.js';

export function pushBudget(target: Pick<IlobbyTarget, 'timeoutSeconds'>, now: number = Date.now()): TimeBudget {
  return timeBudget(target.timeoutSeconds, 'ilobby.timeoutSeconds', now);
}
