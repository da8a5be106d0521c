// Type-aware lint for src/, test/ and build/ (npm run lint, run by CI). The rules are
// typescript-eslint's recommended type-checked set; the few changes below say why.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A double cast hides what a typed helper would say; the few that remain carry a comment.
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // eslint.config.js itself is not part of the TypeScript project.
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
