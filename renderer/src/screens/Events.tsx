// The station events log, filterable by entry and severity (newest first).
import { memo, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { StationEvent } from '../../../shared/state.js';
import { useEntries, useEvents } from '../state/context.js';
import { entryNames, filterEvents } from '../state/selectors.js';
import type { EventFilter } from '../state/selectors.js';
import { formatClock } from '../lib/format.js';

const SEVERITY_ICON: Record<StationEvent['severity'], string> = { info: 'ℹ', warning: '!', error: '✕' };

export const EventList = memo(function EventList({
  events,
  showEntry,
}: {
  events: readonly StationEvent[];
  showEntry: boolean;
}) {
  if (events.length === 0) return <p className="muted">No events.</p>;
  return (
    <ol className="event-list" data-testid="event-list">
      {events.map((e) => (
        <li key={e.id} className={`event event--${e.severity}`} data-testid={`event-${e.id}`}>
          <span className="mono muted">{formatClock(e.timeMs)}</span>
          <span className={`sev sev-${e.severity}`}>
            <span aria-hidden="true">{SEVERITY_ICON[e.severity]}</span> {e.severity}
          </span>
          <span className="muted">{e.kind}</span>
          {showEntry && <span className="mono muted">{e.entryId ?? 'station'}</span>}
          <span className="event-message">{e.message}</span>
        </li>
      ))}
    </ol>
  );
});

export function EventsScreen() {
  const [filter, setFilter] = useState<EventFilter>({ entryId: null, severity: null });
  const names = useEntries(useShallow((s) => entryNames(s.byId).flat()));
  const events = useEvents(useShallow((s) => filterEvents(s.list, filter)));
  const entryFilterId = useId();
  const severityFilterId = useId();
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < names.length; i += 2) pairs.push([names[i] ?? '', names[i + 1] ?? '']);
  return (
    <section aria-labelledby="events-title">
      <div className="section-head">
        <h2 id="events-title">Events</h2>
        <label htmlFor={entryFilterId}>Entry</label>
        <select
          id={entryFilterId}
          data-testid="events-filter-entry"
          value={filter.entryId ?? ''}
          onChange={(e) => setFilter({ ...filter, entryId: e.target.value || null })}
        >
          <option value="">All entries</option>
          {pairs.map(([id, name]) => (
            <option key={id} value={id}>
              {name} ({id})
            </option>
          ))}
        </select>
        <label htmlFor={severityFilterId}>Severity</label>
        <select
          id={severityFilterId}
          data-testid="events-filter-severity"
          value={filter.severity ?? ''}
          onChange={(e) => setFilter({ ...filter, severity: (e.target.value || null) as EventFilter['severity'] })}
        >
          <option value="">All severities</option>
          <option value="info">Info</option>
          <option value="warning">Warning</option>
          <option value="error">Error</option>
        </select>
        <span className="muted">{events.length} shown</span>
      </div>
      <EventList events={events} showEntry />
    </section>
  );
}
