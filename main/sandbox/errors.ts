// Owns the sandbox's API exceptions: Kaltura's error templates ("CODE;ARG1,ARG2;message with @ARG1@", as in
// api_v3/lib/KalturaErrors.php, keyed by the constant's name), rendered the way api_v3 renders them.

const TEMPLATES = {
  SERVICE_DOES_NOT_EXISTS: 'SERVICE_DOES_NOT_EXISTS;SRV_NAME;Service "@SRV_NAME@" does not exists',
  ACTION_DOES_NOT_EXISTS:
    'ACTION_DOES_NOT_EXISTS;ACTION_NAME,SERVICE_NAME;Action "@ACTION_NAME@" does not exists for service "@SERVICE_NAME@"',
  SERVICE_FORBIDDEN: 'SERVICE_FORBIDDEN;SERVICE;The access to service [@SERVICE@] is forbidden',
  SERVICE_FORBIDDEN_CONTENT_BLOCKED:
    'SERVICE_FORBIDDEN_CONTENT_BLOCKED;;The access to this service is forbidden since the specified partner is blocked',
  MISSING_KS: 'MISSING_KS;;Missing KS, session not established',
  INVALID_KS: 'INVALID_KS;KSID,ERR_CODE,ERR_DESC;Invalid KS "@KSID@", Error "@ERR_CODE@,@ERR_DESC@"',
  INTERNAL_SERVERL_ERROR: 'INTERNAL_SERVERL_ERROR;;Internal server error occurred',
  MISSING_MANDATORY_PARAMETER: 'MISSING_MANDATORY_PARAMETER;PARAM_NAME;Missing parameter "@PARAM_NAME@"',
  INVALID_ENUM_VALUE:
    'INVALID_ENUM_VALUE;ENUM_VAL,PARAM_NAME,ENUM_TYPE;Invalid enumeration value "@ENUM_VAL@" for parameter "@PARAM_NAME@", expecting enumeration type "@ENUM_TYPE@"',
  PROPERTY_VALIDATION_CANNOT_BE_NULL:
    'PROPERTY_VALIDATION_CANNOT_BE_NULL;PROP_NAME;The property "@PROP_NAME@" cannot be null',
  PROPERTY_VALIDATION_MIN_LENGTH:
    'PROPERTY_VALIDATION_MIN_LENGTH;PROP_NAME,MIN_LEN;The property "@PROP_NAME@" must have a min length of @MIN_LEN@ characters',
  PROPERTY_VALIDATION_MIN_VALUE:
    'PROPERTY_VALIDATION_MIN_VALUE;PROP_NAME,MIN_VAL;The property "@PROP_NAME@" must have a min value of @MIN_VAL@',
  PROPERTY_VALIDATION_MAX_VALUE:
    'PROPERTY_VALIDATION_MAX_VALUE;PROP_NAME,MAX_VAL;The property "@PROP_NAME@" must have a max value of @MAX_VAL@',
  INVALID_OBJECT_TYPE: 'INVALID_OBJECT_TYPE;INVALID_OBJ_TYPE;Invalid object type "@INVALID_OBJ_TYPE@"',
  UNKNOWN_RESPONSE_FORMAT: 'UNKNOWN_RESPONSE_FORMAT;FORMAT;Response format provided [@FORMAT@] is not supported',
  // sandbox codes, where Kaltura has no API error of its own (see the README for why each is kept)
  INVALID_PARAMETER_VALUE:
    'INVALID_PARAMETER_VALUE;PARAM_NAME,PARAM_VALUE;Invalid value "@PARAM_VALUE@" for parameter "@PARAM_NAME@"',
  INVALID_JSON_BODY:
    'INVALID_JSON_BODY;REASON;The request body is not valid JSON (@REASON@); send one JSON object, e.g. {"ks":"..."}',
  REQUEST_BODY_TOO_LARGE:
    'REQUEST_BODY_TOO_LARGE;LIMIT;The request body is larger than @LIMIT@ bytes; send smaller requests or upload large files in chunks (uploadToken.upload with resume)',
  INVALID_MULTIPART_BODY:
    'INVALID_MULTIPART_BODY;REASON;The multipart request body is malformed (@REASON@); send multipart/form-data with a boundary',
  // Kaltura's own from here on
  INVALID_WIDGET_ID: 'INVALID_WIDGET_ID;WIDGET_ID;Unknown widget [@WIDGET_ID@]',
  START_SESSION_ERROR: 'START_SESSION_ERROR;PID;Error while starting session for partner [@PID@]',
  ENTRY_ID_NOT_FOUND: 'ENTRY_ID_NOT_FOUND;ENTRY_ID;Entry id "@ENTRY_ID@" not found',
  INVALID_ENTRY_ID: 'INVALID_ENTRY_ID;ID;Invalid entry id ["@ID@"]',
  LIVE_STREAM_INVALID_TOKEN: 'LIVE_STREAM_INVALID_TOKEN;ENTRY_ID;Invalid token supplied for live entry [@ENTRY_ID@]',
  LIVE_STREAM_ALREADY_BROADCASTING:
    'LIVE_STREAM_ALREADY_BROADCASTING;ENTRY_ID,MEDIA_SERVER;Entry [@ENTRY_ID@] already broadcasting to server [@MEDIA_SERVER@]',
  SERVER_NODE_NOT_FOUND: 'SERVER_NODE_NOT_FOUND;HOST_NAME;server node with host name [@HOST_NAME@] not found',
  ENTRY_SERVER_NODE_NOT_FOUND:
    'ENTRY_SERVER_NODE_NOT_FOUND;ENTRY_ID,SERVER_TYPE;Entry server node with entry id [@ENTRY_ID@] and server type [@SERVER_TYPE@] not found',
  CONVERSION_PROFILE_ID_NOT_FOUND: 'CONVERSION_PROFILE_ID_NOT_FOUND;ID;Conversion profile id "@ID@" not found',
  INVALID_STREAM_NAME: 'INVALID_STREAM_NAME;STREAM_NAME;Invalid stream name [@STREAM_NAME@]',
  INGEST_NOT_FOUND_IN_CONVERSION_PROFILE:
    'INGEST_NOT_FOUND_IN_CONVERSION_PROFILE;STREAM_NAME;Ingest "@STREAM_NAME@" is not in conversion profile',
  FLAVOR_ASSET_ID_NOT_FOUND: 'FLAVOR_ASSET_ID_NOT_FOUND;ID;Flavor asset id "@ID@" not found',
  ASSET_ID_NOT_FOUND: 'ASSET_ID_NOT_FOUND;ID;Asset id "@ID@" not found',
  RESOURCE_TYPE_NOT_SUPPORTED: 'RESOURCE_TYPE_NOT_SUPPORTED;RES_TYPE;Resource type "@RES_TYPE@" not supported',
  UPLOAD_TOKEN_NOT_FOUND: 'UPLOAD_TOKEN_NOT_FOUND;;Upload token not found',
  UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD:
    'UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD;;Upload token is in an invalid status for uploading a file, maybe the file was already uploaded',
  UPLOAD_TOKEN_INVALID_STATUS_FOR_ADD_ENTRY:
    'UPLOAD_TOKEN_INVALID_STATUS_FOR_ADD_ENTRY;;Upload token is in an invalid status for adding entry, maybe the a file was not uploaded or the token was used',
  UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE:
    'UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE;;Failed to match expected file size',
  SERVER_NODE_NOT_FOUND_WITH_ID:
    'SERVER_NODE_NOT_FOUND;SERVER_NODE_ID;server node with id [@SERVER_NODE_ID@] not found',
  HOST_NAME_ALREADY_EXISTS: 'HOST_NAME_ALREADY_EXISTS;HOST_NAME;Host Name [@HOST_NAME@] already exists',
  SYSTEM_NAME_ALREADY_EXISTS: 'SYSTEM_NAME_ALREADY_EXISTS;SYS_NAME;System name [@SYS_NAME@] already exists',
  OBJECT_TYPE_ABSTRACT:
    'OBJECT_TYPE_ABSTRACT;OBJ_TYPE;The object type "@OBJ_TYPE@" is abstract, use one of the object implementations',
  MEDIA_SERVER_NOT_FOUND: 'MEDIA_SERVER_NOT_FOUND;MEDIA_SERVER_ID;Media server [@MEDIA_SERVER_ID@] not found',
  LIVE_STREAM_EXCEEDED_MAX_PASSTHRU:
    'LIVE_STREAM_EXCEEDED_MAX_PASSTHRU;ENTRY_ID;Partner exceeded max pass-through live streams in entry[@ENTRY_ID@]',
  LIVE_STREAM_EXCEEDED_MAX_TRANSCODED:
    'LIVE_STREAM_EXCEEDED_MAX_TRANSCODED;ENTRY_ID;Partner exceeded max concurrent transcoded live streams in entry[@ENTRY_ID@]',
  LIVE_STREAM_EXCEEDED_MAX_RECORDED_DURATION:
    'LIVE_STREAM_EXCEEDED_MAX_RECORDED_DURATION;ENTRY_ID;Entry exceeded max recorded live stream duration in entry[@ENTRY_ID@]',
  KALTURA_RECORDING_ENABLED:
    'KALTURA_RECORDING_ENABLED;PARTNER_ID;Kaltura recording is enabled for partner [@PARTNER_ID@] use liveStream->setRecordedContent to set the live recorded content',
  KALTURA_RECORDING_DISABLED:
    'KALTURA_RECORDING_DISABLED;PARTNER_ID;Kaltura recording is disabled for partner [@PARTNER_ID@] use liveStream->appendRecording to set the live recorded content',
  RECORDED_ENTRY_LIVE_MISMATCH:
    'RECORDED_ENTRY_LIVE_MISMATCH;LIVE_ENTRY_ID,RECORDED_ENTRY_ID;Recorded entry [@RECORDED_ENTRY_ID@] was not created while streaming to the given live entry [@LIVE_ENTRY_ID@]',
  FLAVOR_PARAMS_ID_NOT_FOUND: 'FLAVOR_PARAMS_ID_NOT_FOUND;ID;Flavor params id "@ID@" not found',
  LOGIN_DATA_NOT_FOUND: 'LOGIN_DATA_NOT_FOUND;;Login id not found',
  USER_WRONG_PASSWORD: 'USER_WRONG_PASSWORD;;Wrong password supplied',
  MISSING_OTP: 'MISSING_OTP;;Missing otp',
  INVALID_OTP: 'INVALID_OTP;;Invalid otp',
  USER_NOT_FOUND: 'USER_NOT_FOUND;;User was not found',
  ADMIN_KUSER_NOT_FOUND: 'ADMIN_KUSER_NOT_FOUND;;User was not found',
  UNKNOWN_PARTNER_ID: 'UNKNOWN_PARTNER_ID;PARTNER_ID;Unknown partner_id [@PARTNER_ID@]',
  INVALID_PARTNER_ID: 'INVALID_PARTNER_ID;PARTNER_ID;Invalid partner id [@PARTNER_ID@]',
} as const;

/** The name of a Kaltura error constant (usually equal to the code it sends; SERVER_NODE_NOT_FOUND_WITH_ID is not). */
export type SandboxErrorCode = keyof typeof TEMPLATES;

/** An API exception: answered with HTTP 200 and Kaltura's error object. */
export class SandboxApiError extends Error {
  readonly args: Record<string, string>;
  /** the code on the wire */
  readonly code: string;
  constructor(
    readonly constant: SandboxErrorCode,
    values: readonly (string | number)[] = [],
  ) {
    const { code, names, message } = render(constant, values);
    super(message);
    this.name = 'SandboxApiError';
    this.code = code;
    this.args = names;
  }
}

function render(
  constant: SandboxErrorCode,
  values: readonly (string | number)[],
): { code: string; names: Record<string, string>; message: string } {
  const template: string = TEMPLATES[constant];
  const codeEnd = template.indexOf(';');
  const code = template.slice(0, codeEnd);
  const rest = template.slice(codeEnd + 1);
  const split = rest.indexOf(';');
  const argNames = rest
    .slice(0, split)
    .split(',')
    .filter((n) => n.length > 0);
  let message = rest.slice(split + 1);
  const names: Record<string, string> = {};
  argNames.forEach((name, i) => {
    const value = values[i] === undefined ? 'N/A' : String(values[i]);
    names[name] = value;
    message = message.split(`@${name}@`).join(value);
  });
  return { code, names, message };
}

/** Anything thrown that is not an API exception answers as Kaltura's internal error (sic). */
export function toApiError(e: unknown): SandboxApiError {
  return e instanceof SandboxApiError ? e : new SandboxApiError('INTERNAL_SERVERL_ERROR');
}
