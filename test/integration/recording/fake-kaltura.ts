// An in-test api_v3 stand-in for the recording tests: uploadToken add/get/upload (resumable, chunks
// as multipart like Kaltura) and liveStream appendRecording/setRecordedContent, which close the token.
// It can be taken down (connections dropped) and made to swallow one chunk without answering.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeToken {
  id: string;
  /** 0 pending, 1 partial, 2 full, 3 closed */
  status: number;
  fileName: string | null;
  fileSize: number | null;
  data: Buffer;
}

export interface FakeAppend {
  action: 'appendRecording' | 'setRecordedContent';
  entryId: string;
  assetId: string | null;
  mediaServerIndex: number;
  tokenId: string;
  durationSeconds: number;
  isLastChunk: boolean;
  bytes: Buffer;
}

export interface FakeKaltura {
  serviceUrl: string;
  down: boolean;
  /** the next upload chunk starting at this byte is received but never answered */
  hangUploadAtByte: number | null;
  hung: number;
  tokens: Map<string, FakeToken>;
  appends: FakeAppend[];
  calls: string[];
  close(): Promise<void>;
}

type Bag = Record<string, unknown>;

function apiError(code: string, message: string): Bag {
  return { objectType: 'KalturaAPIException', code, message, args: [] };
}

function tokenJson(t: FakeToken): Bag {
  return {
    id: t.id,
    status: t.status,
    fileName: t.fileName,
    fileSize: t.fileSize,
    uploadedFileSize: t.data.length,
    objectType: 'KalturaUploadToken',
  };
}

async function readParams(req: http.IncomingMessage, body: Buffer): Promise<{ params: Bag; file: Buffer | null }> {
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://local/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(body),
    }).formData();
    const json = form.get('json');
    const file = form.get('fileData');
    return {
      params: typeof json === 'string' ? (JSON.parse(json) as Bag) : {},
      file: file && typeof file !== 'string' ? Buffer.from(await file.arrayBuffer()) : null,
    };
  }
  return { params: body.length ? (JSON.parse(body.toString('utf8')) as Bag) : {}, file: null };
}

export async function startFakeKaltura(): Promise<FakeKaltura> {
  const hanging = new Set<http.ServerResponse>();
  const state: FakeKaltura = {
    serviceUrl: '',
    down: false,
    hangUploadAtByte: null,
    hung: 0,
    tokens: new Map(),
    appends: [],
    calls: [],
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const handle = async (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<Bag | null> => {
    const match = /\/api_v3\/service\/([^/]+)\/action\/([^/?]+)/.exec(req.url ?? '');
    const call = match ? `${match[1]!.toLowerCase()}.${match[2]!.toLowerCase()}` : '?';
    state.calls.push(call);
    const { params, file } = await readParams(req, body);
    const token = (id: unknown): FakeToken | undefined => (typeof id === 'string' ? state.tokens.get(id) : undefined);
    switch (call) {
      case 'uploadtoken.add': {
        const bag = (params.uploadToken ?? {}) as Bag;
        const t: FakeToken = {
          id: `0_${crypto.randomBytes(16).toString('hex')}`,
          status: 0,
          fileName: (bag.fileName as string) ?? null,
          fileSize: (bag.fileSize as number) ?? null,
          data: Buffer.alloc(0),
        };
        state.tokens.set(t.id, t);
        return tokenJson(t);
      }
      case 'uploadtoken.get': {
        const t = token(params.uploadTokenId);
        return t ? tokenJson(t) : apiError('UPLOAD_TOKEN_NOT_FOUND', 'Upload token not found');
      }
      case 'uploadtoken.upload': {
        const t = token(params.uploadTokenId);
        if (!t) return apiError('UPLOAD_TOKEN_NOT_FOUND', 'Upload token not found');
        if (t.status > 1)
          return apiError('UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD', 'Upload token is in an invalid status for upload');
        const resumeAt = params.resume ? Number(params.resumeAt) : 0;
        if (state.hangUploadAtByte === resumeAt) {
          state.hangUploadAtByte = null;
          state.hung += 1;
          hanging.add(res);
          return null;
        }
        if (!file) return apiError('MISSING_MANDATORY_PARAMETER', 'Missing parameter "fileData"');
        if (resumeAt > t.data.length)
          return apiError('UPLOAD_TOKEN_RESUMING_INVALID_POSITION', 'resume position beyond the uploaded size');
        t.data = Buffer.concat([t.data.subarray(0, resumeAt), file]);
        t.status = params.finalChunk === false ? 1 : 2;
        return tokenJson(t);
      }
      case 'livestream.appendrecording':
      case 'livestream.setrecordedcontent': {
        const resource = (params.resource ?? {}) as Bag;
        const t = token(resource.token);
        if (!t) return apiError('UPLOAD_TOKEN_NOT_FOUND', 'Upload token not found');
        if (t.status === 3) return apiError('UPLOAD_TOKEN_INVALID_STATUS', 'Upload token already used');
        if (t.status !== 2) return apiError('UPLOAD_TOKEN_NOT_FULLY_UPLOADED', 'Upload token not fully uploaded');
        t.status = 3;
        state.appends.push({
          action: call === 'livestream.appendrecording' ? 'appendRecording' : 'setRecordedContent',
          entryId: String(params.entryId),
          assetId: typeof params.assetId === 'string' ? params.assetId : null,
          mediaServerIndex: Number(params.mediaServerIndex),
          tokenId: t.id,
          durationSeconds: Number(params.duration),
          isLastChunk: params.isLastChunk === true,
          bytes: t.data,
        });
        return { id: String(params.entryId), partnerId: 102, name: 'test', objectType: 'KalturaLiveStreamEntry' };
      }
      default:
        return apiError('SERVICE_DOES_NOT_EXISTS', `no ${call} here`);
    }
  };

  const server = http.createServer((req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks), res).then(
        (result) => {
          if (result === null) return;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(result));
        },
        (e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(e));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
