/**
 * kubectl-style tables: upper-case headers, columns padded to their widest cell and separated
 * by three spaces, no borders, no trailing spaces. Written with plain loops: it renders tens of
 * thousands of rows in a CLI process that should start and finish quickly.
 */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header) => header.length);
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const length = row[i]!.length;
      if (length > widths[i]!) widths[i] = length;
    }
  }
  const last = headers.length - 1;
  const line = (cells: string[]): string => {
    let out = '';
    for (let i = 0; i < last; i++) out += (cells[i] ?? '').padEnd(widths[i]! + 3);
    return (out + (cells[last] ?? '')).trimEnd();
  };
  const lines = new Array<string>(rows.length + 1);
  lines[0] = line(headers);
  for (let r = 0; r < rows.length; r++) lines[r + 1] = line(rows[r]!);
  return lines.join('\n');
}
