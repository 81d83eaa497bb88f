/** The median of some measurements. */
export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/**
 * A benchmark's figures: one line each (figure, value, target), printed under a heading; a
 * missed target is marked and makes the process exit 1.
 */
export function figures(widths: { figure: number; value: number }) {
  const rows: string[] = [];
  let failed = false;
  return {
    report: (figure: string, value: string, target: string, ok: boolean): void => {
      rows.push(
        `  ${figure.padEnd(widths.figure)} ${value.padStart(widths.value)}   ${target}${ok ? '' : '   MISSED'}`,
      );
      if (!ok) failed = true;
    },
    print: (heading: string): void => {
      console.log(heading);
      for (const row of rows) console.log(row);
      if (failed) process.exitCode = 1;
    },
  };
}
