// `npm run api-report` (after `npm run build`): API Extractor over the shipped declarations, failing on a type that a
// public signature uses but the entry point does not export (ae-forgotten-export): an adopter could not name it.
// The consumer test (test/consumer) runs it on the packed package too.
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The problems API Extractor finds in one declaration entry point: forgotten exports and compiler errors. */
export function apiProblems(entry: string): string[] {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: ROOT,
      mainEntryPointFilePath: entry,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            strict: true,
            skipLibCheck: true,
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            lib: ['es2023'],
            types: ['node'],
          },
          files: [entry],
        },
      },
      apiReport: { enabled: false },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.None },
          'ae-forgotten-export': { logLevel: ExtractorLogLevel.Error, addToApiReportFile: false },
        },
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    },
    configObjectFullPath: `${ROOT}api-extractor.json`,
    packageJsonFullPath: `${ROOT}package.json`,
  });
  const problems: string[] = [];
  Extractor.invoke(config, {
    localBuild: true,
    messageCallback: (message) => {
      if (message.logLevel === ExtractorLogLevel.Error)
        problems.push(`${message.messageId}: ${message.text}`);
      message.handled = true;
    },
  });
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = ['index', 'client'].flatMap((name) => apiProblems(`${ROOT}dist/${name}.d.ts`));
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
  console.error('dist/index.d.ts, dist/client.d.ts: every type of a public signature is exported');
}
