// A clock for the retry and time-budget tests: time moves only when roster sleeps, and every
// sleep is recorded, so backoff and deadlines are checked without waiting.
import type { RetryClock } from '../../src/platform/http/retry.js';

export function fakeClock(): RetryClock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: (ms) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}
