// Which of failure, refused, success, recovered a finished run is, and which channels hear of it. Pure.
import type { NotifyChannel, NotifyEvent } from '../../config/types.js';
import type { TargetRun } from '../runs.js';

const EXIT_REFUSED = 4;

/**
 * The events of a run: `current` are its own push attempts (from its report), `earlier` every
 * attempt the state folder recorded before it. "recovered" is a successful run after which at
 * least one target's previous attempt by the same command was refused or failed.
 */
export function runEvents(exitCode: number, current: readonly TargetRun[], earlier: readonly TargetRun[]): Set<NotifyEvent> {
  const events = new Set<NotifyEvent>();
  if (exitCode === 0) {
    events.add('success');
    const recovered = current.some((run) => {
      const previous = earlier.filter((e) => e.target === run.target && e.command === run.command && e.startedAt < run.startedAt).at(-1);
      return previous !== undefined && previous.result !== 'success';
    });
    if (recovered) events.add('recovered');
    return events;
  }
  if (exitCode === EXIT_REFUSED || current.some((run) => run.result === 'refused')) events.add('refused');
  if (exitCode !== EXIT_REFUSED || current.some((run) => run.result === 'failed')) events.add('failure');
  return events;
}

/** The event a message leads with: the worst one. */
export function headline(events: ReadonlySet<NotifyEvent>): NotifyEvent {
  for (const event of ['failure', 'refused', 'recovered', 'success'] as const) if (events.has(event)) return event;
  return 'success';
}

/** The channels whose `on` lists one of `events`. */
export function channelsFor(channels: readonly NotifyChannel[], events: ReadonlySet<NotifyEvent>): NotifyChannel[] {
  return channels.filter((channel) => channel.on.some((event) => events.has(event)));
}
