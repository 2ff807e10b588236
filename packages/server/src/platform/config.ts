import path from 'node:path';
import { z } from 'zod';

/** Everything Haven reads from its environment, validated once at start-up. */
export interface HavenConfig {
  /** A SQLite file path or a postgres:// URL. */
  db: string;
  host: string;
  port: number;
  keyFile: string;
  /** Public origin, e.g. https://haven.example.org; https turns on Secure cookies and HSTS. */
  publicUrl: string | undefined;
  /** Trust X-Forwarded-* from a reverse proxy (set only behind one). */
  trustProxy: boolean;
  logLevel: string;
  bodyLimitBytes: number;
  dbPoolSize: number;
  /** PostgreSQL: a transaction left idle this long is ended by the server (0: the server's setting). */
  dbIdleInTransactionMs: number;
  /** The jurisdiction's SOP profile (YAML or JSON); the baseline (the Protocol floor) when unset. */
  profileFile: string | undefined;
  /** smtp:// or smtps:// URL; reminders also go by e-mail when set. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** How long a stopping server lets requests in flight and background passes finish. */
  shutdownGraceMs: number;
}

const envSchema = z.object({
  HAVEN_DB: z.string().min(1).default('./data/haven.db'),
  HAVEN_HOST: z.string().min(1).default('127.0.0.1'),
  HAVEN_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HAVEN_KEY_FILE: z.string().min(1).optional(),
  HAVEN_PUBLIC_URL: z.url().optional(),
  HAVEN_TRUST_PROXY: z.enum(['0', '1', 'true', 'false']).default('0'),
  HAVEN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HAVEN_BODY_LIMIT: z.coerce.number().int().min(1024).default(2 * 1024 * 1024),
  HAVEN_DB_POOL: z.coerce.number().int().min(1).max(200).default(10),
  HAVEN_DB_IDLE_TRANSACTION_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  HAVEN_PROFILE: z.string().min(1).optional(),
  HAVEN_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  HAVEN_MAIL_FROM: z.email().default('haven@localhost'),
  HAVEN_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
});

export class ConfigError extends Error {}

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HavenConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  // The key file sits beside a SQLite database by default, never inside the database itself.
  const keyFile =
    e.HAVEN_KEY_FILE ?? (isPostgresUrl(e.HAVEN_DB) ? './data/haven.key' : path.join(path.dirname(e.HAVEN_DB), 'haven.key'));
  return {
    db: e.HAVEN_DB,
    host: e.HAVEN_HOST,
    port: e.HAVEN_PORT,
    keyFile,
    publicUrl: e.HAVEN_PUBLIC_URL,
    trustProxy: e.HAVEN_TRUST_PROXY === '1' || e.HAVEN_TRUST_PROXY === 'true',
    logLevel: e.HAVEN_LOG_LEVEL,
    bodyLimitBytes: e.HAVEN_BODY_LIMIT,
    dbPoolSize: e.HAVEN_DB_POOL,
    dbIdleInTransactionMs: e.HAVEN_DB_IDLE_TRANSACTION_SECONDS * 1000,
    profileFile: e.HAVEN_PROFILE,
    smtpUrl: e.HAVEN_SMTP_URL,
    mailFrom: e.HAVEN_MAIL_FROM,
    shutdownGraceMs: e.HAVEN_SHUTDOWN_GRACE_SECONDS * 1000,
  };
}
