import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('the configuration of stopping and of idle transactions', () => {
  it('gives a stopping server ten seconds and ends idle PostgreSQL transactions after ten, unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ shutdownGraceMs: 10_000, dbIdleInTransactionMs: 10_000 });
    expect(loadConfig({ HAVEN_SHUTDOWN_GRACE_SECONDS: '0', HAVEN_DB_IDLE_TRANSACTION_SECONDS: '0' })).toMatchObject({ shutdownGraceMs: 0, dbIdleInTransactionMs: 0 });
    expect(loadConfig({ HAVEN_SHUTDOWN_GRACE_SECONDS: '25', HAVEN_DB_IDLE_TRANSACTION_SECONDS: '30' })).toMatchObject({ shutdownGraceMs: 25_000, dbIdleInTransactionMs: 30_000 });
  });

  it('refuses a value that is not a whole number of seconds within bounds, naming the variable', () => {
    for (const [name, value] of [
      ['HAVEN_SHUTDOWN_GRACE_SECONDS', 'soon'],
      ['HAVEN_SHUTDOWN_GRACE_SECONDS', '-1'],
      ['HAVEN_SHUTDOWN_GRACE_SECONDS', '1.5'],
      ['HAVEN_SHUTDOWN_GRACE_SECONDS', '3601'],
      ['HAVEN_DB_IDLE_TRANSACTION_SECONDS', 'never'],
      ['HAVEN_DB_IDLE_TRANSACTION_SECONDS', '-5'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^invalid ${name}:`));
    }
  });
});
