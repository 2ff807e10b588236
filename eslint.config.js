import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The tables that hold personal data: only a feature's store (store.ts, store/), the scoped and
// system stores (src/store/) and the migrations name them in a query. A service reaches them by
// calling its store with the unit of work the scoped store gave it.
const PERSONAL_TABLES = [
  'persons', 'person_match_keys', 'person_merges', 'cases', 'access_grants', 'encounters', 'family_links',
  'identity_documents', 'age_assessments', 'age_challenges', 'screenings', 'detentions', 'consular_notifications', 'assistance',
  'obligations', 'guard_overrides', 'case_actions', 'consents', 'referrals', 'justice_links', 'protection_measures',
  'incidents', 'allegations', 'legal_holds', 'erasure_requests', 'link_requests', 'service_gaps',
  'handovers',
];
const QUERY_METHODS = 'selectFrom|updateTable|insertInto|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|mergeInto|replaceInto';
// The one helper that writes a table named by its caller (`destroyCiphertexts(unit, 'table', …)`) counts as a write to it.
const TABLE_HELPERS = 'destroyCiphertexts';
const personalQuery = {
  selector: `:matches(CallExpression[callee.property.name=/^(${QUERY_METHODS})$/][arguments.0.type='Literal'][arguments.0.value=/^(${PERSONAL_TABLES.join('|')})( as \\w+)?$/], CallExpression[callee.name=/^(${TABLE_HELPERS})$/][arguments.1.type='Literal'][arguments.1.value=/^(${PERSONAL_TABLES.join('|')})$/])`,
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
  persons: ['persons', 'family_links', 'identity_documents', 'age_assessments', 'age_challenges'],
  duplicates: ['person_match_keys', 'person_merges', 'link_requests'],
  encounters: ['encounters'],
  cases: ['cases', 'detentions', 'consular_notifications'],
  screening: ['screenings'],
  assistance: ['assistance'],
  obligations: ['obligations', 'guard_overrides', 'case_actions'],
  notifications: ['notifications'],
  directory: ['service_providers', 'referral_pathways'],
  referrals: ['consents', 'referrals', 'access_grants', 'service_gaps'],
  justice: ['investigations', 'justice_links', 'protection_measures', 'incidents'],
  oversight: ['allegations'],
  retention: ['legal_holds', 'erasure_requests'],
  exports: ['export_jobs'],
  'self-assessment': ['self_assessment_answers'],
  stats: ['stats_cells', 'stats_day_cells', 'stats_ledger'],
  handover: ['handovers'],
};
const ALL_OWNED = Object.values(OWNERS).flat();
const foreignWrite = (feature) => {
  const foreign = ALL_OWNED.filter((table) => !OWNERS[feature].includes(table));
  return {
    selector: `:matches(CallExpression[callee.property.name=/^(updateTable|insertInto|deleteFrom|mergeInto|replaceInto)$/][arguments.0.type='Literal'][arguments.0.value=/^(${foreign.join('|')})( as \\w+)?$/], CallExpression[callee.name=/^(${TABLE_HELPERS})$/][arguments.1.type='Literal'][arguments.1.value=/^(${foreign.join('|')})$/])`,
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
      'packages/server/src/platform/access/scope.ts',
    ],
    rules: { 'no-restricted-syntax': ['error', personalQuery] },
  },
  {
    files: ['packages/server/src/features/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test-support/**'],
    rules: { 'no-restricted-imports': ['error', { paths: storeOnly, patterns: [otherFeatureStore] }] },
  },
  {
    files: ['packages/server/src/features/*/store.ts', 'packages/server/src/features/*/store/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  ...Object.keys(OWNERS).flatMap((feature) => [
    {
      files: [`packages/server/src/features/${feature}/**/*.ts`],
      ignores: ['**/*.test.ts', '**/test-support/**', `packages/server/src/features/${feature}/store.ts`, `packages/server/src/features/${feature}/store/**`],
      rules: { 'no-restricted-syntax': ['error', personalQuery, foreignWrite(feature)] },
    },
    {
      files: [`packages/server/src/features/${feature}/store.ts`, `packages/server/src/features/${feature}/store/**/*.ts`],
      rules: { 'no-restricted-syntax': ['error', foreignWrite(feature)] },
    },
  ]),
  {
    files: ['packages/server/src/features/*/routes.ts', 'packages/server/src/features/*/*-routes.ts'],
    rules: { 'no-restricted-syntax': ['error', personalQuery, anyQuery, rawSql] },
  },
  {
    // The web app reaches core only through its package exports (core's package.json), so a screen
    // imports only what it needs and never a file core does not publish.
    files: ['packages/web/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@haven/core', message: 'Import what the screen needs from a subpath (@haven/core/codes, @haven/core/schemas…), so the bundle carries only that.' }],
          patterns: [
            { group: ['**/core/src', '**/core/src/**'], message: 'Import core through its subpath exports (@haven/core/codes, @haven/core/schemas/…), not its sources.' },
            {
              regex: '^@haven/core/(?!(codes|problems|schemas|schemas/[a-z-]+|engine|engine/overrides|matching|obligation-titles|stats|self-assessment)$)',
              message: 'Not one of core\'s package exports (packages/core/package.json).',
            },
          ],
        },
      ],
    },
  },
);
