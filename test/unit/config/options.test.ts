import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../main/config/options.js';
import { UsageError } from '../../../main/config/errors.js';
import { tempDir } from '../../helpers/net.js';

const env = { HOME: '/home/producer' } as NodeJS.ProcessEnv;

describe('parseCommandLine', () => {
  it('uses the documented defaults', () => {
    const { command, options } = parseCommandLine([], env);
    expect(command).toBe('station');
    expect(options).toMatchObject({ rtmpPort: 1935, httpPort: 8080, host: '127.0.0.1', logLevel: 'info' });
    expect(options.dataDir).toBe('/home/producer/.local/share/klive-station');
  });

  it('takes flags over environment over config file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'klive.json');
    fs.writeFileSync(file, JSON.stringify({ httpPort: 9000, rtmpPort: 2000, host: '0.0.0.0' }));
    const { options } = parseCommandLine(['--config', file, '--http-port', '9100'], {
      ...env,
      KLIVE_RTMP_PORT: '2100',
    });
    expect(options.httpPort).toBe(9100);
    expect(options.rtmpPort).toBe(2100);
    expect(options.host).toBe('0.0.0.0');
    expect(options.configFile).toBe(file);
  });

  it('accepts --flag=value and environment variables', () => {
    const { options } = parseCommandLine(['--rtmp-port=19350', '--data-dir=/tmp/x'], {
      ...env,
      KLIVE_HOST: '::1',
      KLIVE_HTTP_PORT: '8181',
    });
    expect(options).toMatchObject({ rtmpPort: 19350, dataDir: '/tmp/x', host: '::1', httpPort: 8181 });
  });

  it.each([
    [['--http-port', 'abc'], /"abc" is not a port.*--http-port N/],
    [['--rtmp-port', '70000'], /"70000" is not a port/],
    [['--bogus'], /unknown option "--bogus"; see --help/],
    [['--host'], /--host needs a value/],
    [['--log-level', 'loud'], /log level "loud" is unknown/],
  ])('refuses %j with a message that names the fix', (argv, message) => {
    expect(() => parseCommandLine(argv, env)).toThrowError(UsageError);
    expect(() => parseCommandLine(argv, env)).toThrowError(message);
  });

  it('names the environment variable when it is the bad one', () => {
    expect(() => parseCommandLine([], { ...env, KLIVE_HTTP_PORT: 'eighty' })).toThrowError(
      /KLIVE_HTTP_PORT: "eighty" is not a port/,
    );
  });

  it('reports a broken or unknown config file clearly', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{ not json');
    expect(() => parseCommandLine(['--config', bad], env)).toThrowError(/not valid JSON/);
    const unknown = path.join(dir, 'unknown.json');
    fs.writeFileSync(unknown, JSON.stringify({ httpport: 1 }));
    expect(() => parseCommandLine(['--config', unknown], env)).toThrowError(
      /unknown key "httpport"; allowed keys are dataDir, rtmpPort, httpPort, host, logLevel, kalturaMode/,
    );
    expect(() => parseCommandLine(['--config', path.join(dir, 'missing.json')], env)).toThrowError(
      /cannot read it \(ENOENT\)/,
    );
  });

  it('parses the sandbox sub-command and its port', () => {
    const parsed = parseCommandLine(['sandbox', '--port', '4000'], env);
    expect(parsed.command).toBe('sandbox');
    expect(parsed.sandboxPort).toBe(4000);
  });

  it('parses the sandbox --time-scale, refusing one out of range with the fix', () => {
    expect(parseCommandLine(['sandbox', '--time-scale', '60'], env).sandboxTimeScale).toBe(60);
    expect(parseCommandLine(['sandbox', '--time-scale=600'], env).sandboxTimeScale).toBe(600);
    expect(() => parseCommandLine(['sandbox', '--time-scale', '0'], env)).toThrowError(
      /--time-scale must be a number from 1 to 3600/,
    );
    // only the sandbox sub-command knows it
    expect(() => parseCommandLine(['--time-scale', '60'], env)).toThrowError(/unknown option "--time-scale"/);
  });
});

describe('Kaltura account flags (issue 16: headless real-account set-up)', () => {
  const secretFile = (content = 'abcdef0123456789abcdef0123456789\n'): string => {
    const file = path.join(tempDir(), 'admin-secret');
    fs.writeFileSync(file, content, { mode: 0o600 });
    return file;
  };

  it('reads mode, URL, partner, secret file and hostname from flags, into options.kaltura', () => {
    const file = secretFile();
    const { options } = parseCommandLine(
      [
        '--kaltura-mode',
        'ecdn',
        '--kaltura-url',
        'http://127.0.0.1:4000/',
        '--partner-id',
        '102',
        '--admin-secret-file',
        file,
        '--hostname',
        'studio-1.example.com',
      ],
      env,
    );
    expect(options.kaltura).toEqual({
      mode: 'ecdn',
      serviceUrl: 'http://127.0.0.1:4000',
      partnerId: 102,
      adminSecretFile: file,
      hostname: 'studio-1.example.com',
    });
    // the secret itself is nowhere in the options
    expect(JSON.stringify(options)).not.toContain('abcdef0123456789');
  });

  it('takes the KLIVE_* variables, and flags win over them', () => {
    const file = secretFile();
    const { options } = parseCommandLine(['--partner-id', '103'], {
      ...env,
      KLIVE_KALTURA_MODE: 'ECDN',
      KLIVE_KALTURA_URL: 'https://www.kaltura.com',
      KLIVE_PARTNER_ID: '102',
      KLIVE_ADMIN_SECRET_FILE: file,
      KLIVE_HOSTNAME: 'node-a',
    });
    expect(options.kaltura).toEqual({
      mode: 'ecdn',
      serviceUrl: 'https://www.kaltura.com',
      partnerId: 103,
      adminSecretFile: file,
      hostname: 'node-a',
    });
  });

  it('gives no Kaltura values when none are set', () => {
    expect(parseCommandLine([], env).options.kaltura).toEqual({});
  });

  it.each([
    [['--kaltura-mode', 'hybrid'], /--kaltura-mode: Kaltura mode "hybrid" is unknown; use sandbox, ecdn/],
    [['--kaltura-url', 'www.kaltura.com'], /--kaltura-url: "www.kaltura.com" is not a URL/],
    [['--kaltura-url', 'ftp://kaltura'], /must start with https:\/\/ or http:\/\//],
    [['--kaltura-url', 'https://k.example.com/?x=1'], /only the server address/],
    [['--partner-id', '10a'], /--partner-id: partner id "10a" is not a whole number/],
    [['--hostname', 'my host'], /--hostname: The hostname may contain only letters, digits, dots and dashes/],
    [['--hostname', '-bad.example.com'], /may not start or end with a dash/],
    [['--hostname', 'a..b'], /empty part/],
    [
      ['--admin-secret-file', '/nonexistent/secret'],
      /--admin-secret-file \/nonexistent\/secret: cannot read it \(ENOENT\)/,
    ],
    [['--admin-secret', 'x'], /--admin-secret is not accepted.*--admin-secret-file FILE/],
    [
      ['--kaltura-mode', 'ecdn', '--partner-id', '-5'],
      /eCDN mode uses your own partner id.*-5 is the media-server partner/,
    ],
    [
      ['--kaltura-mode', 'saas', '--partner-id', '102'],
      /saas mode uses the media-server partner \(-5\).*--kaltura-mode ecdn/,
    ],
    [
      ['--kaltura-mode', 'sandbox', '--kaltura-url', 'https://www.kaltura.com'],
      /--kaltura-mode sandbox starts the built-in sandbox/,
    ],
  ])('refuses %j with a UsageError naming the flag and the fix', (argv, message) => {
    expect(() => parseCommandLine(argv, env)).toThrowError(UsageError);
    expect(() => parseCommandLine(argv, env)).toThrowError(message);
  });

  it('refuses an empty or multi-word secret file without printing its content', () => {
    expect(() => parseCommandLine(['--admin-secret-file', secretFile('  \n')], env)).toThrowError(/the file is empty/);
    const twoWords = secretFile('topsecret123 other\n');
    expect(() => parseCommandLine(['--admin-secret-file', twoWords], env)).toThrowError(/more than one word/);
    try {
      parseCommandLine(['--admin-secret-file', twoWords], env);
    } catch (e) {
      expect((e as Error).message).not.toContain('topsecret123');
    }
  });

  it('refuses a secret in the environment and names the variable to use instead', () => {
    expect(() => parseCommandLine([], { ...env, KLIVE_ADMIN_SECRET: 'abc' })).toThrowError(
      /KLIVE_ADMIN_SECRET is not accepted.*KLIVE_ADMIN_SECRET_FILE/,
    );
  });

  it('names the variable when a KLIVE_* Kaltura value is bad', () => {
    expect(() => parseCommandLine([], { ...env, KLIVE_PARTNER_ID: 'abc' })).toThrowError(
      /KLIVE_PARTNER_ID: partner id "abc"/,
    );
    expect(() => parseCommandLine([], { ...env, KLIVE_KALTURA_MODE: 'cloud' })).toThrowError(
      /KLIVE_KALTURA_MODE: Kaltura mode "cloud"/,
    );
  });

  it('accepts the Kaltura keys in a --config file', () => {
    const file = secretFile();
    const config = path.join(tempDir(), 'klive.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        kalturaMode: 'ecdn',
        kalturaUrl: 'https://www.kaltura.com',
        partnerId: 102,
        adminSecretFile: file,
      }),
    );
    expect(parseCommandLine(['--config', config], env).options.kaltura).toMatchObject({
      mode: 'ecdn',
      partnerId: 102,
      adminSecretFile: file,
    });
  });

  it('lists every Kaltura flag and variable in --help', async () => {
    const { USAGE } = await import('../../../main/config/options.js');
    for (const word of [
      '--kaltura-mode',
      '--kaltura-url',
      '--partner-id',
      '--admin-secret-file',
      '--hostname',
      'KLIVE_KALTURA_MODE',
      'KLIVE_KALTURA_URL',
      'KLIVE_PARTNER_ID',
      'KLIVE_ADMIN_SECRET_FILE',
      'KLIVE_HOSTNAME',
    ]) {
      expect(USAGE).toContain(word);
    }
    expect(parseCommandLine(['--help'], { ...env, KLIVE_ADMIN_SECRET: 'x' }).command).toBe('help');
  });
});
