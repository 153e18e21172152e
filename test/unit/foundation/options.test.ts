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
    const { options } = parseCommandLine(['--config', file, '--http-port', '9100'], { ...env, KLIVE_RTMP_PORT: '2100' });
    expect(options.httpPort).toBe(9100);
    expect(options.rtmpPort).toBe(2100);
    expect(options.host).toBe('0.0.0.0');
    expect(options.configFile).toBe(file);
  });

  it('accepts --flag=value and environment variables', () => {
    const { options } = parseCommandLine(['--rtmp-port=19350', '--data-dir=/tmp/x'], { ...env, KLIVE_HOST: '::1', KLIVE_HTTP_PORT: '8181' });
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
    expect(() => parseCommandLine([], { ...env, KLIVE_HTTP_PORT: 'eighty' })).toThrowError(/KLIVE_HTTP_PORT: "eighty" is not a port/);
  });

  it('reports a broken or unknown config file clearly', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{ not json');
    expect(() => parseCommandLine(['--config', bad], env)).toThrowError(/not valid JSON/);
    const unknown = path.join(dir, 'unknown.json');
    fs.writeFileSync(unknown, JSON.stringify({ httpport: 1 }));
    expect(() => parseCommandLine(['--config', unknown], env)).toThrowError(/unknown key "httpport"; allowed keys are dataDir, rtmpPort, httpPort, host, logLevel/);
    expect(() => parseCommandLine(['--config', path.join(dir, 'missing.json')], env)).toThrowError(/cannot read it \(ENOENT\)/);
  });

  it('parses the sandbox sub-command and its port', () => {
    const parsed = parseCommandLine(['sandbox', '--port', '4000'], env);
    expect(parsed.command).toBe('sandbox');
    expect(parsed.sandboxPort).toBe(4000);
  });

  it('parses the sandbox --time-scale, refusing one out of range with the fix', () => {
    expect(parseCommandLine(['sandbox', '--time-scale', '60'], env).sandboxTimeScale).toBe(60);
    expect(parseCommandLine(['sandbox', '--time-scale=600'], env).sandboxTimeScale).toBe(600);
    expect(() => parseCommandLine(['sandbox', '--time-scale', '0'], env)).toThrowError(/--time-scale must be a number from 1 to 3600/);
    // only the sandbox sub-command knows it
    expect(() => parseCommandLine(['--time-scale', '60'], env)).toThrowError(/unknown option "--time-scale"/);
  });
});
