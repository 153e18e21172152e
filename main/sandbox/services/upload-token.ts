// Owns uploadToken.add/get/upload with resumable chunks (resume, resumeAt, finalChunk) stored under
// DATA/sandbox/uploads/<token>, and resolving a recording resource (uploaded token or server file).
import fs from 'node:fs';
import path from 'node:path';
import { SandboxApiError } from '../errors.js';
import type { ActionContext, ServiceDef } from '../dispatch/types.js';
import { uploadTokenToApi } from '../model/api-objects.js';
import { randomHex } from '../model/entry-factory.js';
import type { RecordingRecord, UploadTokenRecord } from '../model/types.js';
import {
  getRaw,
  optBag,
  optBool,
  optNumber,
  optString,
  reqString,
  UploadedFile,
  type ParamBag,
} from '../wire/params.js';

const TOKEN_ID_PATTERN = /^[01]_[0-9a-f]{32}$/;
const Status = { PENDING: 0, PARTIAL_UPLOAD: 1, FULL_UPLOAD: 2, CLOSED: 3 } as const;

function findToken(ctx: ActionContext, id: string): UploadTokenRecord {
  if (!TOKEN_ID_PATTERN.test(id)) throw new SandboxApiError('UPLOAD_TOKEN_NOT_FOUND');
  const token = ctx.store.received.uploadToken(id);
  if (!token || (ctx.session.partnerId !== -5 && token.partnerId !== ctx.session.partnerId))
    throw new SandboxApiError('UPLOAD_TOKEN_NOT_FOUND');
  return token;
}

export function uploadFilePath(uploadsDir: string, tokenId: string): string {
  if (!TOKEN_ID_PATTERN.test(tokenId)) throw new SandboxApiError('UPLOAD_TOKEN_NOT_FOUND');
  return path.join(uploadsDir, tokenId);
}

function pendingChunks(uploadsDir: string, tokenId: string): { file: string; position: number }[] {
  const prefix = `${tokenId}.chunk-`;
  if (!fs.existsSync(uploadsDir)) return [];
  return fs
    .readdirSync(uploadsDir)
    .filter((f) => f.startsWith(prefix))
    .map((f) => ({ file: path.join(uploadsDir, f), position: Number(f.slice(prefix.length)) }))
    .sort((a, b) => a.position - b.position);
}

function writeAt(file: string, data: Buffer, position: number): void {
  const fd = fs.openSync(file, fs.existsSync(file) ? 'r+' : 'w');
  try {
    fs.writeSync(fd, data, 0, data.length, position);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes one chunk; chunks beyond the current end wait beside the file until the gap is filled. */
function storeChunk(uploadsDir: string, tokenId: string, data: Buffer, resume: boolean, resumeAt: number): number {
  fs.mkdirSync(uploadsDir, { recursive: true });
  const file = uploadFilePath(uploadsDir, tokenId);
  if (!resume) {
    for (const chunk of pendingChunks(uploadsDir, tokenId)) fs.rmSync(chunk.file, { force: true });
    fs.writeFileSync(file, data);
    return data.length;
  }
  const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  const position = resumeAt < 0 ? size : resumeAt;
  if (position > size) fs.writeFileSync(`${file}.chunk-${position}`, data);
  else writeAt(file, data, position);
  for (const chunk of pendingChunks(uploadsDir, tokenId)) {
    const current = fs.statSync(file).size;
    if (chunk.position > current) break;
    writeAt(file, fs.readFileSync(chunk.file), chunk.position);
    fs.rmSync(chunk.file, { force: true });
  }
  return fs.statSync(file).size;
}

export const uploadTokenService: ServiceDef = {
  add: {
    access: 'any',
    run(ctx) {
      const bag = optBag(ctx.params, 'uploadToken') ?? {};
      const fileSize = optNumber(bag, 'fileSize');
      if (fileSize !== null && fileSize < 0)
        throw new SandboxApiError('PROPERTY_VALIDATION_MIN_VALUE', ['fileSize', 0]);
      const nowS = Math.floor(ctx.now() / 1000);
      const token: UploadTokenRecord = {
        id: `0_${randomHex(16)}`,
        partnerId: ctx.session.partnerId ?? 0,
        status: Status.PENDING,
        fileName: optString(bag, 'fileName'),
        fileSize,
        uploadedFileSize: 0,
        receivedBytes: 0,
        createdAtSeconds: nowS,
        updatedAtSeconds: nowS,
      };
      ctx.store.received.addUploadToken(token);
      return uploadTokenToApi(token);
    },
  },
  get: {
    access: 'any',
    run: (ctx) => uploadTokenToApi(findToken(ctx, reqString(ctx.params, 'uploadTokenId'))),
  },
  upload: {
    access: 'any',
    run(ctx) {
      const token = findToken(ctx, reqString(ctx.params, 'uploadTokenId'));
      const file = getRaw(ctx.params, 'fileData');
      if (file === undefined || file === null) throw new SandboxApiError('MISSING_MANDATORY_PARAMETER', ['fileData']);
      // a fileData that is not a file part is no file at all
      if (!(file instanceof UploadedFile)) throw new SandboxApiError('MISSING_MANDATORY_PARAMETER', ['fileData']);
      if (token.status !== Status.PENDING && token.status !== Status.PARTIAL_UPLOAD)
        throw new SandboxApiError('UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD');
      const resume = optBool(ctx.params, 'resume') ?? false;
      const finalChunk = optBool(ctx.params, 'finalChunk') ?? true;
      const resumeAt = optNumber(ctx.params, 'resumeAt') ?? -1;
      const size = storeChunk(ctx.store.uploadsDir, token.id, file.data, resume, Math.floor(resumeAt));
      const waiting = pendingChunks(ctx.store.uploadsDir, token.id).length > 0;
      const updated = ctx.store.received.updateUploadToken(token.id, (t) => {
        t.uploadedFileSize = size;
        t.receivedBytes += file.data.length;
        t.fileName ??= file.fileName;
        t.status = Status.PARTIAL_UPLOAD;
      });
      if (finalChunk) {
        if (waiting || (updated.fileSize !== null && updated.fileSize !== size))
          throw new SandboxApiError('UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE');
        ctx.store.received.updateUploadToken(token.id, (t) => (t.status = Status.FULL_UPLOAD));
      }
      return uploadTokenToApi(updated);
    },
  },
};

export type ResourceFields = Pick<
  RecordingRecord,
  'uploadTokenId' | 'localFilePath' | 'storedFilePath' | 'fileSizeBytes'
>;

/** KalturaUploadedFileTokenResource {token} (fully uploaded) or KalturaServerFileResource {localFilePath}. */
export function resolveRecordingResource(ctx: ActionContext, resource: ParamBag): ResourceFields {
  const type = optString(resource, 'objectType') ?? '';
  if (type === 'KalturaUploadedFileTokenResource') {
    const token = findToken(ctx, reqString(resource, 'token'));
    if (token.status !== Status.FULL_UPLOAD) throw new SandboxApiError('UPLOAD_TOKEN_INVALID_STATUS_FOR_ADD_ENTRY');
    return {
      uploadTokenId: token.id,
      localFilePath: null,
      storedFilePath: uploadFilePath(ctx.store.uploadsDir, token.id),
      fileSizeBytes: token.uploadedFileSize,
    };
  }
  if (type === 'KalturaServerFileResource') {
    const localFilePath = reqString(resource, 'localFilePath');
    let size: number | null = null;
    try {
      size = fs.statSync(localFilePath).size;
    } catch {
      size = null;
    }
    return { uploadTokenId: null, localFilePath, storedFilePath: null, fileSizeBytes: size };
  }
  throw new SandboxApiError('RESOURCE_TYPE_NOT_SUPPORTED', [type || '(none)']);
}

/** A resource used the token (Kaltura's closeUploadTokenById): it takes no more bytes and cannot be used again. */
export function closeUsedToken(ctx: ActionContext, resource: ResourceFields): void {
  if (resource.uploadTokenId)
    ctx.store.received.updateUploadToken(resource.uploadTokenId, (t) => (t.status = Status.CLOSED));
}
