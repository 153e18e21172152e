// A scripted stand-in for global fetch: records every request and answers from a queue of responders.

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** JSON bodies parsed; FormData kept as is */
  json: Record<string, unknown> | null;
  form: FormData | null;
}

export type Responder = (req: RecordedRequest, signal: AbortSignal | undefined) => Response | Promise<Response>;

export function jsonResponse(
  body: unknown,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
}

export function apiException(
  code: string,
  message: string,
  args: Record<string, string> | [] = [],
): Record<string, unknown> {
  return { code, message, objectType: 'KalturaAPIException', args };
}

export function stubFetch(responders: Responder[], fallback?: Responder) {
  const requests: RecordedRequest[] = [];
  const queue = [...responders];
  const fetchFn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    let json: Record<string, unknown> | null = null;
    let form: FormData | null = null;
    if (typeof init?.body === 'string') json = JSON.parse(init.body) as Record<string, unknown>;
    else if (init?.body instanceof FormData) form = init.body;
    const req: RecordedRequest = { url: String(input), method: init?.method ?? 'GET', headers, json, form };
    requests.push(req);
    const responder = queue.shift() ?? fallback;
    if (!responder) throw new Error(`stub fetch: no answer scripted for request ${requests.length} (${req.url})`);
    return responder(req, init?.signal ?? undefined);
  };
  return { fetch: fetchFn as typeof fetch, requests };
}

/** Lets pending promise callbacks run (ManualClock fires timers synchronously; async steps need a turn). */
export async function flush(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
