// kvs-session-broker/client runs in browsers and React Native: it must compile with ES2022 alone (no DOM, no Node
// types) and import nothing outside client/.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const clientDir = join(root, 'client');

describe('the client package', () => {
  it('imports only its own files', () => {
    const imports = readdirSync(clientDir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        [
          ...readFileSync(join(clientDir, f), 'utf8').matchAll(
            /^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm,
          ),
        ].map((m) => m[1]),
      );
    expect(imports.length).toBeGreaterThan(10);
    expect(imports.filter((i) => !i!.startsWith('./'))).toEqual([]);
  });

  it('type-checks with lib ES2022 only and no @types (tsc -p client/tsconfig.json)', () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    // throws with tsc's diagnostics when it fails
    const out = execFileSync(process.execPath, [tsc, '-p', join(clientDir, 'tsconfig.json')], {
      encoding: 'utf8',
    });
    expect(out).toBe('');
  }, 60_000);
});
