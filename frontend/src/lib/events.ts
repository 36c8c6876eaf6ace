// Server-Sent Events helpers shared by the live run view and the playground.

/** The JSON payload of an SSE message, or null when it is not JSON (a proxy's error page, say). */
export function parseEvent<T>(event: Event): T | null {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch {
    return null;
  }
}
