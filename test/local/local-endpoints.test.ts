import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  localEndpointsFile,
  readLocalEndpoints,
  removeLocalEndpoints,
  writeLocalEndpoints,
} from '../../local/local-endpoints.ts';
import { tempFolder } from '../support/temp-files.ts';

describe('the local stack endpoints file', () => {
  const folder = tempFolder();
  afterAll(() => folder.remove());
  const endpoints = { dynamoEndpoint: 'http://127.0.0.1:4000', engineApi: 'http://127.0.0.1:8080' };

  it('lives beside the data folder and is read back while its writer runs', () => {
    const file = localEndpointsFile(folder.path('a/dynamo'));
    expect(file).toBe(folder.path('a/local-endpoints.json'));
    writeLocalEndpoints(folder.path('local-endpoints.json'), { pid: process.pid, ...endpoints });
    expect(readLocalEndpoints(folder.path('local-endpoints.json'))).toEqual({
      pid: process.pid,
      ...endpoints,
    });
  });

  it('counts for nothing once its writer is gone, or when it is absent', () => {
    const file = folder.path('dead.json');
    // Beyond the kernel's pid range: no such process.
    writeLocalEndpoints(file, { pid: 2 ** 22 + 1, ...endpoints });
    expect(readLocalEndpoints(file)).toBeUndefined();
    expect(readLocalEndpoints(folder.path('absent.json'))).toBeUndefined();
  });

  it('names the file and what is wrong when it is malformed, and refuses endpoints off loopback', () => {
    const file = folder.path('bad.json');
    writeFileSync(file, '{');
    expect(() => readLocalEndpoints(file)).toThrow(`${file} is not JSON`);
    writeFileSync(
      file,
      JSON.stringify({ pid: process.pid, ...endpoints, engineApi: 'http://10.0.0.5:8080' }),
    );
    expect(() => readLocalEndpoints(file)).toThrow(/engineApi: must be a loopback URL/);
  });

  it('is removed only by the process that wrote it', () => {
    const file = folder.path('owned.json');
    writeLocalEndpoints(file, { pid: process.pid, ...endpoints });
    removeLocalEndpoints(file, process.pid + 1);
    expect(existsSync(file)).toBe(true);
    removeLocalEndpoints(file, process.pid);
    expect(existsSync(file)).toBe(false);
  });
});
