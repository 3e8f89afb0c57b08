// ESLint 9 flat config: the recommended JS rules and typescript-eslint's type-checked
// recommended rules over the TypeScript sources (src/) and the TypeScript test snippets
// (test/*.ts). `npm run lint` (make lint-js) runs it; warnings fail the run too.
import { defineConfig } from "eslint/config";
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default defineConfig(
  // generated (wasm-bindgen output, tsc output) or installed code
  { ignores: ["dist/", "src/wasm/", "glue/", "**/node_modules/"] },
  {
    files: ["src/**/*.ts", "test/**/*.ts"],
    extends: [eslint.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
);
