// Live data of one run page: metric series and the log tail, loaded once over REST and then kept
// current by the run's Server-Sent Events stream (metrics, log, status).
//
// Order matters: the metrics snapshot comes first and carries the stream `cursor` (its position in
// the run's points and log); the log tail is read after it, so it reaches at least that far; the
// stream is then opened at `?cursor=` and sends only what came later, instead of replaying the
// whole run. EventSource reconnects by itself with Last-Event-ID (which the server prefers over
// the cursor), and every merge is keyed by step or seq, so any overlap never duplicates anything.
// If the stream cannot be opened at all, the page falls back to polling.

import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useReducer, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { queryKeys } from '../api/queryKeys';
import { getLogTail, getLogs, getMetrics, runEventsUrl } from '../features/runs/api/requests';
import type { LogEventData, LogLine, MetricsEventData, Run, StatusEventData } from '../api/types';
import { parseEvent } from '../lib/events';
import { appendLogLines, LOG_TAIL_LINES } from '../lib/logTail';
import { isActiveStatus } from '../lib/runStatus';
import { mergePoints, mergeSeriesList, type SeriesByName } from '../lib/series';

export type StreamState = 'off' | 'connecting' | 'live' | 'reconnecting' | 'ended' | 'unavailable';

const MAX_POINTS = 1000;
const POLL_MS = 3000;

type SeriesAction =
  | { type: 'series'; series: Parameters<typeof mergeSeriesList>[1] }
  | { type: 'points'; points: MetricsEventData['points'] };

function seriesReducer(state: SeriesByName, action: SeriesAction): SeriesByName {
  return action.type === 'series' ? mergeSeriesList(state, action.series) : mergePoints(state, action.points);
}

export interface RunLive {
  series: SeriesByName;
  logs: LogLine[];
  stream: StreamState;
  /** A REST load that failed (metrics or logs), shown but not fatal. */
  loadError: unknown;
}

/** Render with `key={run.id}` so that switching runs starts from empty state. */
export function useRunLive(run: Run): RunLive {
  const runId = run.id;
  const queryClient = useQueryClient();
  const [series, dispatchSeries] = useReducer(seriesReducer, {});
  const [logs, setLogs] = useState<LogLine[]>([]);
  const [stream, setStream] = useState<StreamState>('off');
  const [loadError, setLoadError] = useState<unknown>(null);
  const active = isActiveStatus(run.status);
  const activeRef = useRef(active);
  activeRef.current = active;
  const lastLogSeq = useRef(0);
  lastLogSeq.current = logs.length > 0 ? logs[logs.length - 1]!.seq : 0;

  const addLogs = (lines: LogLine[]) => setLogs((previous) => appendLogLines(previous, lines));

  // The snapshot: every series (downsampled past MAX_POINTS) and its stream cursor, then the last
  // log lines. `snapshot` is the cursor once both are in; null while loading; '' when the snapshot
  // failed, so that the stream still opens (from the start) and fills the page.
  const [snapshot, setSnapshot] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      let cursor = '';
      try {
        const metrics = await getMetrics(runId, [], MAX_POINTS, controller.signal);
        dispatchSeries({ type: 'series', series: metrics.series });
        cursor = metrics.cursor ?? '';
      } catch (error) {
        reportUnlessAborted(error, setLoadError);
        if (controller.signal.aborted) return;
      }
      try {
        const { results } = await getLogTail(runId, LOG_TAIL_LINES, controller.signal);
        addLogs(results);
      } catch (error) {
        reportUnlessAborted(error, setLoadError);
        if (controller.signal.aborted) return;
        // Without the tail, the stream must bring the log from its start.
        cursor = '';
      }
      setSnapshot(cursor);
    })();
    return () => controller.abort();
  }, [runId]);

  // The stream is opened once the run is seen queued or running, and left open after the run
  // finishes: the server sends the last points and then ends the stream itself.
  // A run that becomes active again (resumed after it failed or was cancelled) gets a new stream:
  // the old one was closed when the server ended it.
  const [wantStream, setWantStream] = useState(active);
  const [generation, setGeneration] = useState(0);
  const [lastActive, setLastActive] = useState(active);
  if (active !== lastActive) {
    setLastActive(active);
    if (active && wantStream) setGeneration((g) => g + 1);
    else if (active) setWantStream(true);
  }

  useEffect(() => {
    if (!wantStream || snapshot === null) return;
    const source = new EventSource(runEventsUrl(runId, snapshot || null));
    setStream('connecting');
    source.onopen = () => setStream('live');
    source.addEventListener('metrics', (event) => {
      const data = parseEvent<MetricsEventData>(event);
      if (data?.points) dispatchSeries({ type: 'points', points: data.points });
    });
    source.addEventListener('log', (event) => {
      const data = parseEvent<LogEventData>(event);
      if (data?.lines) addLogs(data.lines);
    });
    source.addEventListener('status', (event) => {
      const data = parseEvent<StatusEventData>(event);
      if (!data || data.id !== runId) return;
      activeRef.current = isActiveStatus(data.status);
      queryClient.setQueryData(queryKeys.run(runId), data);
    });
    source.onerror = () => {
      if (!activeRef.current) {
        // The run is over and the server closed the stream: do not let EventSource reconnect.
        source.close();
        setStream('ended');
      } else {
        setStream(source.readyState === EventSource.CLOSED ? 'unavailable' : 'reconnecting');
      }
    };
    return () => source.close();
  }, [runId, wantStream, snapshot, queryClient, generation]);

  // Without a stream, poll while the run is active, and once more when it finishes.
  const pollOnce = useRef<() => void>(() => undefined);
  pollOnce.current = () => {
    getMetrics(runId, [], MAX_POINTS).then(
      (response) => dispatchSeries({ type: 'series', series: response.series }),
      (error) => reportUnlessAborted(error, setLoadError),
    );
    getLogs(runId, lastLogSeq.current || undefined).then(
      (response) => addLogs(response.results),
      (error) => reportUnlessAborted(error, setLoadError),
    );
  };
  useEffect(() => {
    if (stream !== 'unavailable' || !active) return;
    const timer = window.setInterval(() => pollOnce.current(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [stream, active]);

  // When the run finishes, or its stream ends, load once more whatever the page may have missed
  // (merging is idempotent, so overlapping with the stream costs nothing but a request).
  const wasActive = useRef(active);
  useEffect(() => {
    if (wasActive.current && !active) {
      pollOnce.current();
      void queryClient.invalidateQueries({ queryKey: queryKeys.artifacts(runId) });
    }
    wasActive.current = active;
  }, [active, runId, queryClient]);
  useEffect(() => {
    if (stream === 'ended') pollOnce.current();
  }, [stream]);

  return { series, logs, stream, loadError };
}

function reportUnlessAborted(error: unknown, report: (error: unknown) => void) {
  if (error instanceof DOMException && error.name === 'AbortError') return;
  report(error instanceof ApiError || error instanceof Error ? error : new Error(String(error)));
}
