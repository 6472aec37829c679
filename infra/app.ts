// The CDK app entry: `npm run synth` here, or `npx cdk deploy` from infra/ (see infra/cdk.json).
import { buildWarmgateApp } from './warmgate-app.js';

// The CDK CLI passes its output directory in CDK_OUTDIR; without the CLI, a plain App would write to
// a temporary directory that is gone when the process exits.
const { app } = buildWarmgateApp(process.env.CDK_OUTDIR ? {} : { outdir: 'cdk.out' });
try {
  const assembly = app.synth();
  console.log(`synthesised ${assembly.stacks.map((s) => s.stackName).join(', ')} into ${assembly.directory}`);
} catch (error) {
  // A cdk-nag finding without an acknowledgement lands here; the report lists each one.
  console.error((error as Error).message);
  process.exitCode = 1;
}
