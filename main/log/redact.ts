// Owns secret redaction: every log line, error text and beacon passes through here so that
// admin secrets, KS strings and stream tokens never leave the process in clear.

const REDACTED = '<redacted>';

/** KS v2 strings start with base64("v2|") = "djJ8"; v1 strings are long base64 runs of "<sha1hex>|pid;..." */
const KS_V2_PATTERN = /djJ8[A-Za-z0-9_\-+/=]{8,}/g;
const KS_V1_PATTERN = /\b[A-Za-z0-9+/]{40,}={0,2}/g;
/** token-bearing query and path parameters: ?t=, &ks=, /ks/<value>, secret=... */
const QUERY_PARAM_PATTERN = /([?&;](?:t|ks|token|secret|adminSecret|streamPassword|password)=)[^&\s"';]*/gi;
const PATH_PAIR_PATTERN = /(\/(?:ks|t|secret)\/)[^/\s"'?]+/gi;
const JSON_FIELD_PATTERN = /("(?:ks|token|secret|adminSecret|streamPassword|password|t)"\s*:\s*")[^"]*(")/gi;

const SECRET_KEYS = new Set([
  'ks',
  'token',
  'secret',
  'adminsecret',
  'streampassword',
  'password',
  't',
  'srtpass',
  'accesstoken',
]);

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a literal secret (admin secret, access token) to be masked wherever it appears. */
  addSecret(value: string | undefined | null): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  removeSecret(value: string): void {
    this.secrets.delete(value);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out
      .replace(KS_V2_PATTERN, REDACTED)
      .replace(QUERY_PARAM_PATTERN, `$1${REDACTED}`)
      .replace(PATH_PAIR_PATTERN, `$1${REDACTED}`)
      .replace(JSON_FIELD_PATTERN, `$1${REDACTED}$2`)
      .replace(KS_V1_PATTERN, (m) => (looksLikeKsV1(m) ? REDACTED : m));
  }

  /** Deep copy of a value with secret-named fields masked and every string redacted. */
  redactValue(value: unknown, depth = 0): unknown {
    if (depth > 8) return '[depth]';
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v, depth + 1));
    if (value instanceof Error) return this.redact(`${value.name}: ${value.message}`);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] =
          SECRET_KEYS.has(k.toLowerCase()) && v !== undefined && v !== null && v !== ''
            ? REDACTED
            : this.redactValue(v, depth + 1);
      }
      return out;
    }
    return value;
  }
}

function looksLikeKsV1(candidate: string): boolean {
  try {
    const decoded = Buffer.from(candidate, 'base64').toString('latin1');
    return /^[0-9a-f]{40}\|-?\d+;/.test(decoded);
  } catch {
    return false;
  }
}

export const REDACTED_MARK = REDACTED;
