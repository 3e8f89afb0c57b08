// ESLint 9 (flat config): the recommended JavaScript rules and typescript-eslint's type-checked
// recommended rules over the package's TypeScript (src/, every file, new ones included). The
// wasm-bindgen output in src/wasm/ is generated, so `make lint-js` builds it first (js-package).
// The test snippets in test/*.ts are type-checked by their tests (tsc --strict against the packed
// package) and are not linted here: they resolve the package from test/node_modules.
import { defineConfig } from "eslint/config";
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "src/wasm/", "glue/", "test/", "**/node_modules/"] },
  {
    files: ["src/**/*.ts"],
    extends: [eslint.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A leading underscore marks a parameter kept for an interface's signature (GuardStore.checkAndSet's nowMs).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
    },
  },
);
