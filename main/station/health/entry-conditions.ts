// Owns entry-level alert conditions: 109 / 110, only the backup (i=1) is on air while the primary is
// not (110 when the entry records: the recording then comes from the backup). Pure.
import type { AlertCondition } from './metric.js';

export function backupOnlyConditions(
  entryId: string,
  onAirIndexes: readonly number[],
  recording: boolean,
): AlertCondition[] {
  const backupOnly = onAirIndexes.includes(1) && !onAirIndexes.includes(0);
  const text = `Only the backup stream of ${entryId} (i=1) is on air: the primary encoder is not sending; check it and the primary broadcast URL (i=0)`;
  return [
    { code: 109, holds: backupOnly && !recording, text, parameter: entryId },
    {
      code: 110,
      holds: backupOnly && recording,
      text: `${text}. The recording continues from the backup`,
      parameter: entryId,
    },
  ];
}
