// Owns node-media-server's log lines: NMS logs through one process-wide singleton straight to console.log. We replace
// its `log` once per process (the routing table lives on that singleton, not in a module variable) and send each line
// to the adapter that owns the session id it mentions; other lines go to the first adapter. At debug level, NMS's
// errors and warnings at warn.
import type { Logger } from '../log/logger.js';
import { loadNmsLogger, type NmsLogger } from './nms-internals.js';

interface LogRoute {
  owns(sessionId: string): boolean;
  logger: Logger;
}

const LOG_ROUTES = Symbol.for('klive.ingest.nmsLogRoutes');

/** Routes NMS lines naming a session that `owns` accepts to `logger`; returns the function that removes the route. */
export function routeNmsLogs(owns: (sessionId: string) => boolean, logger: Logger): () => void {
  const nmsLogger = loadNmsLogger() as NmsLogger & { [LOG_ROUTES]?: Set<LogRoute> };
  let routes = nmsLogger[LOG_ROUTES];
  if (!routes) {
    const table = new Set<LogRoute>();
    routes = table;
    nmsLogger[LOG_ROUTES] = table;
    nmsLogger.level = 'trace';
    nmsLogger.log = (message: unknown, level = 'info') => {
      const text = String(message);
      const id = /session (\w+)/.exec(text)?.[1];
      let target: LogRoute | undefined;
      if (id) for (const r of table) if (r.owns(id)) target = r;
      target ??= table.values().next().value;
      if (!target) return;
      if (level === 'error' || level === 'warn') target.logger.warn(text);
      else target.logger.debug(text);
    };
  }
  const route: LogRoute = { owns, logger };
  routes.add(route);
  return () => {
    routes.delete(route);
  };
}
