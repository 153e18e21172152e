// Owns the rotated log file in the data dir: station.log, rotated at a size limit, a few generations kept.
import fs from 'node:fs';
import path from 'node:path';
import type { LogSink } from './logger.js';

export interface FileSinkOptions {
  dir: string;
  baseName?: string;
  maxBytes?: number;
  keepFiles?: number;
}

export function fileSink(options: FileSinkOptions): LogSink & { close(): void; readonly filePath: string } {
  const baseName = options.baseName ?? 'station.log';
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keepFiles = options.keepFiles ?? 5;
  fs.mkdirSync(options.dir, { recursive: true });
  const filePath = path.join(options.dir, baseName);
  let fd = fs.openSync(filePath, 'a', 0o600);
  let sizeBytes = fs.fstatSync(fd).size;

  const rotate = (): void => {
    fs.closeSync(fd);
    for (let i = keepFiles - 1; i >= 1; i--) {
      const from = `${filePath}.${i}`;
      if (fs.existsSync(from)) fs.renameSync(from, `${filePath}.${i + 1}`);
    }
    fs.renameSync(filePath, `${filePath}.1`);
    const oldest = `${filePath}.${keepFiles + 1}`;
    if (fs.existsSync(oldest)) fs.rmSync(oldest);
    fd = fs.openSync(filePath, 'a', 0o600);
    sizeBytes = 0;
  };

  return {
    filePath,
    write(_record, line) {
      const data = line + '\n';
      fs.writeSync(fd, data);
      sizeBytes += Buffer.byteLength(data);
      if (sizeBytes >= maxBytes) rotate();
    },
    close() {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    },
  };
}
