import { useState } from 'react';
import { summaryOf } from './text-summary.js';

/**
 * A message shown as one line, and in full (every line, newlines kept) when clicked: errors
 * from steps and registries are often long and several lines, and their end is what matters.
 * `mono` for program output (step errors); `float` where the line sits in a fixed-size card,
 * so the full text opens over what is below instead of being clipped by the card.
 */
export function ExpandableText(props: {
  text: string;
  mono?: boolean | undefined;
  float?: boolean | undefined;
  className?: string | undefined;
  /** For tests: `<testId>` on the whole, `<testId>-full` on the expanded text. */
  testId?: string | undefined;
  max?: number | undefined;
}) {
  const [open, setOpen] = useState(false);
  const { line, truncated } = summaryOf(props.text, props.max);
  const classes = [
    'expandable',
    props.mono ? 'mono' : '',
    props.float ? 'float' : '',
    open ? 'open' : '',
    props.className ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  if (!truncated)
    return (
      <div className={classes} data-testid={props.testId}>
        <span className="expandable-line">{line}</span>
      </div>
    );
  return (
    <div className={classes} data-testid={props.testId}>
      <button
        type="button"
        className="expandable-toggle"
        aria-expanded={open}
        title={open ? 'Show less' : 'Show the full text'}
        onClick={(event) => {
          event.stopPropagation();
          setOpen(!open);
        }}
      >
        <span className="expandable-line">{line}</span>
        <span className="expandable-more">{open ? '▴ less' : '▾ more'}</span>
      </button>
      {open && (
        <pre
          className="expandable-full"
          data-testid={props.testId ? `${props.testId}-full` : undefined}
        >
          {props.text.trim()}
        </pre>
      )}
    </div>
  );
}
