// @vitest-environment jsdom
// With many live entries updating every second, a delta for one entry must re-render only that entry's row.
// EntryRow is the only caller of streamIndicator, so counting its calls per entry counts row renders.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render } from '@testing-library/react';
import type { EntryState } from '../../../shared/state.js';
import type * as Selectors from '../../../renderer/src/state/selectors.js';

const renderedEntryIds: string[] = [];
vi.mock('../../../renderer/src/state/selectors.js', async (importOriginal) => {
  const original = await importOriginal<typeof Selectors>();
  return {
    ...original,
    streamIndicator: (entry: EntryState, index: 0 | 1) => {
      if (index === 0) renderedEntryIds.push(entry.entryId);
      return original.streamIndicator(entry, index);
    },
  };
});

const { AppProvider } = await import('../../../renderer/src/state/context.js');
const { applySnapshot, createStores } = await import('../../../renderer/src/state/stores.js');
const { LiveEntries } = await import('../../../renderer/src/screens/LiveEntries.js');
const { makeConnection, makeEntry, makeFakeBridge, makeSnapshot, T0 } = await import('./fixtures.js');

afterEach(cleanup);

describe('live list rendering', () => {
  it('re-renders only the row whose entry changed, and none for an unchanged snapshot', () => {
    const stores = createStores({ theme: 'dark', nowMs: T0 });
    const entries = Array.from({ length: 20 }, (_, i) =>
      makeEntry({ entryId: `0_entry${String(i).padStart(3, '0')}`, name: `Entry ${i}` }),
    );
    applySnapshot(stores, makeSnapshot({ entries }));
    render(
      <AppProvider stores={stores} connection={makeConnection(makeFakeBridge())}>
        <LiveEntries />
      </AppProvider>,
    );
    expect(new Set(renderedEntryIds).size).toBe(20);

    renderedEntryIds.length = 0;
    act(() => stores.entries.getState().upsert({ ...entries[7]!, lastEventAtMs: T0 + 1000 }));
    expect(renderedEntryIds).toEqual(['0_entry007']);

    renderedEntryIds.length = 0;
    act(() =>
      applySnapshot(
        stores,
        makeSnapshot({
          entries: structuredClone(entries).map((e, i) => (i === 7 ? { ...e, lastEventAtMs: T0 + 1000 } : e)),
        }),
      ),
    );
    expect(renderedEntryIds).toEqual([]);

    renderedEntryIds.length = 0;
    act(() => stores.ui.getState().tick(T0 + 5000));
    expect(renderedEntryIds).toEqual([]);
  });
});
