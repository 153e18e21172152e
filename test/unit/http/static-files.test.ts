import { describe, expect, it } from 'vitest';
import { safeJoin } from '../../../main/http/static-files.js';

describe('safeJoin', () => {
  it('keeps paths under the root', () => {
    expect(safeJoin('/srv/ui', '/assets/app.js')).toBe('/srv/ui/assets/app.js');
    expect(safeJoin('/srv/ui', '/')).toBe('/srv/ui');
  });

  it('refuses traversal, encoded traversal and NUL bytes', () => {
    expect(safeJoin('/srv/ui', '/../etc/passwd')).toBe('/srv/ui/etc/passwd');
    expect(safeJoin('/srv/ui', '/%2e%2e/%2e%2e/etc/passwd')).toBe('/srv/ui/etc/passwd');
    expect(safeJoin('/srv/ui', '/a%00b')).toBeNull();
    expect(safeJoin('/srv/ui', '/%E0%A4%A')).toBeNull();
  });
});
