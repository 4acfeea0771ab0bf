import { describe, expect, it } from 'vitest';
import { chooseConfigFiles } from '../../../shared/config/config-files.ts';

describe('Function: chooseConfigFiles', () => {
  it.each([
    [
      'nothing given: the development config, its risk file beside it',
      {},
      {},
      { systemFile: 'config/system.json' },
    ],
    [
      'the environment, as a container task sets it',
      {},
      { TRADING_CONFIG_FILE: 'config/system.production.json', TRADING_RISK_FILE: '/etc/risk.toml' },
      { systemFile: 'config/system.production.json', riskFile: '/etc/risk.toml' },
    ],
    [
      'flags over the environment, each file on its own',
      { config: 'a.json' },
      { TRADING_CONFIG_FILE: 'b.json', TRADING_RISK_FILE: 'b.toml' },
      { systemFile: 'a.json', riskFile: 'b.toml' },
    ],
    [
      'a flag over an empty variable',
      { risk: 'a.toml' },
      { TRADING_RISK_FILE: '' },
      { systemFile: 'config/system.json', riskFile: 'a.toml' },
    ],
  ])('%s', (_case, flags, env, files) => {
    expect(chooseConfigFiles(flags, env)).toStrictEqual({ ok: true, files });
  });

  it('refuses every empty value at once, naming each variable or flag', () => {
    expect(chooseConfigFiles({}, { TRADING_CONFIG_FILE: '', TRADING_RISK_FILE: '  ' })).toStrictEqual({
      ok: false,
      problems: [
        'TRADING_CONFIG_FILE is set but empty; name a file or unset it',
        'TRADING_RISK_FILE is set but empty; name a file or unset it',
      ],
    });
    expect(chooseConfigFiles({ config: '' }, { TRADING_CONFIG_FILE: 'b.json' })).toStrictEqual({
      ok: false,
      problems: ['--config is empty; name a file'],
    });
  });
});
