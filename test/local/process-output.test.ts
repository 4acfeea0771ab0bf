import { describe, expect, it } from 'vitest';
import { outputMode, processLineFormatter, startBannerText } from '../../local/process-output.ts';

const LOG_LINE = JSON.stringify({
  level: 30,
  time: Date.UTC(2026, 11, 2, 15, 4, 5, 678),
  pid: 4242,
  hostname: 'box',
  name: 'engine',
  msg: 'engine started',
  api: 'http://127.0.0.1:8080',
});

describe('Function: outputMode', () => {
  it('pretty on a terminal, JSON through a pipe, and the flags win either way', () => {
    expect(outputMode({}, true)).toBe('pretty');
    expect(outputMode({}, false)).toBe('json');
    expect(outputMode({ json: true }, true)).toBe('json');
    expect(outputMode({ pretty: true }, false)).toBe('pretty');
  });
});

describe('Function: processLineFormatter', () => {
  it('passes JSON lines through unchanged for machines', () => {
    const format = processLineFormatter('engine', 'json', { colorize: false, width: 11 });
    expect(format(LOG_LINE)).toBe(`${LOG_LINE}\n`);
  });

  it('pretty-prints a log line under the process name: level, message, then its fields', () => {
    const format = processLineFormatter('engine', 'pretty', { colorize: false, width: 11 });
    const lines = format(LOG_LINE).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^engine {6}│ \[\d{2}:\d{2}:05\.678\] INFO: engine started$/);
    expect(lines.slice(1)).toStrictEqual(['engine      │     api: "http://127.0.0.1:8080"']);
    // pid and hostname are noise at a terminal; the prefix already names the process.
    expect(format(LOG_LINE)).not.toMatch(/4242|box/);
  });

  it('shows a line that is not JSON as it is, prefixed', () => {
    const format = processLineFormatter('simulator', 'pretty', { colorize: false, width: 11 });
    expect(format('port=8181')).toBe('simulator   │ port=8181\n');
    expect(format('{not json')).toBe('simulator   │ {not json\n');
  });
});

describe('Function: startBannerText', () => {
  it('says where the API, the simulator and its keys, the config and the data are', () => {
    const text = startBannerText({
      engineApi: 'http://127.0.0.1:8080',
      simulator: { url: 'http://127.0.0.1:8181', keyId: 'SIMKEYID', secretKey: 'SIMSECRETKEY' },
      dataFolder: '.data/dynamo',
      endpointsFile: '.data/local-endpoints.json',
      configFile: 'config/system.json',
    });
    expect(text).toContain('engine API  http://127.0.0.1:8080');
    expect(text).toContain('simulator   http://127.0.0.1:8181   keys SIMKEYID / SIMSECRETKEY');
    expect(text).toContain('config      config/system.json');
    expect(text).toContain('data        .data/dynamo');
    expect(
      startBannerText({ engineApi: 'x', dataFolder: 'd', endpointsFile: 'e', configFile: 'c' }),
    ).not.toContain('simulator');
  });
});
