/** How every Lambda of the app is bundled: one ESM file for Node 24, minified, with source maps. */
import { type BundlingOptions, LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

export const FUNCTION_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  sourceMap: true,
  minify: true,
  logLevel: LogLevel.ERROR,
  // undici and pino are CommonJS and require() Node built-ins; ESM bundles need a require.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
};
