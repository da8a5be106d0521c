// Groups nested in themselves through subGroupId (A ⊃ B ⊃ A): Officevibe's teams form a tree,
// so such a file cannot be applied. Pure.

export interface Nesting {
  parent: string;
  child: string;
  /** The groups-mapping.csv line that declares it. */
  line: number;
}

export interface NestingCycle {
  /** The groups in the cycle, starting with the smallest id, the first repeated at the end. */
  path: string[];
  /** The lines declaring its nestings, in the order of `path`. */
  lines: number[];
}

/** Every distinct cycle, each reported once, in a stable order. */
export function findNestingCycles(nestings: readonly Nesting[]): NestingCycle[] {
  const children = new Map<string, Nesting[]>();
  for (const nesting of nestings) children.set(nesting.parent, [...(children.get(nesting.parent) ?? []), nesting]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: Nesting[] = [];
  const found = new Map<string, NestingCycle>();

  // Iterative depth-first search: deep nesting must not exhaust the call stack.
  for (const root of [...children.keys()].sort()) {
    if (state.has(root)) continue;
    const frames: { group: string; next: number }[] = [{ group: root, next: 0 }];
    state.set(root, 'open');
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const edges = children.get(frame.group) ?? [];
      const edge = edges[frame.next];
      if (edge === undefined) {
        state.set(frame.group, 'done');
        frames.pop();
        stack.pop();
        continue;
      }
      frame.next += 1;
      const seen = state.get(edge.child);
      if (seen === 'open') {
        const start = stack.findIndex((s) => s.parent === edge.child);
        const cycle = [...(start === -1 ? [] : stack.slice(start)), edge];
        const normalized = normalize(cycle);
        found.set(normalized.path.join('\u0000'), normalized);
      } else if (seen === undefined) {
        state.set(edge.child, 'open');
        stack.push(edge);
        frames.push({ group: edge.child, next: 0 });
      }
    }
  }
  return [...found.values()].sort((a, b) => (a.path.join('\u0000') < b.path.join('\u0000') ? -1 : 1));
}

/** Rotates a cycle to start at its smallest group id, so the same cycle found twice compares equal. */
function normalize(cycle: Nesting[]): NestingCycle {
  let first = 0;
  cycle.forEach((edge, index) => {
    if (edge.parent < cycle[first]!.parent) first = index;
  });
  const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
  return { path: [...rotated.map((edge) => edge.parent), rotated[0]!.parent], lines: rotated.map((edge) => edge.line) };
}
