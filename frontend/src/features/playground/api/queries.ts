// The playground's data: following a session (its event stream into the query
// cache, with a poll while the stream is not delivering).

import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { queryKeys } from '../../../api/queryKeys';
import type { PlaygroundOutput, PlaygroundSession } from '../../../api/types';
import { parseEvent } from '../../../lib/events';
import { isPlaygroundActive, mergePlaygroundOutputs } from '../../../lib/playground';
import { getPlayground, playgroundEventsUrl } from './requests';

/** How often a session is polled while its stream is not delivering. */
export const PLAYGROUND_POLL_MS = 500;

export type PlaygroundStreamState = 'connecting' | 'live' | 'ended' | 'unavailable';

/**
 * Follows the session's event stream into the query cache. 'live' once the stream has delivered
 * the whole session; 'unavailable' when the browser gave up on it (no EventSource, or the server
 * answered with an error), and then the caller polls.
 */
function usePlaygroundStream(id: number, queryClient: QueryClient) {
  const [stream, setStream] = useState<PlaygroundStreamState>(() => (typeof EventSource === 'undefined' ? 'unavailable' : 'connecting'));
  const live = useRef(false);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const key = queryKeys.playground(id);
    let ended = false;
    const source = new EventSource(playgroundEventsUrl(id));
    const endIfFinished = (status: string | undefined) => {
      if (isPlaygroundActive(status)) return;
      ended = true;
      live.current = false;
      source.close();  // the server has ended the stream: do not let EventSource reconnect
      setStream('ended');
    };
    source.addEventListener('session', (event) => {
      const data = parseEvent<PlaygroundSession>(event);
      if (!data || data.id !== id) return;
      queryClient.setQueryData(key, data);
      live.current = true;
      setStream('live');
      endIfFinished(data.status);
    });
    source.addEventListener('outputs', (event) => {
      const data = parseEvent<{ outputs: PlaygroundOutput[] }>(event);
      if (!Array.isArray(data?.outputs)) return;
      queryClient.setQueryData<PlaygroundSession>(key, (old) => (old ? mergePlaygroundOutputs(old, data.outputs) : old));
    });
    source.addEventListener('status', (event) => {
      const data = parseEvent<Pick<PlaygroundSession, 'id' | 'status' | 'error_message'>>(event);
      if (!data || data.id !== id) return;
      queryClient.setQueryData<PlaygroundSession>(key, (old) => (old ? { ...old, status: data.status, error_message: data.error_message } : old));
      endIfFinished(data.status);
    });
    source.onerror = () => {
      if (ended) return;
      live.current = false;
      // CONNECTING: EventSource retries by itself and the server sends the whole session again.
      setStream(source.readyState === EventSource.CLOSED ? 'unavailable' : 'connecting');
    };
    return () => source.close();
  }, [id, queryClient]);
  return { stream, live };
}

/** Session `id` as the stream and the poll keep it, and the stream's state. */
export function usePlaygroundSession(id: number) {
  const queryClient = useQueryClient();
  const { stream, live } = usePlaygroundStream(id, queryClient);
  const session = useQuery({
    queryKey: queryKeys.playground(id),
    queryFn: async ({ signal }) => {
      const fresh = await getPlayground(id, signal);
      // A read that started before the stream delivered may be older than what the stream has put
      // in the cache, and the stream sends a cell again only when it changes: keep the stream's.
      const cached = queryClient.getQueryData<PlaygroundSession>(queryKeys.playground(id));
      return live.current && cached ? cached : fresh;
    },
    // Poll only while the stream is not delivering (connecting, reconnecting or unavailable).
    refetchInterval: (query) => {
      if (stream === 'live' || stream === 'ended') return false;
      const data = query.state.data as PlaygroundSession | undefined;
      return !data || isPlaygroundActive(data.status) ? PLAYGROUND_POLL_MS : false;
    },
  });
  return { session, stream };
}
