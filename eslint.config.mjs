// Typed linting: the rules that catch what tests miss (floating promises, unhandled switch cases).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'apps/web/dist/**',
      // The peers' own package: its dependencies are installed only when the bench runs.
      'apps/bench/peers/**',
      'node_modules/**',
      'coverage/**',
      '.tools/**',
      'data/**',
      'bench-results/**',
      '*.js',
      // Plain Node scripts that run before anything is built.
      'bin/*.js',
      'scripts/*.js',
      '*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  // The libraries' layers, bottom up: domain; event-store and read-store; projections,
  // messaging and security (side by side); commands (the write path every transport
  // shares); the Kafka intake, the trackers' webhooks, the projections thread, and ops
  // (metrics and health); api; apps. A library imports only from below it.
  ...[
    ['libs/domain/**', ['@heard/*']],
    ['libs/config/**', ['@heard/*']],
    [
      'libs/event-store/**',
      [
        '@heard/read-store',
        '@heard/projections',
        '@heard/messaging',
        '@heard/commands',
        '@heard/api',
        '@heard/demo',
      ],
    ],
    [
      'libs/read-store/**',
      ['@heard/projections', '@heard/messaging', '@heard/commands', '@heard/api', '@heard/demo'],
    ],
    ['libs/projections/**', ['@heard/messaging', '@heard/commands', '@heard/api', '@heard/demo']],
    ['libs/messaging/**', ['@heard/projections', '@heard/commands', '@heard/api', '@heard/demo']],
    [
      'libs/security/**',
      ['@heard/projections', '@heard/messaging', '@heard/commands', '@heard/api', '@heard/demo'],
    ],
    ['libs/commands/**', ['@heard/projections', '@heard/intake', '@heard/api', '@heard/demo']],
    [
      'libs/intake/**',
      ['@heard/projections', '@heard/projections-thread', '@heard/api', '@heard/demo'],
    ],
    ['libs/trackers/**', ['@heard/intake', '@heard/api', '@heard/demo']],
    [
      'libs/projections-thread/**',
      ['@heard/commands', '@heard/intake', '@heard/api', '@heard/demo'],
    ],
  ].map(([files, group]) => ({
    files: [files],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group, message: 'A library imports only from the layers below it.' }] },
      ],
    },
  })),
  {
    // Tests read loosely typed JSON answers.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
