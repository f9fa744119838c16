/**
 * mailsim replay FAILURE.json [--history FILE] [--finals FILE] [--json]: reruns the scenario
 * as it ran (overrides already applied), with the same seed and the fault schedule exactly
 * as it ran (nemesis off), and compares the history hash. Exit 0 when the hash is
 * identical, 1 when it differs. --history and --finals write the rerun's history and final
 * states (cli/runOutputs.ts).
 */
import { runScenario } from '../../scenarios/run.ts';
import { failedCheckNames } from '../../sim/checkers/failedChecks.ts';
import { EXIT_AS_EXPECTED, EXIT_NOT_AS_EXPECTED } from './exitCodes.ts';
import { readFailureFile } from './failureInput.ts';
import { codeIdentity, type CodeIdentity } from '../codeIdentity.ts';

function codeText(code: CodeIdentity): string {
  return `${code.commit === null ? 'no git' : `commit ${code.commit}`} (sources ${code.sourceSha256})`;
}
import { describeWritten, RunOutputs, writtenFiles, type RunOutputOptions } from '../runOutputs.ts';

export interface ReplayCommandOptions extends RunOutputOptions {
  readonly json?: boolean;
}

export async function replayCommand(file: string, options: ReplayCommandOptions): Promise<number> {
  const { failure, loaded } = await readFailureFile(file);
  const outputs = await RunOutputs.open(options);
  const { result, written } = await runScenario(loaded, failure.seed, { faults: failure.faults })
    .then(async ({ result, outcome }) => ({ result, written: await outputs.write(outcome, result) }))
    .finally(() => outputs.discard());
  const identical = result.historyHash === failure.historyHash;
  const failedChecks = failedCheckNames(result.checks);
  const replay = {
    failureFile: file,
    scenario: failure.scenarioFile,
    seed: failure.seed,
    faultCount: failure.faults.length,
    historyHash: result.historyHash,
    recordedHistoryHash: failure.historyHash,
    identical,
    verdict: result.verdict,
    expect: result.expect,
    failedChecks,
    recordedFailedChecks: failure.failedChecks,
    recordedMailsimVersion: failure.mailsimVersion,
    mailsimVersion: result.mailsimVersion,
    recordedCode: failure.code ?? null,
    code: codeIdentity(),
    ...writtenFiles(written),
  };
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify(replay)}\n`);
  } else {
    const lines = [
      `replayed ${file}: ${failure.scenarioFile} seed ${failure.seed} with ${failure.faults.length} fault(s) as they ran`,
      `history hash: ${result.historyHash}`,
      `recorded:     ${failure.historyHash}`,
      identical ? 'identical: the failure reproduces exactly' : 'DIFFERENT: the run no longer reproduces the recorded history',
      `verdict: ${result.verdict} (expect ${result.expect}); failing checks: ${failedChecks.length > 0 ? failedChecks.join(', ') : 'none'}`,
    ];
    if (failure.mailsimVersion !== result.mailsimVersion) lines.push(`note: recorded by mailsim ${failure.mailsimVersion}, replayed by ${result.mailsimVersion}`);
    const recorded = failure.code === undefined ? 'unrecorded code' : codeText(failure.code);
    if (recorded !== codeText(replay.code)) lines.push(`note: recorded by ${recorded}, replayed by ${codeText(replay.code)}`);
    process.stdout.write(`${lines.join('\n')}\n${describeWritten(written)}`);
  }
  return identical ? EXIT_AS_EXPECTED : EXIT_NOT_AS_EXPECTED;
}
