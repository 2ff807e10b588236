import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The tables that hold personal data: only a feature's store (store.ts, store/), the scoped and
// system stores (src/store/) and the migrations name them in a query. A service reaches them by
// calling its store with the unit of work the scoped store gave it.
const PERSONAL_TABLES = [
  'persons', 'person_match_keys', 'person_merges', 'cases', 'access_grants', 'encounters', 'family_links',
  'identity_documents', 'age_assessments', 'screenings', 'detentions', 'consular_notifications', 'assistance',
  'obligations', 'guard_overrides', 'case_actions', 'consents', 'referrals', 'justice_links', 'protection_measures',
  'incidents', 'allegations', 'legal_holds', 'erasure_requests',
];
const QUERY_METHODS = 'selectFrom|updateTable|insertInto|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|mergeInto|replaceInto';
const personalQuery = {
  selector: `CallExpression[callee.property.name=/^(${QUERY_METHODS})$/][arguments.0.type='Literal'][arguments.0.value=/^(${PERSONAL_TABLES.join('|')})( as \\w+)?$/]`,
  message: 'A personal table is queried only in a feature store (store.ts) with the unit of work the scoped or system store gives it.',
};
const anyQuery = {
  selector: `CallExpression[callee.property.name=/^(${QUERY_METHODS})$/]`,
  message: 'A route holds no query: it calls its feature service with request.store.',
};
const rawSql = { selector: "TaggedTemplateExpression[tag.name='sql']", message: 'A route holds no query: it calls its feature service with request.store.' };

// Which feature changes which table. Another feature asks the owner, through its exported
// functions (cases owns stage changes, notifications owns what lands on someone's list).
const OWNERS = {
  identity: ['agencies', 'users', 'access_changes', 'recovery_codes', 'sessions', 'api_tokens', 'settings', 'conduct_versions', 'conduct_acceptances', 'unknown_login_attempts'],
  persons: ['persons', 'family_links', 'identity_documents', 'age_assessments'],
  duplicates: ['person_match_keys', 'person_merges'],
  encounters: ['encounters'],
  cases: ['cases', 'detentions', 'consular_notifications'],
  screening: ['screenings'],
  assistance: ['assistance'],
  obligations: ['obligations', 'guard_overrides', 'case_actions'],
  notifications: ['notifications'],
  directory: ['service_providers', 'referral_pathways'],
  referrals: ['consents', 'referrals', 'access_grants'],
  justice: ['investigations', 'justice_links', 'protection_measures', 'incidents'],
  oversight: ['allegations'],
  retention: ['legal_holds', 'erasure_requests'],
  exports: ['export_jobs'],
  'self-assessment': ['self_assessment_answers'],
  stats: ['stats_cells', 'stats_day_cells', 'stats_ledger'],
};
const ALL_OWNED = Object.values(OWNERS).flat();
const foreignWrite = (feature) => {
  const foreign = ALL_OWNED.filter((table) => !OWNERS[feature].includes(table));
  return {
    selector: `CallExpression[callee.property.name=/^(updateTable|insertInto|deleteFrom|mergeInto|replaceInto)$/][arguments.0.type='Literal'][arguments.0.value=/^(${foreign.join('|')})( as \\w+)?$/]`,
    message: `The ${feature} feature changes another feature's table only through that feature's exported functions.`,
  };
};

// A transaction, scope checks and audit come from the scoped or system store, not from the
// platform beneath it; another feature's tables are reached through that feature's functions.
const storeOnly = [
  { name: '../../platform/audit/recorder.js', importNames: ['withAudit', 'withAuditCoalesced'], message: 'Run units of work through request.store (or a named system store).' },
  { name: '../../platform/access/scope.js', message: "Scope is the scoped store's: unit.visibleGroups, unit.caseGroups, unit.read." },
];
const otherFeatureStore = { regex: '^\\.\\./(?!\\.\\.)[^/]+/store(\\.js$|/)', message: "Another feature's tables are reached through its service's exported functions, not its store." };

// Files not yet moved onto the scoped store; each is removed from this list as it moves.
const NOT_YET_ON_THE_STORE = [
  'packages/server/src/features/retention/purge.ts',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'packages/web/static/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Personal tables: through a store, everywhere in the server (the CLI, the demo and the
    // benchmarks use the named system store).
    files: ['packages/server/src/**/*.ts'],
    ignores: [
      '**/*.test.ts', '**/test-support/**', 'packages/server/src/store/**', 'packages/server/src/platform/db/migrations/**',
      'packages/server/src/platform/access/scope.ts', ...NOT_YET_ON_THE_STORE,
    ],
    rules: { 'no-restricted-syntax': ['error', personalQuery] },
  },
  {
    files: ['packages/server/src/features/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test-support/**', ...NOT_YET_ON_THE_STORE],
    rules: { 'no-restricted-imports': ['error', { paths: storeOnly, patterns: [otherFeatureStore] }] },
  },
  {
    files: ['packages/server/src/features/*/store.ts', 'packages/server/src/features/*/store/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  ...Object.keys(OWNERS).flatMap((feature) => [
    {
      files: [`packages/server/src/features/${feature}/**/*.ts`],
      ignores: ['**/*.test.ts', '**/test-support/**', `packages/server/src/features/${feature}/store.ts`, `packages/server/src/features/${feature}/store/**`, ...NOT_YET_ON_THE_STORE],
      rules: { 'no-restricted-syntax': ['error', personalQuery, foreignWrite(feature)] },
    },
    {
      files: [`packages/server/src/features/${feature}/store.ts`, `packages/server/src/features/${feature}/store/**/*.ts`],
      ignores: NOT_YET_ON_THE_STORE,
      rules: { 'no-restricted-syntax': ['error', foreignWrite(feature)] },
    },
  ]),
  {
    files: ['packages/server/src/features/*/routes.ts', 'packages/server/src/features/*/*-routes.ts'],
    ignores: NOT_YET_ON_THE_STORE,
    rules: { 'no-restricted-syntax': ['error', personalQuery, anyQuery, rawSql] },
  },
);
