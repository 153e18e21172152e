// Owns multipart/form-data parsing for api_v3: text fields and file parts (uploadToken.upload),
// including the node client's form that starts with CRLF before the first boundary.
import { SandboxApiError } from '../errors.js';
import { UploadedFile } from './params.js';

export interface MultipartPart {
  name: string;
  value: string | UploadedFile;
}

export function boundaryOf(contentType: string): string | null {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new SandboxApiError('INVALID_MULTIPART_BODY', ['boundary not found in the body']);
  for (;;) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString('latin1') === '--') break; // closing delimiter
    if (body.subarray(start, start + 2).toString('latin1') === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new SandboxApiError('INVALID_MULTIPART_BODY', ['missing closing boundary']);
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    parts.push(parsePart(body.subarray(start, end)));
    pos = next;
  }
  return parts;
}

function parsePart(part: Buffer): MultipartPart {
  const headerEnd = part.indexOf('\r\n\r\n');
  if (headerEnd < 0) throw new SandboxApiError('INVALID_MULTIPART_BODY', ['a part has no header block']);
  const headers = part.subarray(0, headerEnd).toString('utf8');
  const content = part.subarray(headerEnd + 4);
  const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) throw new SandboxApiError('INVALID_MULTIPART_BODY', ['a part has no name']);
  const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  if (fileName !== undefined) return { name, value: new UploadedFile(fileName, Buffer.from(content)) };
  return { name, value: content.toString('utf8') };
}
