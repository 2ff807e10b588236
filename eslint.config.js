import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    // The web app reaches core only through its package exports (core's package.json), so a screen
    // imports only what it needs and never a file core does not publish.
    files: ['packages/web/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/core/src', '**/core/src/**'], message: 'Import core through its subpath exports (@haven/core/codes, @haven/core/schemas/…), not its sources.' },
            {
              regex: '^@haven/core/(?!(codes|problems|schemas|schemas/[a-z-]+|engine|engine/overrides|matching|stats|self-assessment)$)',
              message: 'Not one of core\'s package exports (packages/core/package.json).',
            },
          ],
        },
      ],
    },
  },
);
