/**
 * The one error a command throws after it has already told the person what
 * went wrong (a JSON `error` event, a worker's failure the primary reported,
 * a refusal printed in its own words): `main` then only exits with its code.
 *
 * @module
 */

/**
 * Thrown once a failure has been reported in the chosen format, so that the
 * command only exits with `exitCode` and prints nothing more.
 */
export class ReportedFailure extends Error {
  constructor(readonly exitCode: number) {
    super(`failure already reported (exit ${exitCode})`);
  }
}
