/**
 * The page's one live copy of the cluster: fed by the operator event stream, read by the pages through
 * {@link useCluster}. Renders are coalesced: a burst of events (a framework launching hundreds of tasks) causes one
 * render per animation frame, not one per event.
 */
import { useEffect, useState } from 'preact/hooks';
import { subscribeToMaster, type StreamStatus } from '../api/subscribe';
import { applyEvent, emptyCluster, type ClusterState } from './cluster';

export interface Snapshot {
  readonly cluster: ClusterState;
  readonly status: StreamStatus;
  /** Bumped on every change, so memoised views can tell. */
  readonly revision: number;
  /** Events received since the page loaded. */
  readonly events: number;
}

type Listener = (snapshot: Snapshot) => void;

class ClusterStore {
  private snapshot: Snapshot = { cluster: emptyCluster(), status: { kind: 'connecting' }, revision: 0, events: 0 };
  private readonly listeners = new Set<Listener>();
  private scheduled = false;
  private stop: (() => void) | undefined;

  get current(): Snapshot {
    return this.snapshot;
  }

  /** Opens the stream on first use. */
  start(): void {
    if (this.stop !== undefined) return;
    this.stop = subscribeToMaster({
      onEvent: (event) => {
        const changed = applyEvent(this.snapshot.cluster, event, Date.now() / 1000);
        this.snapshot = { ...this.snapshot, events: this.snapshot.events + 1, revision: this.snapshot.revision + (changed ? 1 : 0) };
        if (changed) this.publish();
      },
      onStatus: (status) => {
        this.snapshot = { ...this.snapshot, status };
        this.publish();
      },
    });
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const flush = (): void => {
      this.scheduled = false;
      for (const listener of this.listeners) listener(this.snapshot);
    };
    // A hidden tab gets no animation frames; a timer still delivers there.
    if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') requestAnimationFrame(flush);
    else setTimeout(flush, 50);
  }
}

export const store = new ClusterStore();

/** The current cluster snapshot; re-renders the calling component when it changes. */
export function useCluster(): Snapshot {
  const [snapshot, setSnapshot] = useState(store.current);
  useEffect(() => {
    store.start();
    setSnapshot(store.current);
    return store.listen(setSnapshot);
  }, []);
  return snapshot;
}
