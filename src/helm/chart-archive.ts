import { gzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { parseChartMetadata, type ChartMetadata } from './chart-metadata.js';

/** The most a Chart.yaml inside an archive may weigh. */
const MAX_CHART_YAML = 1024 * 1024;

/**
 * The metadata of a chart archive (`<chart>/Chart.yaml` inside a gzipped tar), read as Helm's
 * loader reads it. Throws an Error saying why when the bytes are not a chart.
 */
export async function readChartArchive(bytes: Buffer): Promise<ChartMetadata> {
  let chartYaml: Buffer | undefined;
  let tooLarge = false;
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const parts = entry.path.replace(/^\.\//, '').split('/');
      if (entry.type === 'File' && parts.length === 2 && parts[1] === 'Chart.yaml' && !chartYaml) {
        if (entry.size > MAX_CHART_YAML) {
          tooLarge = true;
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => {
          chartYaml = Buffer.concat(chunks);
        });
        return;
      }
      entry.resume();
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('warn', (code: string, message: string | Error) => {
      if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT' || code === 'ZLIB_ERROR')
        reject(new Error(typeof message === 'string' ? message : message.message));
    });
    parser.on('end', () => resolve());
    parser.end(bytes);
  });
  if (tooLarge) throw new Error('Chart.yaml in the archive is larger than 1 MiB');
  if (!chartYaml) throw new Error('Chart.yaml file is missing');
  return parseChartMetadata(chartYaml.toString('utf8'));
}

/** One file of a chart being packaged, its path relative to the chart directory. */
export interface ChartFile {
  path: string;
  content: Buffer;
}

/**
 * A chart archive as `helm package` lays it out: every file under `<name>/`, Chart.yaml first,
 * gzipped. Unlike Helm, entries carry no timestamp, so packaging the same files twice gives
 * the same bytes (a re-run commits nothing).
 */
export function packChart(name: string, files: ChartFile[]): Buffer {
  const ordered = [...files].sort((a, b) =>
    a.path === 'Chart.yaml' ? -1 : b.path === 'Chart.yaml' ? 1 : a.path < b.path ? -1 : 1,
  );
  return gzipSync(ustar(ordered.map((file) => ({ ...file, path: `${name}/${file.path}` }))));
}

/**
 * A ustar archive of regular files, in the order given: mode 0644, owner 0, time 0, so the
 * same files always give the same bytes. Paths over 100 bytes get a GNU long-name entry.
 */
export function ustar(files: ChartFile[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    if (Buffer.byteLength(file.path) > 100) {
      const long = Buffer.from(`${file.path}\0`);
      blocks.push(header('././@LongLink', long.length, 'L'), long, padding(long.length));
    }
    blocks.push(
      header(file.path, file.content.length, '0'),
      file.content,
      padding(file.content.length),
    );
  }
  // An archive ends with two zero blocks.
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function padding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

/** A ustar header: mode 0644, owner 0, time 0. */
function header(path: string, size: number, type: '0' | 'L'): Buffer {
  const block = Buffer.alloc(512);
  block.write(Buffer.from(path).subarray(0, 100).toString('latin1'), 0, 100, 'latin1');
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write('00000000000\0', 136);
  block.write('        ', 148);
  block.write(type, 156);
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}
