// Owns uploading a recording file to Kaltura: uploadToken.add, then uploadToken.upload in chunks read from
// disk one at a time (resume/resumeAt/finalChunk), so a 15-minute segment never sits in memory whole.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Impersonate } from './actions.js';
import { uploadTokenAdd, uploadTokenUpload } from './recording-actions.js';
import type { KalturaClient } from './client.js';

export const DEFAULT_UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

export async function uploadFileInChunks(
  client: KalturaClient,
  args: { filePath: string; chunkBytes?: number; onProgress?: (uploadedBytes: number, totalBytes: number) => void },
  partnerId: Impersonate,
): Promise<string> {
  const chunkBytes = args.chunkBytes ?? DEFAULT_UPLOAD_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1024)
    throw new Error(`upload chunk size must be an integer of at least 1024 bytes, got ${chunkBytes}`);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(args.filePath, 'r');
  } catch (error) {
    throw new Error(
      `cannot upload ${args.filePath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check that the recording file exists and is readable`,
    );
  }
  try {
    const totalBytes = (await handle.stat()).size;
    if (totalBytes === 0) throw new Error(`cannot upload ${args.filePath}: the file is empty`);
    const fileName = path.basename(args.filePath);
    const token = await uploadTokenAdd(client, { fileName, fileSizeBytes: totalBytes }, partnerId);
    let offset = 0;
    while (offset < totalBytes) {
      const length = Math.min(chunkBytes, totalBytes - offset);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      if (bytesRead !== length) throw new Error(`cannot upload ${args.filePath}: the file shrank while uploading`);
      const finalChunk = offset + length >= totalBytes;
      await uploadTokenUpload(
        client,
        { uploadTokenId: token.id, data: buffer, fileName, resume: offset > 0, resumeAtBytes: offset, finalChunk },
        partnerId,
      );
      offset += length;
      args.onProgress?.(offset, totalBytes);
    }
    return token.id;
  } finally {
    await handle.close();
  }
}
