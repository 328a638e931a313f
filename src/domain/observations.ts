/**
 * Things worth counting that are not changes to data (a refused post, a
 * credential check): announced by the domain, counted by whoever listens
 * (the metrics).  Process-wide, like the metrics registry they feed.
 */
export type Observation =
  | { readonly type: "phi.refused"; readonly identifierTypes: readonly string[] }
  | { readonly type: "credential.checked"; readonly valid: boolean; readonly reason: string | null };

type Listener = (observation: Observation) => void;
const listeners = new Set<Listener>();

export function observe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announce(observation: Observation): void {
  for (const listener of listeners) {
    try {
      listener(observation);
    } catch {
      // counting never breaks the work being counted
    }
  }
}
