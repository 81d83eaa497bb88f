import type { ReactNode } from 'react';

/** `frozen` is for a frozen project only: filled, so it never reads as `auto`. */
export type Tone = 'good' | 'bad' | 'busy' | 'info' | 'muted' | 'warn' | 'frozen';

/** A small label; the tone says good, bad, in progress, … */
export function Badge({
  tone,
  children,
  title,
}: {
  tone: Tone;
  children: ReactNode;
  title?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** The tone of a Stage health, verification or promotion phase. */
export function toneOf(status: string | undefined): Tone {
  switch (status) {
    case 'Healthy':
    case 'Successful':
    case 'Succeeded':
      return 'good';
    case 'Unhealthy':
    case 'Failed':
    case 'Errored':
    case 'Error':
      return 'bad';
    case 'Progressing':
    case 'Running':
    case 'Pending':
      return 'busy';
    case 'Aborted':
    case 'Inconclusive':
    case 'Unknown':
      return 'warn';
    default:
      return 'muted';
  }
}
