/** The CLI's help text. */
export const USAGE = `validibot-validator: run a Validibot validator as its container would, or try it on local files.

Usage:
  validibot-validator run <validator> [input-uri]
      Run one attempt from the environment (VALIDIBOT_INPUT_URI or input-uri,
      VALIDIBOT_OUTPUT_URI, DEPLOYMENT_TARGET, WORKER_API_KEY, TASK_OIDC_AUDIENCE,
      VALIDIBOT_ATTEMPT_SCRATCH_ROOT) and exit with the attempt's exit code.

  validibot-validator try <validator> --file <port_key>=<path>[:<mime>] ... [--inputs <json>]
                          [--timeout <seconds>] [--keep]
      Build a local bundle from the files, run the validator with callbacks off, print its
      findings and metrics, and exit 0 only when the status is success.

  validibot-validator --help

<validator> is energyplus, fmu, or the path of a module whose default export is a validator
made with defineValidator().

Exit codes: 0 ok; 1 try: status not success; 2 usage; 3 validator unavailable;
10 input unreadable; 11 staging failed; 12 output not writable; 13 output conflict;
14 callback undeliverable; 15 callback rejected; 70 internal error.
`;
