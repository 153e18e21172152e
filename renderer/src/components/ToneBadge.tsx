// A status pill whose meaning never rests on colour alone: an icon and a word go with every tone.
import type { Tone } from '../state/selectors.js';

const ICON: Record<Tone, string> = { good: '✓', fair: '!', poor: '✕', idle: '○' };

export function ToneBadge(props: { tone: Tone; text: string; title?: string; testId?: string }) {
  return (
    <span
      className={`badge badge--${props.tone}`}
      title={props.title}
      data-testid={props.testId}
      data-tone={props.tone}
    >
      <span className="badge-icon" aria-hidden="true">
        {ICON[props.tone]}
      </span>
      {props.text}
    </span>
  );
}
